// PassphraseChange: Settings' "change passphrase" — the current passphrase, the new one twice —
// and the key moved into the OS keychain or back under a passphrase. The database key is
// re-wrapped (storage::Store::changeCredentials);
// the database itself is untouched, so it takes a moment however much history there is. A
// wrong current passphrase, a short new one or a mismatch is said plainly and changes nothing.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include "qml/core/StoreFeed.h"
#include "storage/Store.h"

namespace tandem::gui {

class PassphraseChange : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::StoreFeed* feed READ feed WRITE setFeed NOTIFY feedChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    // Why the last attempt failed, or empty.
    Q_PROPERTY(QString error READ error NOTIFY finished)

public:
    explicit PassphraseChange(QObject* parent = nullptr) : QObject(parent) {}

    [[nodiscard]] StoreFeed* feed() const { return feed_; }
    void setFeed(StoreFeed* feed) {
        if (feed != feed_) {
            feed_ = feed;
            emit feedChanged();
        }
    }
    [[nodiscard]] bool busy() const { return busy_; }
    [[nodiscard]] QString error() const { return error_; }

    // Empty if `next` and `again` would do as a new passphrase, else why not.
    Q_INVOKABLE QString check(const QString& next, const QString& again) const;
    // Re-wraps the key; finished(ok) when done.
    Q_INVOKABLE void change(const QString& current, const QString& next, const QString& again);
    // The key into the OS keychain (the current passphrase first): the profile then opens
    // without a passphrase. finished(ok) when done.
    Q_INVOKABLE void moveToKeychain(const QString& current);
    // A keychain profile's key under a passphrase again (the keychain's entry is removed).
    Q_INVOKABLE void moveToPassphrase(const QString& next, const QString& again);

signals:
    void feedChanged();
    void busyChanged();
    void finished(bool ok);

private:
    void fail(const QString& why);
    // Whether a change can start: none running, the profile open and, when `current` is
    // given, not empty; otherwise says why (finished(false)).
    bool canStart(const QString* current);
    void rewrap(storage::Credentials current, storage::Credentials target);
    void done(bool ok, const QString& why);

    QPointer<StoreFeed> feed_;
    bool busy_ = false;
    QString error_;
};

}  // namespace tandem::gui
