#include "app/cli/PassphraseSource.h"

#include <cstdio>
#include <string>
#include <termios.h>
#include <unistd.h>

#include <QFile>

namespace tandem::cli {

namespace {

void wipe(QByteArray& bytes) {
    if (!bytes.isEmpty()) {
        sodium_memzero(bytes.data(), static_cast<std::size_t>(bytes.size()));
    }
}

void wipe(QString& text) {
    if (!text.isEmpty()) {
        sodium_memzero(text.data(), static_cast<std::size_t>(text.size()) * sizeof(QChar));
    }
}

// Strips one trailing line ending, as `echo secret > file` adds one.
void stripLineEnding(QByteArray& bytes) {
    if (bytes.endsWith('\n')) {
        bytes.chop(1);
        if (bytes.endsWith('\r')) {
            bytes.chop(1);
        }
    }
}

Expected<QByteArray, QString> readFromTerminal(const QString& prompt, const QString& what) {
    FILE* tty = std::fopen("/dev/tty", "r+");
    if (tty == nullptr) {
        return unexpected(QStringLiteral("no terminal to ask for the %1").arg(what));
    }
    const int fd = fileno(tty);
    termios saved{};
    const bool haveTermios = tcgetattr(fd, &saved) == 0;
    if (haveTermios) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ICANON;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    std::fputs(prompt.toLocal8Bit().constData(), tty);
    std::fflush(tty);
    QByteArray line(1024, '\0');
    const bool ok = std::fgets(line.data(), static_cast<int>(line.size()), tty) != nullptr;
    if (haveTermios) {
        tcsetattr(fd, TCSAFLUSH, &saved);
    }
    std::fputs("\n", tty);
    std::fclose(tty);
    if (!ok) {
        wipe(line);
        return unexpected(QStringLiteral("no %1 was entered").arg(what));
    }
    line.truncate(static_cast<qsizetype>(std::strlen(line.constData())));
    stripLineEnding(line);
    return line;
}

}  // namespace

SecretBytes normalizePassphrase(QString text) {
    QString normalized = text.normalized(QString::NormalizationForm_KC);
    QByteArray utf8 = normalized.toUtf8();
    SecretBytes out(reinterpret_cast<const std::uint8_t*>(utf8.constData()),  // NOLINT
                    static_cast<std::size_t>(utf8.size()));
    wipe(utf8);
    wipe(normalized);
    wipe(text);
    return out;
}

Expected<SecretBytes, QString> readPassphrase(const QString& file, bool useEnvironment,
                                              bool confirm, const QString& what) {
    return readSecret({file, QStringLiteral("--passphrase-file"),
                       useEnvironment ? "TANDEM_PASSPHRASE" : nullptr, confirm, what});
}

Expected<SecretBytes, QString> readSecret(const SecretSource& source) {
    const QString& file = source.file;
    const QString& what = source.what;
    const bool confirm = source.confirm;
    QByteArray raw;
    if (!file.isEmpty()) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            return unexpected(
                QStringLiteral("cannot read the %1 file %2: %3").arg(what, file, f.errorString()));
        }
        raw = f.read(kMaxPassphraseFileBytes + 1);
        if (raw.size() > kMaxPassphraseFileBytes) {
            wipe(raw);
            return unexpected(QStringLiteral("the %1 file %2 is larger than %3 bytes")
                                  .arg(what, file)
                                  .arg(kMaxPassphraseFileBytes));
        }
        stripLineEnding(raw);
    } else if (source.environment != nullptr && qEnvironmentVariableIsSet(source.environment)) {
        raw = qgetenv(source.environment);
        stripLineEnding(raw);  // as from a file: "$(cat file)" and the file itself agree
    } else if (::isatty(STDIN_FILENO) != 0) {
        auto first = readFromTerminal(QStringLiteral("Enter the %1: ").arg(what), what);
        if (!first) {
            return unexpected(std::move(first).error());
        }
        raw = std::move(first).value();
        if (confirm) {
            auto second = readFromTerminal(QStringLiteral("Repeat the %1: ").arg(what), what);
            if (!second) {
                wipe(raw);
                return unexpected(std::move(second).error());
            }
            QByteArray again = std::move(second).value();
            const bool same = raw.size() == again.size() &&
                              sodium_memcmp(raw.constData(), again.constData(),
                                            static_cast<std::size_t>(raw.size())) == 0;
            wipe(again);
            if (!same) {
                wipe(raw);
                return unexpected(QStringLiteral("the two entries of the %1 differ").arg(what));
            }
        }
    } else {
        return unexpected(
            QStringLiteral("no %1 given: use %2 FILE or the %3 environment "
                           "variable")
                .arg(what, source.fileOption,
                     QLatin1String(source.environment != nullptr ? source.environment
                                                                 : "TANDEM_PASSPHRASE")));
    }
    if (raw.isEmpty()) {
        return unexpected(QStringLiteral("the %1 is empty").arg(what));
    }
    SecretBytes out = normalizePassphrase(QString::fromUtf8(raw));
    wipe(raw);
    return out;
}

}  // namespace tandem::cli
