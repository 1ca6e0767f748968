#include "app/cli/Commands.h"

#include <cstdio>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/PassphraseSource.h"
#include "app/core/ConversationService.h"
#include "storage/Limits.h"
#include "storage/Store.h"

namespace tandem::cli {

using namespace tandem::storage;

namespace {

constexpr auto kSelf = "self";

void addKdfOption(QCommandLineParser& parser) {
    parser.addOption({QStringLiteral("kdf"),
                      QStringLiteral("Argon2id strength: interactive (64 MiB), moderate "
                                     "(256 MiB, default) or sensitive (1 GiB)."),
                      QStringLiteral("STRENGTH"), QStringLiteral("moderate")});
}

std::optional<KdfStrength> kdfStrength(const QString& name) {
    if (name == QLatin1String("interactive")) {
        return KdfStrength::Interactive;
    }
    if (name == QLatin1String("moderate")) {
        return KdfStrength::Moderate;
    }
    if (name == QLatin1String("sensitive")) {
        return KdfStrength::Sensitive;
    }
    return std::nullopt;
}

// Opens the profile, asking for the passphrase only if the key file says it needs one.
StoreResult<void> openProfile(CommandContext& ctx, Store& store) {
    TANDEM_TRY_ASSIGN(const KeyProtection protection, Profile::protection(ctx.profileDir));
    Credentials credentials = Credentials::withKeychain();
    if (protection == KeyProtection::Passphrase) {
        auto passphrase =
            readPassphrase(ctx.passphraseFile, true, false, QStringLiteral("passphrase"));
        if (!passphrase) {
            return storeError(StoreErrorCode::InvalidArgument, std::move(passphrase).error());
        }
        credentials = Credentials::withPassphrase(std::move(passphrase).value());
    }
    return store.open(ctx.profileDir, std::move(credentials)).result();
}

QString statusName(MessageStatus status) {
    switch (status) {
        case MessageStatus::Pending:
            return QStringLiteral("pending");
        case MessageStatus::Sent:
            return QStringLiteral("sent");
        case MessageStatus::Delivered:
            return QStringLiteral("delivered");
        case MessageStatus::Read:
            return QStringLiteral("read");
        case MessageStatus::Failed:
            return QStringLiteral("failed");
        case MessageStatus::Received:
            return QStringLiteral("received");
    }
    return QStringLiteral("unknown");
}

QJsonValue optionalTime(const std::optional<std::int64_t>& value) {
    return value ? QJsonValue(static_cast<double>(*value)) : QJsonValue();
}

QJsonObject toJson(const Message& m, const QString& with) {
    QJsonObject o;
    o[QStringLiteral("id")] = static_cast<double>(m.id);
    o[QStringLiteral("uid")] = m.uid.toHex();
    o[QStringLiteral("with")] = with;
    o[QStringLiteral("direction")] =
        m.direction == Direction::Outgoing ? QStringLiteral("out") : QStringLiteral("in");
    o[QStringLiteral("status")] = statusName(m.status);
    o[QStringLiteral("text")] = m.body;
    o[QStringLiteral("sent_at")] = static_cast<double>(m.sentAt);
    o[QStringLiteral("received_at")] = optionalTime(m.receivedAt);
    o[QStringLiteral("delivered_at")] = optionalTime(m.deliveredAt);
    o[QStringLiteral("read_at")] = optionalTime(m.readAt);
    o[QStringLiteral("expires_at")] = optionalTime(m.expiresAt);
    return o;
}

QString humanLine(const Message& m) {
    const QString when =
        QDateTime::fromMSecsSinceEpoch(m.sentAt).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    const QString who =
        m.direction == Direction::Outgoing ? QStringLiteral("You") : QStringLiteral("Them");
    QString body = m.body;
    body.replace(u'\n', QStringLiteral("\n    "));
    return QStringLiteral("[%1] %2: %3  (%4)").arg(when, who, body, statusName(m.status));
}

// ---- create -------------------------------------------------------------------------------

int runCreate(CommandContext& ctx) {
    const auto strength = kdfStrength(ctx.parser.value(QStringLiteral("kdf")));
    if (!strength) {
        return usageError(ctx, QStringLiteral("create"),
                          QStringLiteral("unknown --kdf '%1'").arg(ctx.parser.value("kdf")));
    }
    Credentials credentials = Credentials::withKeychain();
    if (!ctx.parser.isSet(QStringLiteral("keychain"))) {
        auto passphrase =
            readPassphrase(ctx.passphraseFile, true, true, QStringLiteral("new passphrase"));
        if (!passphrase) {
            return fail(ctx, std::move(passphrase).error());
        }
        credentials = Credentials::withPassphrase(std::move(passphrase).value());
    }
    Store store;
    const auto created = store.create(ctx.profileDir, std::move(credentials), *strength).result();
    if (!created) {
        return fail(ctx, created.error().message);
    }
    ctx.out << "Created a new profile in " << QDir::toNativeSeparators(ctx.profileDir) << "\n";
    return kExitOk;
}

// ---- change-passphrase -----------------------------------------------------------------

int runChangePassphrase(CommandContext& ctx) {
    const auto strength = kdfStrength(ctx.parser.value(QStringLiteral("kdf")));
    if (!strength) {
        return usageError(ctx, QStringLiteral("change-passphrase"),
                          QStringLiteral("unknown --kdf '%1'").arg(ctx.parser.value("kdf")));
    }
    const bool toKeychain = ctx.parser.isSet(QStringLiteral("keychain"));
    const QString newFile = ctx.parser.value(QStringLiteral("new-passphrase-file"));
    if (toKeychain && !newFile.isEmpty()) {
        return usageError(
            ctx, QStringLiteral("change-passphrase"),
            QStringLiteral("--keychain and --new-passphrase-file exclude each other"));
    }
    auto protection = Profile::protection(ctx.profileDir);
    if (!protection) {
        return fail(ctx, protection.error().message);
    }
    Credentials current = Credentials::withKeychain();
    if (*protection == KeyProtection::Passphrase) {
        auto passphrase =
            readPassphrase(ctx.passphraseFile, true, false, QStringLiteral("current passphrase"));
        if (!passphrase) {
            return fail(ctx, std::move(passphrase).error());
        }
        current = Credentials::withPassphrase(std::move(passphrase).value());
    }
    Credentials target = Credentials::withKeychain();
    if (!toKeychain) {
        auto passphrase = readPassphrase(newFile, false, true, QStringLiteral("new passphrase"));
        if (!passphrase) {
            return fail(ctx, std::move(passphrase).error());
        }
        target = Credentials::withPassphrase(std::move(passphrase).value());
    }
    Store store;
    if (auto opened = store.open(ctx.profileDir, current).result(); !opened) {
        return fail(ctx, opened.error().message);
    }
    const auto changed = store.changeCredentials(current, std::move(target), *strength).result();
    if (!changed) {
        return fail(ctx, changed.error().message);
    }
    ctx.out << (toKeychain ? "The profile's key is now kept in the system keychain.\n"
                           : "Passphrase changed.\n");
    return kExitOk;
}

// ---- send --------------------------------------------------------------------------------

int runSend(CommandContext& ctx) {
    const QString to = ctx.parser.value(QStringLiteral("to"));
    if (to.isEmpty()) {
        return usageError(ctx, QStringLiteral("send"), QStringLiteral("--to is required"));
    }
    if (!ctx.parser.isSet(QStringLiteral("text"))) {
        return usageError(ctx, QStringLiteral("send"), QStringLiteral("--text is required"));
    }
    QString text = ctx.parser.value(QStringLiteral("text"));
    if (text == QLatin1String("-")) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly)) {
            return fail(ctx, QStringLiteral("cannot read the message from standard input"));
        }
        text = QString::fromUtf8(in.read(storage::limits::kMaxTextBytes + 1));
    }
    if (to != QLatin1String(kSelf)) {
        return fail(ctx, QStringLiteral("cannot send to '%1': this profile has no Signal or "
                                        "Session account yet; only 'self' (Note to Self) works")
                             .arg(to));
    }
    if (auto valid = core::ConversationService::validateText(text); !valid) {
        return fail(ctx, valid.error().message);
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    core::ConversationService conversations(store);
    const auto sent = conversations.sendNoteToSelf(text).result();
    if (!sent) {
        return fail(ctx, sent.error().message);
    }
    if (ctx.parser.isSet(QStringLiteral("json"))) {
        ctx.out << QJsonDocument(toJson(*sent, QString::fromLatin1(kSelf)))
                       .toJson(QJsonDocument::Compact)
                << "\n";
    } else {
        ctx.out << sent->uid.toHex() << "\n";
    }
    return kExitOk;
}

// ---- history -----------------------------------------------------------------------------

int runHistory(CommandContext& ctx) {
    const QString with = ctx.parser.value(QStringLiteral("with"));
    if (with.isEmpty()) {
        return usageError(ctx, QStringLiteral("history"), QStringLiteral("--with is required"));
    }
    int limit = 0;
    if (ctx.parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = ctx.parser.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > storage::limits::kMaxPageSize) {
            return usageError(
                ctx, QStringLiteral("history"),
                QStringLiteral("--limit takes 1 to %1").arg(storage::limits::kMaxPageSize));
        }
    }
    if (with != QLatin1String(kSelf)) {
        return fail(ctx, QStringLiteral("no conversation with '%1': this profile has no Signal "
                                        "or Session account yet; only 'self' exists")
                             .arg(with));
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    core::ConversationService conversations(store);
    const auto history = limit > 0 ? conversations.noteToSelfNewest(limit).result()
                                   : conversations.noteToSelfHistory().result();
    if (!history) {
        return fail(ctx, history.error().message);
    }
    const bool json = ctx.parser.isSet(QStringLiteral("json"));
    for (const Message& m : *history) {
        if (json) {
            ctx.out << QJsonDocument(toJson(m, with)).toJson(QJsonDocument::Compact) << "\n";
        } else {
            ctx.out << humanLine(m) << "\n";
        }
    }
    return kExitOk;
}

}  // namespace

int fail(CommandContext& ctx, const QString& message) {
    ctx.err << "tandemctl: " << message.simplified() << "\n";  // one line, whatever it holds
    return kExitFailure;
}

int usageError(CommandContext& ctx, const QString& command, const QString& message) {
    ctx.err << "tandemctl " << command << ": " << message << " (see tandemctl " << command
            << " --help)\n";
    return kExitUsage;
}

const std::vector<Command>& commands() {
    static const std::vector<Command> all = [] {
        std::vector<Command> list = profileCommands();
        for (Command& c : toolCommands()) {
            list.push_back(std::move(c));
        }
        return list;
    }();
    return all;
}

std::vector<Command> profileCommands() {
    return {
        {QStringLiteral("create"), QStringLiteral("Create a new, empty profile."), QString(),
         [](QCommandLineParser& p) {
             addKdfOption(p);
             p.addOption({QStringLiteral("keychain"),
                          QStringLiteral("Keep the key in the system keychain instead of "
                                         "wrapping it with a passphrase.")});
         },
         runCreate},
        {QStringLiteral("change-passphrase"),
         QStringLiteral("Re-wrap the profile's key under a new passphrase (the database is not "
                        "rewritten)."),
         QStringLiteral("--new-passphrase-file FILE"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("new-passphrase-file"),
                          QStringLiteral("Read the new passphrase from FILE (else a prompt)."),
                          QStringLiteral("FILE")});
             addKdfOption(p);
             p.addOption({QStringLiteral("keychain"),
                          QStringLiteral("Move the key into the system keychain instead.")});
         },
         runChangePassphrase},
        {QStringLiteral("send"), QStringLiteral("Send a message ('self': Note to Self)."),
         QStringLiteral("--to ID --text TEXT"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("to"),
                          QStringLiteral("The recipient: 'self' for Note to Self."),
                          QStringLiteral("ID")});
             p.addOption({QStringLiteral("text"),
                          QStringLiteral("The message ('-' reads standard input)."),
                          QStringLiteral("TEXT")});
             p.addOption(
                 {QStringLiteral("json"), QStringLiteral("Print the stored message as JSON.")});
         },
         runSend},
        {QStringLiteral("history"), QStringLiteral("Print a conversation, oldest first."),
         QStringLiteral("--with ID [--json]"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("with"),
                          QStringLiteral("The conversation: 'self' for Note to Self."),
                          QStringLiteral("ID")});
             p.addOption({QStringLiteral("json"),
                          QStringLiteral("One JSON object per line: id, uid, with, direction, "
                                         "status, text, sent_at, received_at, delivered_at, "
                                         "read_at, expires_at.")});
             p.addOption({QStringLiteral("limit"), QStringLiteral("Only the newest N messages."),
                          QStringLiteral("N")});
         },
         runHistory},
    };
}

}  // namespace tandem::cli
