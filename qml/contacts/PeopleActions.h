// PeopleActions (docs/people.md): what the user does about people from the app — accept,
// delete or block a message request, block and unblock anyone, and set their own profile
// (name and picture) — through the core's PeopleService and ProfileService, and what the
// Settings page lists: the user's profile and the people they blocked. Results come back as
// `done` or `failed`, for the view to tell the user.
#pragma once

#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include "qml/core/AppCore.h"

namespace tandem::gui {

class PeopleActions : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::AppCore* core READ core WRITE setCore NOTIFY coreChanged)
    Q_PROPERTY(QString profileName READ profileName NOTIFY profileNameChanged)
    // The user's picture, round (a data: URL), or "".
    Q_PROPERTY(QString profileAvatar READ profileAvatar NOTIFY profileAvatarChanged)
    // The people blocked: [{contactId, title, address, mode}], by mode and name.
    Q_PROPERTY(QVariantList blocked READ blocked NOTIFY blockedChanged)

public:
    explicit PeopleActions(QObject* parent = nullptr);

    [[nodiscard]] AppCore* core() const { return core_; }
    void setCore(AppCore* core);
    [[nodiscard]] QString profileName() const { return profileName_; }
    [[nodiscard]] QString profileAvatar() const { return profileAvatar_; }
    [[nodiscard]] QVariantList blocked() const { return blocked_; }

    Q_INVOKABLE void accept(qint64 contactId);
    // Deletes the conversation and forgets them (a request's "Delete").
    Q_INVOKABLE void remove(qint64 contactId);
    Q_INVOKABLE void block(qint64 contactId);
    Q_INVOKABLE void unblock(qint64 contactId);
    Q_INVOKABLE void setProfileName(const QString& name);
    // A picture file (a local URL), cut to its centre square and made small.
    Q_INVOKABLE void setAvatar(const QUrl& file);
    Q_INVOKABLE void removeAvatar();
    // Reads the profile and the blocked list again.
    Q_INVOKABLE void reload();

signals:
    void coreChanged();
    void profileNameChanged();
    void profileAvatarChanged();
    void blockedChanged();
    // `action`: "accepted", "removed", "blocked", "unblocked", "profile".
    void done(const QString& action, qint64 contactId);
    void failed(const QString& message);

private:
    template <class T>
    void run(const QString& action, qint64 contactId,
             std::function<QFuture<core::CoreResult<T>>(core::Messenger&)> work);
    void setProfile(const std::optional<QString>& name, const std::optional<QByteArray>& image);

    QPointer<AppCore> core_;
    QString profileName_;
    QString profileAvatar_;
    QVariantList blocked_;
};

}  // namespace tandem::gui
