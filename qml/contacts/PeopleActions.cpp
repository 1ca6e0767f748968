#include "qml/contacts/PeopleActions.h"

#include <QFile>

#include <tandem/common/Redact.h>

#include "app/core/Messenger.h"
#include "app/core/people/OwnProfile.h"
#include "app/core/people/ProfileImages.h"
#include "qml/core/AvatarPicture.h"

namespace tandem::gui {

using namespace tandem::storage;

PeopleActions::PeopleActions(QObject* parent) : QObject(parent) {}

void PeopleActions::setCore(AppCore* core) {
    if (core == core_) {
        return;
    }
    if (core_) {
        disconnect(core_->feed(), nullptr, this, nullptr);
    }
    core_ = core;
    if (core_) {
        connect(core_->feed(), &StoreFeed::peopleChanged, this, &PeopleActions::reload);
        connect(core_->feed(), &StoreFeed::readyChanged, this, &PeopleActions::reload);
    }
    emit coreChanged();
    reload();
}

template <class T>
void PeopleActions::run(const QString& action, qint64 contactId,
                        std::function<QFuture<core::CoreResult<T>>(core::Messenger&)> work) {
    const bool queued =
        core_ && core_->coreThread().call<core::CoreResult<T>>(
                     this, std::move(work), [this, action, contactId](core::CoreResult<T> r) {
                         if (!r) {
                             emit failed(r.error().message);
                             return;
                         }
                         emit done(action, contactId);
                         reload();
                     });
    if (!queued) {
        emit failed(
            PeopleActions::tr("Tandem is restarting its connection. Try again in a moment."));
    }
}

void PeopleActions::accept(qint64 contactId) {
    run<Contact>(QStringLiteral("accepted"), contactId,
                 [contactId](core::Messenger& m) { return m.people().accept(contactId); });
}

void PeopleActions::remove(qint64 contactId) {
    run<void>(QStringLiteral("removed"), contactId,
              [contactId](core::Messenger& m) { return m.people().remove(contactId); });
}

void PeopleActions::block(qint64 contactId) {
    run<Contact>(QStringLiteral("blocked"), contactId,
                 [contactId](core::Messenger& m) { return m.people().block(contactId); });
}

void PeopleActions::unblock(qint64 contactId) {
    run<Contact>(QStringLiteral("unblocked"), contactId,
                 [contactId](core::Messenger& m) { return m.people().unblock(contactId); });
}

void PeopleActions::setProfile(const std::optional<QString>& name,
                               const std::optional<QByteArray>& image) {
    run<core::people::OwnProfile>(QStringLiteral("profile"), 0, [name, image](core::Messenger& m) {
        return m.profiles().setProfile(name, image);
    });
}

void PeopleActions::setProfileName(const QString& name) {
    setProfile(name, std::nullopt);
}

void PeopleActions::setAvatar(const QUrl& file) {
    if (!file.isLocalFile()) {
        emit failed(tr("Choose a picture on this computer."));
        return;
    }
    // Read and made small on the core thread, never here.
    run<core::people::OwnProfile>(
        QStringLiteral("profile"), 0,
        [path = file.toLocalFile()](
            core::Messenger& m) -> QFuture<core::CoreResult<core::people::OwnProfile>> {
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly) || f.size() > core::people::kMaxAvatarSourceBytes) {
                return QtFuture::makeReadyFuture(
                    core::CoreResult<core::people::OwnProfile>(core::coreError(
                        core::CoreErrorCode::InvalidArgument,
                        f.isOpen() ? tr("The picture is larger than 20 MiB.")
                                   : tr("Cannot read %1: %2").arg(f.fileName(), f.errorString()))));
            }
            return m.profiles().setProfile(std::nullopt, f.readAll());
        });
}

void PeopleActions::removeAvatar() {
    setProfile(std::nullopt, QByteArray());
}

void PeopleActions::reload() {
    if (!core_ || !core_->feed()->ready()) {
        return;
    }
    struct Read {
        QString name;
        QString avatar;
        QVariantList blocked;
    };
    core_->feed()->store().read(
        [](Repositories& r) -> StoreResult<Read> {
            Read out;
            TANDEM_TRY_ASSIGN(const auto profile, core::people::loadOwnProfile(r));
            out.name = profile.name;
            out.avatar = roundAvatarUrl(profile.avatar, 160);
            TANDEM_TRY_ASSIGN(const auto blocked, r.contacts.blocked());
            for (const Contact& c : blocked) {
                const QString name = c.shownName();
                out.blocked.append(QVariantMap{
                    {QStringLiteral("contactId"), static_cast<qint64>(c.id)},
                    {QStringLiteral("title"), name.isEmpty() ? redact(c.address) : name},
                    {QStringLiteral("address"), c.address},
                    {QStringLiteral("mode"), modeName(c.mode)}});
            }
            return out;
        },
        this,
        [this](StoreResult<Read> read) {
            if (!read) {
                return;
            }
            // Apart: a new picture must not reset a name being typed.
            if (read->name != profileName_) {
                profileName_ = read->name;
                emit profileNameChanged();
            }
            if (read->avatar != profileAvatar_) {
                profileAvatar_ = read->avatar;
                emit profileAvatarChanged();
            }
            if (read->blocked != blocked_) {
                blocked_ = read->blocked;
                emit blockedChanged();
            }
        });
}

}  // namespace tandem::gui
