#include "qml/settings/PassphraseChange.h"

#include <QCoreApplication>

#include "qml/core/AppCore.h"

namespace tandem::gui {

using namespace tandem::storage;

QString PassphraseChange::check(const QString& next, const QString& again) const {
    if (next.size() < ProfileSession::kMinPassphraseLength) {
        return tr("Choose a passphrase of at least %1 characters.")
            .arg(ProfileSession::kMinPassphraseLength);
    }
    if (next != again) {
        return tr("The two new passphrases differ.");
    }
    return QString();
}

void PassphraseChange::fail(const QString& why) {
    error_ = why;
    emit finished(false);
}

bool PassphraseChange::canStart(const QString* current) {
    if (busy_) {
        return false;
    }
    if (!feed_ || !feed_->ready()) {
        fail(tr("The profile is not open."));
        return false;
    }
    if (current != nullptr && current->isEmpty()) {
        fail(tr("Enter your current passphrase."));
        return false;
    }
    return true;
}

void PassphraseChange::change(const QString& current, const QString& next, const QString& again) {
    if (!canStart(&current)) {
        return;
    }
    if (const QString problem = check(next, again); !problem.isEmpty()) {
        fail(problem);
        return;
    }
    rewrap(ProfileSession::passphraseCredentials(current),
           ProfileSession::passphraseCredentials(next));
}

void PassphraseChange::moveToKeychain(const QString& current) {
    if (!canStart(&current)) {
        return;
    }
    rewrap(ProfileSession::passphraseCredentials(current), Credentials::withKeychain());
}

void PassphraseChange::moveToPassphrase(const QString& next, const QString& again) {
    if (!canStart(nullptr)) {
        return;
    }
    if (const QString problem = check(next, again); !problem.isEmpty()) {
        fail(problem);
        return;
    }
    rewrap(Credentials::withKeychain(), ProfileSession::passphraseCredentials(next));
}

void PassphraseChange::rewrap(Credentials current, Credentials target) {
    busy_ = true;
    emit busyChanged();
    // The answer comes on the storage thread; it is handled on this object's thread, if the
    // object is still there (Settings may have been closed meanwhile).
    QPointer<PassphraseChange> self(this);
    QPointer<StoreFeed> feed(feed_);
    feed_->store()
        .changeCredentials(std::move(current), std::move(target))
        .then([self, feed](StoreResult<void> changed) {
            const bool ok = changed.has_value();
            QString why;
            if (!ok) {
                why = changed.error().code == StoreErrorCode::WrongPassphrase
                          ? tr("That is not this profile's passphrase. Nothing was changed.")
                      : changed.error().code == StoreErrorCode::Keychain
                          ? tr("The system keychain did not answer (is your keyring unlocked?). "
                               "Nothing was changed.")
                          : changed.error().message;
            }
            QMetaObject::invokeMethod(QCoreApplication::instance(), [self, feed, ok, why] {
                // The app learns where the key is now even if Settings is gone.
                if (ok && feed) {
                    feed->keyProtectionMoved();
                }
                if (self) {
                    self->done(ok, why);
                }
            });
        });
}

void PassphraseChange::done(bool ok, const QString& why) {
    busy_ = false;
    emit busyChanged();
    if (!ok) {
        fail(why);
        return;
    }
    error_.clear();
    emit finished(true);
}

}  // namespace tandem::gui
