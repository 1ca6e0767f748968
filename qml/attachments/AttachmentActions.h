// AttachmentActions: what the user does with a message's file — Save as… (decrypted to the
// path chosen), Open (decrypted into the app's private folder for opened files, then handed
// to the desktop), and Download again after a failure. Each result comes back as a signal,
// for the chat to tell the user. A file whose type runs code when opened (a script, a program,
// a .desktop file) is not opened from here: the user is told to save it instead.
#pragma once

#include <QMimeType>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

#include "qml/core/AppCore.h"

namespace tandem::gui {

class AttachmentActions : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::AppCore* core READ core WRITE setCore NOTIFY coreChanged)

public:
    explicit AttachmentActions(QObject* parent = nullptr);

    [[nodiscard]] AppCore* core() const { return core_; }
    void setCore(AppCore* core);

    // Decrypts the file of message `messageId` to `to` (a local file URL): saved or failed.
    Q_INVOKABLE void save(qint64 messageId, const QUrl& to);
    // Decrypts it into the private folder (once) and opens it: opened or failed.
    Q_INVOKABLE void open(qint64 messageId, const QString& fileName);
    // Starts a received file's download again.
    Q_INVOKABLE void download(qint64 messageId);

    // Whether a file of this name is not opened from the chat (by its name: not a kind that is
    // only viewed).
    Q_INVOKABLE static bool runsCode(const QString& fileName);
    // Whether a decrypted file may be handed to the desktop: what its bytes are and what its
    // name says must both be kinds that are viewed (pictures but SVG, sound, video, PDF, text,
    // office documents), never programs, scripts, web pages or disk images.
    static bool openable(const QMimeType& byContent, const QMimeType& byName);
    // A name that is safe as the last part of a path ("attachment" for nothing usable).
    static QString safeName(const QString& fileName);

signals:
    void coreChanged();
    void saved(qint64 messageId, const QString& path);
    void opened(qint64 messageId, const QString& path);
    void failed(qint64 messageId, const QString& message);

private:
    void decrypt(qint64 messageId, const QString& path, std::function<void()> done);
    void openPath(qint64 messageId, const QString& path);

    QPointer<AppCore> core_;
};

}  // namespace tandem::gui
