#include "tests/support/TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>

namespace tandem::test {

storage::Credentials passphrase(const char* text) {
    return storage::Credentials::withPassphrase(SecretBytes::fromString(text));
}

QByteArray readFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("cannot read %s", qPrintable(path));
    }
    return file.readAll();
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(bytes) != bytes.size()) {
        qFatal("cannot write %s", qPrintable(path));
    }
}

QMap<QString, QByteArray> snapshot(const QString& dir) {
    QMap<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        files.insert(QDir(dir).relativeFilePath(path), readFile(path));
    }
    return files;
}

bool onlyTheOwnerReads(const QString& path) {
    const QFile::Permissions p = QFile::permissions(path);
    const QFile::Permissions others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                      QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
    return p.testFlag(QFile::ReadOwner) && p.testFlag(QFile::WriteOwner) && !(p & others);
}

QString artifactsDir() {
    QString dir = qEnvironmentVariable("TANDEM_TEST_ARTIFACTS");
    if (dir.isEmpty()) {
        dir = QDir::tempPath() + QStringLiteral("/tandem-test-artifacts");
    }
    QDir().mkpath(dir);
    return dir;
}

QString binDir() {
    return qEnvironmentVariable("TANDEM_BIN_DIR");
}

QString binDirOr(const QString& name) {
    const QString dir = binDir();
    if (dir.isEmpty()) {
        qFatal("TANDEM_BIN_DIR is not set (run the tests through ctest)");
    }
    return dir + u'/' + name;
}

}  // namespace tandem::test
