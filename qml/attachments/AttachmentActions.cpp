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
    decrypt(messageId, path, [this, messageId, path] { openPath(messageId, path); });
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

bool AttachmentActions::runsCode(const QString& fileName) {
    static const QStringList extensions = {
        QStringLiteral("desktop"), QStringLiteral("sh"),       QStringLiteral("bash"),
        QStringLiteral("zsh"),     QStringLiteral("csh"),      QStringLiteral("run"),
        QStringLiteral("bin"),     QStringLiteral("appimage"), QStringLiteral("jar"),
        QStringLiteral("py"),      QStringLiteral("pl"),       QStringLiteral("rb"),
        QStringLiteral("exe"),     QStringLiteral("msi"),      QStringLiteral("bat"),
        QStringLiteral("cmd"),     QStringLiteral("com"),      QStringLiteral("scr"),
        QStringLiteral("ps1"),     QStringLiteral("vbs"),      QStringLiteral("js"),
        QStringLiteral("deb"),     QStringLiteral("rpm"),      QStringLiteral("flatpakref"),
        QStringLiteral("command"), QStringLiteral("app"),      QStringLiteral("lnk"),
    };
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    if (extensions.contains(suffix)) {
        return true;
    }
    // By the type the name says (what the desktop goes by).
    const QMimeType type = QMimeDatabase().mimeTypeForFile(fileName, QMimeDatabase::MatchExtension);
    for (const char* risky :
         {"application/x-executable", "application/x-sharedlib", "application/x-shellscript",
          "application/x-desktop", "application/x-ms-dos-executable", "text/x-python",
          "application/x-perl", "application/x-ruby", "application/javascript"}) {
        if (type.inherits(QLatin1String(risky))) {
            return true;
        }
    }
    return false;
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
