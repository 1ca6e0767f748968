#include "transport/onion/node/AuditLog.h"

#include <QDateTime>
#include <QJsonDocument>

namespace tandem::transport::onion {

Expected<std::unique_ptr<AuditLog>, QString> AuditLog::open(const QString& path) {
    std::unique_ptr<AuditLog> log(new AuditLog);
    log->file_.setFileName(path);
    if (!log->file_.open(QIODevice::WriteOnly | QIODevice::Append)) {
        return unexpected(
            QStringLiteral("cannot open the audit log %1: %2").arg(path, log->file_.errorString()));
    }
    log->file_.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    return log;
}

void AuditLog::record(QJsonObject event) {
    event.insert(QStringLiteral("t"), QDateTime::currentMSecsSinceEpoch());
    QByteArray line = QJsonDocument(event).toJson(QJsonDocument::Compact);
    line.append('\n');
    file_.write(line);
    file_.flush();
}

void AuditLog::note(AuditLog* log, const char* event, const QString& peer, QJsonObject fields) {
    if (log == nullptr) {
        return;
    }
    fields.insert(QStringLiteral("event"), QLatin1String(event));
    fields.insert(QStringLiteral("peer"), peer);
    log->record(std::move(fields));
}

}  // namespace tandem::transport::onion
