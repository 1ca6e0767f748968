#include "tests/cli/TandemctlFixture.h"

#include <QProcess>
#include <QTest>

namespace tandem::test {

Run TandemctlFixture::tandemctl(const QStringList& args, const QMap<QString, QString>& env,
                                const QByteArray& input) {
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("TANDEM_PASSPHRASE"));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home_.filePath(QStringLiteral("data")));
    for (auto it = env.begin(); it != env.end(); ++it) {
        environment.insert(it.key(), it.value());
    }
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(TANDEMCTL), args);
    if (!process.waitForStarted(10000)) {
        qFatal("tandemctl did not start");
    }
    if (!input.isEmpty()) {
        process.write(input);
    }
    process.closeWriteChannel();
    if (!process.waitForFinished(60000)) {
        process.kill();
        qFatal("tandemctl did not finish: %s", qPrintable(args.join(u' ')));
    }
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

QString TandemctlFixture::newProfile(QTemporaryDir& dir) {
    const QString profile = dir.filePath(QStringLiteral("profile"));
    const Run r = tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("create"),
                             QStringLiteral("--kdf"), QStringLiteral("interactive")},
                            {{QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("secret")}});
    if (r.status != 0) {
        qFatal("create failed: %s", qPrintable(r.err));
    }
    return profile;
}

const QMap<QString, QString>& TandemctlFixture::secret() {
    static const QMap<QString, QString> env{
        {QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("secret")}};
    return env;
}

void TandemctlFixture::expectOneLineError(const Run& r, int status, const QString& contains) {
    QCOMPARE(r.status, status);
    QCOMPARE(r.errLines().size(), qsizetype{1});
    QVERIFY2(r.err.contains(contains), qPrintable(r.err));
    QVERIFY(r.err.startsWith(QStringLiteral("tandemctl")));
}

}  // namespace tandem::test
