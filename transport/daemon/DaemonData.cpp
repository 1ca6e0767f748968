#include "transport/daemon/DaemonData.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTextStream>

#include "storage/FolderLock.h"
#include "transport/SecureChannel.h"

namespace tandem::daemon {

std::optional<int> parseCommandLine(QCommandLineParser& parser, const Usage& usage) {
    if (!parser.parse(QCoreApplication::arguments())) {
        return usageError(usage, parser.errorText());
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << usage.program << " " << QCoreApplication::applicationVersion()
                            << "\n";
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        return usageError(
            usage,
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    }
    return std::nullopt;
}

int usageError(const Usage& usage, const QString& message) {
    QTextStream(stderr) << usage.program << ": " << message << "\nusage: " << usage.synopsis
                        << " (see " << usage.program << " --help)\n";
    return 2;
}

Expected<std::unique_ptr<QLockFile>, QString> lockDataFolder(const QString& program,
                                                             const QString& dataDir) {
    if (!QDir().mkpath(dataDir)) {
        return unexpected(QStringLiteral("cannot create the data folder %1").arg(dataDir));
    }
    auto lock = storage::lockFolder(QDir(dataDir).filePath(program + QStringLiteral(".lock")));
    if (lock) {
        return std::move(lock).value();
    }
    if (lock.error().pid == 0) {
        return unexpected(QStringLiteral("cannot create a lock file in %1").arg(dataDir));
    }
    return unexpected(QStringLiteral("the data folder %1 is in use by %2 (pid %3)")
                          .arg(QDir(dataDir).absolutePath(), lock.error().program)
                          .arg(lock.error().pid));
}

Expected<SecretBytes, QString> loadOrCreateSecret(const QString& path, std::size_t size,
                                                  const std::function<SecretBytes()>& generate,
                                                  const QString& what) {
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            return unexpected(QStringLiteral("cannot read %1").arg(path));
        }
        SecretBytes secret(size);
        const qint64 read = file.read(reinterpret_cast<char*>(secret.data()),  // NOLINT
                                      static_cast<qint64>(size) + 1);
        if (read != static_cast<qint64>(size)) {
            return unexpected(QStringLiteral("the %1 %2 is damaged").arg(what, path));
        }
        return secret;
    }
    SecretBytes secret = generate();
    QSaveFile out(path);
    if (secret.size() != size || !out.open(QIODevice::WriteOnly) ||
        out.write(reinterpret_cast<const char*>(secret.data()),  // NOLINT
                  static_cast<qint64>(size)) != static_cast<qint64>(size) ||
        !out.commit()) {
        return unexpected(QStringLiteral("cannot write %1").arg(path));
    }
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    return secret;
}

Expected<OpenedDatabase, QString> openDatabase(const QString& dir, const QString& fileName,
                                               std::int64_t newestVersion, const QString& what) {
    if (!QDir().mkpath(dir)) {
        return unexpected(QStringLiteral("cannot create %1").arg(dir));
    }
    const QString path = dir + u'/' + fileName;
    storage::DatabaseOptions options;
    options.create = true;
    auto db = storage::Database::open(path, nullptr, options);
    if (!db) {
        return unexpected(db.error().message);
    }
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    const auto version = (*db)->queryInt("PRAGMA user_version;");
    if (!version || *version > newestVersion) {
        return unexpected(QStringLiteral("%1 is not a %2 this version knows").arg(path, what));
    }
    if (auto r = (*db)->exec("PRAGMA synchronous = FULL;"); !r) {
        return unexpected(r.error().message);
    }
    return OpenedDatabase{std::move(db).value(), *version};
}

bool announceReady(const QString& program, const QString& dataDir, const QString& fileName,
                   const QString& address, const QString& keyHex, QString* error) {
    const QJsonObject info{{QStringLiteral("version"), 1},
                           {QStringLiteral("address"), address},
                           {QStringLiteral("public_key"), keyHex}};
    QSaveFile file(dataDir + u'/' + fileName);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(info).toJson()) < 0 ||
        !file.commit()) {
        *error = QStringLiteral("cannot write %1/%2").arg(dataDir, fileName);
        return false;
    }
    QTextStream(stdout) << program << " ready " << address << " " << keyHex << Qt::endl;
    return true;
}

void addConnectionOptions(QCommandLineParser& parser) {
    parser.addOption({QStringLiteral("max-per-address"),
                      QStringLiteral("Connections at most from one IP address (default %1).")
                          .arg(ConnectionGate::Limits{}.maxPerAddress),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("idle-timeout"),
                      QStringLiteral("Seconds without a frame, not even a keep-alive, before a "
                                     "connection is closed (default %1).")
                          .arg(transport::SecureChannel::kIdleTimeoutMs / 1000),
                      QStringLiteral("S")});
}

std::optional<QString> readConnectionOptions(const DaemonOptions& options,
                                             ConnectionGate::Limits& gate, int& idleTimeoutMs) {
    if (options.isSet(QStringLiteral("max-per-address"))) {
        bool ok = false;
        const int n = options.value(QStringLiteral("max-per-address")).toInt(&ok);
        if (!ok || n < 1 || n > gate.maxConnections) {
            return QStringLiteral("--max-per-address takes 1 to %1").arg(gate.maxConnections);
        }
        gate.maxPerAddress = n;
    }
    if (options.isSet(QStringLiteral("idle-timeout"))) {
        bool ok = false;
        const int s = options.value(QStringLiteral("idle-timeout")).toInt(&ok);
        // Above the clients' keep-alive interval, with room for a slow link.
        // Under twice the clients' keep-alive interval (tests), idle honest clients go too.
        const int least = 1;
        if (!ok || s < least || s > 3600) {
            return QStringLiteral("--idle-timeout takes %1 to 3600 seconds").arg(least);
        }
        idleTimeoutMs = s * 1000;
    }
    return std::nullopt;
}

}  // namespace tandem::daemon
