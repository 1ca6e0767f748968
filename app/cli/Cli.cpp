#include "app/cli/Cli.h"

#include <algorithm>

#include <QCommandLineParser>
#include <QCoreApplication>

#include "app/cli/Commands.h"
#include "app/core/ProfileLocation.h"

namespace tandem::cli {

namespace {

void addGlobalOptions(QCommandLineParser& parser) {
    parser.addOption(
        {QStringLiteral("profile"),
         QStringLiteral("The profile folder (default: %1).").arg(core::defaultProfileDirectory()),
         QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("passphrase-file"),
                      QStringLiteral("Read the profile's passphrase from FILE (else "
                                     "$TANDEM_PASSPHRASE, else a prompt)."),
                      QStringLiteral("FILE")});
    parser.addOption(
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show help and exit.")});
}

QString usage(const QString& tail) {
    return QStringLiteral("Usage: tandemctl [--profile DIR] [--passphrase-file FILE] %1\n")
        .arg(tail);
}

// QCommandLineParser's own text minus its first "Usage:" line, which we write ourselves.
QString optionsHelp(const QCommandLineParser& parser) {
    QString text = parser.helpText();
    const qsizetype firstLineEnd = text.indexOf(u'\n');
    return firstLineEnd >= 0 ? text.mid(firstLineEnd + 1) : text;
}

void printOverview(QTextStream& out) {
    QCommandLineParser parser;
    addGlobalOptions(parser);
    out << usage(QStringLiteral("COMMAND [OPTIONS]"))
        << "\nTandem's command-line client: the same profile and core as the app.\n"
        << optionsHelp(parser) << "\nCommands:\n";
    for (const Command& command : commands()) {
        out << "  " << command.name.leftJustified(20) << command.summary << "\n";
    }
    out << "\nRun 'tandemctl COMMAND --help' for a command's options.\n";
}

}  // namespace

int run(const QStringList& arguments, QTextStream& out, QTextStream& err) {
    // Pass 1: global options up to the command name; everything after it is the command's.
    QCommandLineParser global;
    global.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    addGlobalOptions(global);
    global.addOption({QStringLiteral("version"), QStringLiteral("Show the version and exit.")});
    if (!global.parse(arguments)) {
        err << "tandemctl: " << global.errorText() << " (see tandemctl --help)\n";
        return kExitUsage;
    }
    if (global.isSet(QStringLiteral("version"))) {
        out << "tandemctl " << QCoreApplication::applicationVersion() << "\n";
        return kExitOk;
    }
    const QStringList rest = global.positionalArguments();
    if (rest.isEmpty() || rest.first() == QLatin1String("help")) {
        if (rest.size() > 1) {
            return run({arguments.first(), rest.at(1), QStringLiteral("--help")}, out, err);
        }
        if (global.isSet(QStringLiteral("help")) || !rest.isEmpty()) {
            printOverview(out);
            return kExitOk;
        }
        printOverview(err);
        return kExitUsage;
    }
    const auto& all = commands();
    const auto found = std::find_if(all.begin(), all.end(),
                                    [&](const Command& c) { return c.name == rest.first(); });
    if (found == all.end()) {
        err << "tandemctl: unknown command '" << rest.first() << "' (see tandemctl --help)\n";
        return kExitUsage;
    }

    // Pass 2: the command's own options, plus the global ones (accepted after the command).
    QCommandLineParser parser;
    addGlobalOptions(parser);
    found->addOptions(parser);
    QStringList commandArguments = rest;
    commandArguments.first() = arguments.first() + QLatin1Char(' ') + found->name;
    if (!parser.parse(commandArguments)) {
        err << "tandemctl " << found->name << ": " << parser.errorText() << " (see tandemctl "
            << found->name << " --help)\n";
        return kExitUsage;
    }
    if (parser.isSet(QStringLiteral("help")) || global.isSet(QStringLiteral("help"))) {
        out << usage(found->name +
                     (found->arguments.isEmpty() ? QString() : QLatin1Char(' ') + found->arguments))
            << "\n"
            << found->summary << "\n"
            << optionsHelp(parser);
        return kExitOk;
    }
    if (!found->takesArguments && !parser.positionalArguments().isEmpty()) {
        err << "tandemctl " << found->name << ": unexpected argument '"
            << parser.positionalArguments().first() << "' (see tandemctl " << found->name
            << " --help)\n";
        return kExitUsage;
    }
    const auto pick = [&](const QString& name) {
        return parser.isSet(name) ? parser.value(name) : global.value(name);
    };
    QString profileDir = pick(QStringLiteral("profile"));
    if (profileDir.isEmpty()) {
        profileDir = core::defaultProfileDirectory();
    }
    CommandContext context{parser, profileDir, pick(QStringLiteral("passphrase-file")), out, err};
    return found->run(context);
}

}  // namespace tandem::cli
