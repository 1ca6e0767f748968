// The individual tandemctl commands. Each takes the parsed options and returns an exit
// status, printing its result on `out` and at most one error line on `err`.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QTextStream>

#include "storage/Store.h"

namespace tandem::cli {

struct CommandContext {
    QCommandLineParser& parser;
    QString profileDir;
    QString passphraseFile;
    QTextStream& out;
    QTextStream& err;
};

struct Command {
    QString name;
    QString summary;
    QString arguments;  // shown after the name in the usage line
    std::function<void(QCommandLineParser&)> addOptions;
    std::function<int(CommandContext&)> run;
    bool takesArguments = false;  // positional arguments allowed (parser.positionalArguments())
};

// Every command, in the order --help lists them.
const std::vector<Command>& commands();
// Commands on a profile (Commands.cpp), its accounts (AccountCommands.cpp), messaging
// (MessagingCommands.cpp) and offline tools (ToolCommands.cpp).
std::vector<Command> profileCommands();
std::vector<Command> accountCommands();
std::vector<Command> messagingCommands();
std::vector<Command> contactCommands();   // ContactCommands.cpp
std::vector<Command> settingsCommands();  // SettingsCommand.cpp
std::vector<Command> toolCommands();
std::vector<Command> latencyCommands();       // LatencyCommand.cpp
std::vector<Command> disappearingCommands();  // DisappearingCommands.cpp
std::vector<Command> stickerCommands();       // StickerCommands.cpp
std::vector<Command> attachmentCommands();    // AttachmentCommands.cpp
std::vector<Command> peopleCommands();        // PeopleCommands.cpp
std::vector<Command> networkCommands();       // NetworkCommands.cpp

// What someone else wrote, made safe for a terminal: C0 and C1 controls, DEL and bidi
// overrides are shown escaped (\r, \x1b, \u202e), so none can rewrite the screen, fake a
// "[time] You: …" line or reverse what follows; a newline continues indented. For
// human-readable output only (JSON escapes by itself, exactly).
QString terminalSafe(const QString& text);

// Standard input to its end (a phrase or a text given as "-": what is typed on the command
// line shows up in `ps` and the shell history): the first `keepBytes` bytes, and how many
// there were in all, so that a caller refuses an oversize input with its real size instead
// of cutting it. Counting stops at kMaxInputBytes. nullopt if it cannot be read.
struct StandardInput {
    QByteArray bytes;  // at most keepBytes
    qint64 total = 0;  // all that came, up to kMaxInputBytes
};
inline constexpr qint64 kMaxInputBytes = qint64{1} << 30;
std::optional<StandardInput> readStandardInput(qint64 keepBytes);
// `bytes` as UTF-8, exactly: nullopt if it is not valid UTF-8 (nothing is replaced).
std::optional<QString> decodeUtf8(const QByteArray& bytes);
// Drops one final line end ("\n" or "\r\n"): what `echo` and an editor's last line add.
void dropFinalLineEnd(QByteArray& bytes);

// One-line failure (exit 1) and usage error (exit 2), as every command reports them.
int fail(CommandContext& ctx, const QString& message);
int usageError(CommandContext& ctx, const QString& command, const QString& message);
// An integer option of `command` from `min` to `max` (`fallback` when not given); otherwise a
// usage error and nullopt. "--wait takes 0 to 3600 seconds": `unit` ends the message if given.
std::optional<int> intOption(CommandContext& ctx, const QString& command, const QString& option,
                             int fallback, int min, int max, const QString& unit = {});

// What a command takes for Note to Self where it takes a peer (--to self, --with self).
inline constexpr auto kSelf = "self";

// "signal" or "session", as the commands print a mode.
inline QString modeKey(storage::Mode mode) {
    return storage::modeName(mode).toLower();
}

// Opens the profile, asking for the passphrase only if its key file needs one.
storage::StoreResult<void> openProfile(CommandContext& ctx, storage::Store& store);
// A time in ms since the epoch, or null.
QJsonValue optionalTime(const std::optional<std::int64_t>& value);
// One message as JSON (history, send --json) and as a line for people.
QJsonObject toJson(const storage::Message& m, const QString& with);
// A message's file: name, type, size, state, progress (never its key or where it is).
QJsonObject toJson(const storage::Attachment& a);
// 512 B, 3.4 KiB, 12.0 MiB.
QString fileSize(qint64 bytes);
QString humanLine(const storage::Message& m);

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

}  // namespace tandem::cli
