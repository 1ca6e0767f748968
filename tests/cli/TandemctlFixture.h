// What the tandemctl tests share: the real binary run with a home folder of its own, a new
// profile with a fast KDF, and the check that a failure is one line with the right status.
#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace tandem::test {

// One run of tandemctl: its exit status and what it wrote.
struct Run {
    int status = -1;
    QString out;
    QString err;
    [[nodiscard]] QStringList outLines() const { return out.split(u'\n', Qt::SkipEmptyParts); }
    [[nodiscard]] QStringList errLines() const { return err.split(u'\n', Qt::SkipEmptyParts); }
};

// A base of the test classes (beside QObject).
class TandemctlFixture {
protected:
    QTemporaryDir home_;

    // Runs TANDEMCTL with XDG_DATA_HOME in home_, no TANDEM_PASSPHRASE unless `env` sets it,
    // and `input` on its standard input.
    Run tandemctl(const QStringList& args, const QMap<QString, QString>& env = {},
                  const QByteArray& input = {});

    // A profile with a fast KDF; the passphrase is "secret" via the environment.
    QString newProfile(QTemporaryDir& dir);

    // TANDEM_PASSPHRASE=secret.
    static const QMap<QString, QString>& secret();

    static void expectOneLineError(const Run& r, int status, const QString& contains);
};

}  // namespace tandem::test
