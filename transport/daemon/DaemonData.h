// What tandem-relayd and tandem-node both keep in their data folder, and how they say they
// are ready:
//  - a secret key file (0600), created once and written atomically;
//  - a plain SQLite database through the storage engine (they hold only ciphertext),
//    synchronous=FULL so what they confirm survives a power cut, refused if its schema is
//    newer than this version knows;
//  - DIR/<name>.json with the address and public key, and "<program> ready ADDRESS KEY" on
//    stdout, once listening.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <QCommandLineParser>
#include <QLockFile>
#include <QString>

#include <tandem/common/Expected.h>
#include <tandem/common/SecretBytes.h>

#include "storage/Database.h"
#include "transport/daemon/ConnectionGate.h"
#include "transport/daemon/DaemonOptions.h"

namespace tandem::daemon {

// A daemon's name and its one-line synopsis ("tandem-relayd --data DIR [--listen IP:PORT] …").
struct Usage {
    QString program;
    QString synopsis;
};

// The command line: --help and --version print and give 0; an unknown option or a missing
// value is a usage error, as every other one of the daemons (QCommandLineParser::process
// exits 1 there). nullopt: go on.
std::optional<int> parseCommandLine(QCommandLineParser& parser, const Usage& usage);
// A usage error: on stderr the sentence, then the synopsis and where to read more; returns 2.
int usageError(const Usage& usage, const QString& message);

// Both daemons' connection options: --max-per-address N (connections from one IP address) and
// --idle-timeout S (seconds without a frame before a connection is closed).
void addConnectionOptions(QCommandLineParser& parser);
// Reads them into `gate` and `idleTimeoutMs`; the error names the option.
std::optional<QString> readConnectionOptions(const DaemonOptions& options,
                                             ConnectionGate::Limits& gate, int& idleTimeoutMs);

// Takes DIR/<program>.lock (storage/FolderLock.h), creating DIR if needed: one daemon per data
// folder. Fails with a sentence naming the folder and the pid that holds it; nothing in the
// folder is touched then.
Expected<std::unique_ptr<QLockFile>, QString> lockDataFolder(const QString& program,
                                                             const QString& dataDir);

// Reads `path` (exactly `size` bytes, else "damaged"), or writes `generate()` there first.
Expected<SecretBytes, QString> loadOrCreateSecret(const QString& path, std::size_t size,
                                                  const std::function<SecretBytes()>& generate,
                                                  const QString& what);

struct OpenedDatabase {
    std::unique_ptr<storage::Database> db;
    std::int64_t version = 0;  // user_version as found (0: new)
};
Expected<OpenedDatabase, QString> openDatabase(const QString& dir, const QString& fileName,
                                               std::int64_t newestVersion, const QString& what);

// Writes DIR/<fileName> and prints the ready line; false (with `error`) if it cannot write.
bool announceReady(const QString& program, const QString& dataDir, const QString& fileName,
                   const QString& address, const QString& keyHex, QString* error);

}  // namespace tandem::daemon
