// tandemctl: thin main; the commands live in tandem_cli.
#include <cstdio>

#include <QCoreApplication>
#include <QTextStream>

#include "app/cli/Cli.h"
#include "app/cli/Commands.h"
#include "crypto/Sodium.h"

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tandemctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TANDEM_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!tandem::crypto::initialize()) {
        err << "tandemctl: libsodium cannot run on this system\n";
        return 1;
    }
    // Qt would replace what is not UTF-8 and send the result: refuse instead, saying where.
    for (int i = 1; i < argc; ++i) {
        if (!tandem::cli::decodeUtf8(QByteArray(argv[i]))) {  // NOLINT
            err << "tandemctl: argument " << i << " is not valid UTF-8\n";
            return tandem::cli::kExitUsage;
        }
    }
    const int status = tandem::cli::run(QCoreApplication::arguments(), out, err);
    out.flush();
    err.flush();
    return status;
}
