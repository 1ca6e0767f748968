#include "qml/links/ShareLinks.h"

#include <QBuffer>
#include <QClipboard>
#include <QGuiApplication>

#include "app/core/Invitations.h"
#include "app/core/QrCode.h"

namespace tandem::gui {

using namespace tandem::storage;

namespace {

struct Shown {
    core::Invitation invitation;
    QString qr;  // a PNG as a data: URL (an Image's source)
};

QString pngUrl(const QString& link) {
    constexpr int kScale = 5;
    const auto code = core::QrCode::encode(link.toUtf8());
    QByteArray png;
    QBuffer buffer(&png);
    if (!code || !buffer.open(QIODevice::WriteOnly) ||
        !code->toImage(kScale).save(&buffer, "PNG")) {
        return {};
    }
    return QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
}

}  // namespace

void ShareLinks::setCore(AppCore* core) {
    if (core == core_) {
        return;
    }
    if (core_) {
        core_->disconnect(this);
    }
    core_ = core;
    if (core_) {
        connect(core_, &AppCore::accountsChanged, this, &ShareLinks::reload);
        connect(core_, &AppCore::stateChanged, this, &ShareLinks::reload);
    }
    emit coreChanged();
    reload();
}

void ShareLinks::reload() {
    const int generation = ++generation_;
    if (!core_ || core_->state() != AppCore::State::Ready) {
        return;
    }
    // The QR codes are drawn there too: nothing but the answer reaches the GUI thread.
    core_->store().read(
        [](Repositories& r) -> StoreResult<std::vector<Shown>> {
            TANDEM_TRY_ASSIGN(const auto accounts, r.accounts.all());
            auto invitations = core::invitations(accounts);
            if (!invitations) {
                return storeError(StoreErrorCode::InvalidArgument, invitations.error());
            }
            std::vector<Shown> out;
            for (core::Invitation& i : *invitations) {
                QString qr = pngUrl(i.link);
                out.push_back({std::move(i), std::move(qr)});
            }
            return out;
        },
        this,
        [this, generation](StoreResult<std::vector<Shown>> read) {
            if (generation != generation_) {
                return;
            }
            links_.clear();
            error_.clear();
            if (!read) {
                error_ = read.error().message;
            } else {
                for (const Shown& s : *read) {
                    links_.append(
                        QVariantMap{{QStringLiteral("mode"), modeName(s.invitation.mode).toLower()},
                                    {QStringLiteral("modeName"), modeName(s.invitation.mode)},
                                    {QStringLiteral("address"), s.invitation.address},
                                    {QStringLiteral("link"), s.invitation.link},
                                    {QStringLiteral("qr"), s.qr}});
                }
            }
            emit linksChanged();
        });
}

void ShareLinks::copy(const QString& text) {
    if (QClipboard* clipboard = QGuiApplication::clipboard()) {
        clipboard->setText(text);
    }
}

}  // namespace tandem::gui
