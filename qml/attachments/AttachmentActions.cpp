#include "qml/attachments/AttachmentActions.h"

#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>

#include "app/core/Messenger.h"

namespace tandem::gui {

AttachmentActions::AttachmentActions(QObject* parent) : QObject(parent) {}

void AttachmentActions::setCore(AppCore* core) {
    if (core != core_) {
        core_ = core;
        emit coreChanged();
    }
}

void AttachmentActions::save(qint64 messageId, const QUrl& to) {
    if (!to.isLocalFile() || to.toLocalFile().isEmpty()) {
        emit failed(messageId, tr("Choose a file on this computer to save to."));
        return;
    }
    const QString path = to.toLocalFile();
    decrypt(messageId, path, [this, messageId, path] { emit saved(messageId, path); });
}

void AttachmentActions::open(qint64 messageId, const QString& fileName) {
    if (runsCode(fileName)) {
        emit failed(messageId, tr("Tandem does not open files that can run programs. Save it "
                                  "with Save as… if you trust it."));
        return;
    }
    const QString folder = core_ ? core_->openedFilesFolder() : QString();
    if (folder.isEmpty()) {
        emit failed(messageId, tr("There is no private folder to open the file from."));
        return;
    }
    // One folder per message, so the file keeps its own name; decrypted again each time
    // (an id can be another message's after a deletion).
    const QString dir = QStringLiteral("%1/%2").arg(folder).arg(messageId);
    const QString path = dir + u'/' + safeName(fileName);
    if (!QDir().mkpath(dir) ||
        !QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)) {
        emit failed(messageId, tr("The file could not be opened: no room for it."));
        return;
    }
    decrypt(messageId, path, [this, messageId, path] {
        // What the bytes are, not only what the name says: a program named invoice.pdf is not
        // handed to the desktop (which also goes by content, and would run it under Wine, say).
        if (!openable(QMimeDatabase().mimeTypeForFile(path, QMimeDatabase::MatchContent),
                      QMimeDatabase().mimeTypeForFile(path, QMimeDatabase::MatchExtension))) {
            QFile::remove(path);
            emit failed(messageId, tr("Tandem opens only pictures, sound, video, PDF, text and "
                                      "office documents. Save this file with Save as… if you "
                                      "trust it."));
            return;
        }
        openPath(messageId, path);
    });
}

void AttachmentActions::openPath(qint64 messageId, const QString& path) {
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(path))) {
        emit failed(messageId, tr("No application on this computer opens this file. Save it "
                                  "with Save as… instead."));
        return;
    }
    emit opened(messageId, path);
}

void AttachmentActions::decrypt(qint64 messageId, const QString& path, std::function<void()> done) {
    const bool queued = core_ && core_->coreThread().call<core::CoreResult<void>>(
                                     this,
                                     [messageId, path](core::Messenger& m) {
                                         return m.attachments().save(messageId, path);
                                     },
                                     [this, messageId, done](core::CoreResult<void> result) {
                                         if (!result) {
                                             emit failed(messageId, result.error().message);
                                             return;
                                         }
                                         done();
                                     });
    if (!queued) {
        emit failed(messageId, tr("Tandem is restarting its connection. Try again in a moment."));
    }
}

void AttachmentActions::download(qint64 messageId) {
    if (core_) {
        core_->coreThread().download(messageId);
    }
}

namespace {

// The kinds of file the desktop opens in a viewer, not a program: an allow-list, so what is
// new or unknown is saved, never opened (SVG and HTML run script; disk images get mounted).
bool viewable(const QMimeType& type) {
    const QString name = type.name();
    if (name == QLatin1String("image/svg+xml") ||
        name == QLatin1String("image/svg+xml-compressed")) {
        return false;
    }
    if (name.startsWith(QLatin1String("image/")) || name.startsWith(QLatin1String("audio/")) ||
        name.startsWith(QLatin1String("video/"))) {
        return true;
    }
    static const QStringList exact = {
        QStringLiteral("application/pdf"),
        QStringLiteral("text/plain"),
        QStringLiteral("text/csv"),
        QStringLiteral("text/markdown"),
        QStringLiteral("text/x-readme"),
        QStringLiteral("application/rtf"),
        QStringLiteral("application/msword"),
        QStringLiteral("application/vnd.ms-excel"),
        QStringLiteral("application/vnd.ms-powerpoint"),
        QStringLiteral("application/epub+zip"),
    };
    return exact.contains(name) ||
           name.startsWith(QLatin1String("application/vnd.oasis.opendocument.")) ||
           name.startsWith(QLatin1String("application/vnd.openxmlformats-officedocument."));
}

// Office documents and EPUB are ZIP files inside: their content says ZIP.
bool zipInside(const QMimeType& byName) {
    const QString name = byName.name();
    return name == QLatin1String("application/epub+zip") ||
           name.startsWith(QLatin1String("application/vnd.oasis.opendocument.")) ||
           name.startsWith(QLatin1String("application/vnd.openxmlformats-officedocument."));
}

}  // namespace

bool AttachmentActions::openable(const QMimeType& byContent, const QMimeType& byName) {
    if (!viewable(byName)) {
        return false;
    }
    return viewable(byContent) ||
           (zipInside(byName) && byContent.name() == QLatin1String("application/zip")) ||
           // Text with no magic of its own: the name's text type stands.
           (byName.inherits(QStringLiteral("text/plain")) &&
            byContent.name() == QLatin1String("text/plain"));
}

bool AttachmentActions::runsCode(const QString& fileName) {
    // By the name alone (before anything is decrypted): not a kind the desktop only views.
    return !viewable(QMimeDatabase().mimeTypeForFile(fileName, QMimeDatabase::MatchExtension));
}

QString AttachmentActions::safeName(const QString& fileName) {
    QString name = QFileInfo(fileName).fileName();
    name.replace(u'/', u'_');
    if (name.isEmpty() || name == QLatin1String(".") || name == QLatin1String("..")) {
        return QStringLiteral("attachment");
    }
    return name;
}

}  // namespace tandem::gui
