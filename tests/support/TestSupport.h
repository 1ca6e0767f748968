// Helpers shared by the tests: real profiles in temporary folders, waiting on futures with
// a bound, and byte-level snapshots of files.
#pragma once

#include <QByteArray>
#include <QFuture>
#include <QMap>
#include <QString>
#include <QTest>

#include "storage/Store.h"

namespace tandem::test {

// A passphrase credential from a literal.
storage::Credentials passphrase(const char* text);

// Waits for `future` while processing events, at most `timeoutMs`; fails the test on timeout.
template <class T>
T await(QFuture<T> future, int timeoutMs = 30000) {
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, timeoutMs)) {
        qFatal("a future did not finish within %d ms", timeoutMs);
    }
    return future.result();
}
inline void await(QFuture<void> future, int timeoutMs = 30000) {
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, timeoutMs)) {
        qFatal("a future did not finish within %d ms", timeoutMs);
    }
}

QByteArray readFile(const QString& path);
void writeFile(const QString& path, const QByteArray& bytes);
// Every regular file under `dir` (relative path → bytes), for byte-identical checks.
QMap<QString, QByteArray> snapshot(const QString& dir);
// 0600: the owner reads and writes the file, nobody else anything.
bool onlyTheOwnerReads(const QString& path);
// Where tests keep artifacts (screenshots, logs): $TANDEM_TEST_ARTIFACTS or a temp folder.
QString artifactsDir();
// The folder of the project's binaries ($TANDEM_BIN_DIR, set by ctest).
QString binDir();
// A binary of the project: $TANDEM_BIN_DIR/name.
QString binDirOr(const QString& name);

}  // namespace tandem::test
