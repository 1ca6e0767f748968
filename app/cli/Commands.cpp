#include "app/cli/Commands.h"

#include <cstdio>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>

#include "app/cli/PassphraseSource.h"
#include "app/core/ConversationService.h"
#include "app/core/Disappearing.h"
#include "app/core/attachments/AttachmentPointer.h"
#include "storage/Limits.h"
#include "storage/Store.h"

namespace tandem::cli {

using namespace tandem::storage;

namespace {

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

}  // namespace

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

QJsonValue optionalTime(const std::optional<std::int64_t>& value) {
    return value ? QJsonValue(static_cast<double>(*value)) : QJsonValue();
}

QString fileSize(qint64 bytes) {
    if (bytes < 1024) {
        return QStringLiteral("%1 B").arg(bytes);
    }
    if (bytes < 1024 * 1024) {
        return QStringLiteral("%1 KiB").arg(static_cast<double>(bytes) / 1024.0, 0, 'f', 1);
    }
    return QStringLiteral("%1 MiB").arg(static_cast<double>(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
}

QJsonObject toJson(const Attachment& a) {
    QJsonObject o{{QStringLiteral("file_name"), a.fileName},
                  {QStringLiteral("mime_type"), a.mimeType},
                  {QStringLiteral("size"), static_cast<double>(a.size)},
                  {QStringLiteral("state"), core::transferStateKey(a.state)},
                  {QStringLiteral("transferred"), static_cast<double>(a.transferred)},
                  {QStringLiteral("complete"), a.complete},
                  {QStringLiteral("thumbnail"), !a.thumbnail.isEmpty()}};
    if (a.isImage()) {
        o[QStringLiteral("width")] = a.width;
        o[QStringLiteral("height")] = a.height;
    }
    if (!a.error.isEmpty()) {
        o[QStringLiteral("error")] = a.error;
    }
    return o;
}

QJsonObject toJson(const Message& m, const QString& with) {
    QJsonObject o;
    o[QStringLiteral("id")] = static_cast<double>(m.id);
    o[QStringLiteral("uid")] = m.uid.toHex();
    o[QStringLiteral("with")] = with;
    o[QStringLiteral("direction")] =
        m.direction == Direction::Outgoing ? QStringLiteral("out") : QStringLiteral("in");
    o[QStringLiteral("status")] = statusName(m.status);
    if (m.kind == MessageKind::Notice) {
        // A setting line: what it says, and the setting itself.
        o[QStringLiteral("kind")] = QStringLiteral("notice");
        o[QStringLiteral("text")] = core::disappearing::noticeText(m, with);
        if (const auto setting = core::disappearing::parseNotice(m.body)) {
            o[QStringLiteral("disappearing")] =
                QJsonObject{{QStringLiteral("seconds"), static_cast<double>(setting->seconds)},
                            {QStringLiteral("start"), core::disappearing::ruleName(setting->rule)},
                            {QStringLiteral("version"), static_cast<double>(setting->version)}};
        }
    } else if (m.kind == MessageKind::Sticker) {
        o[QStringLiteral("kind")] = QStringLiteral("sticker");
        o[QStringLiteral("text")] = m.body;  // the sticker's emoji
        o[QStringLiteral("sticker")] = QJsonObject{
            {QStringLiteral("pack_id"), QString::fromLatin1(m.stickerPackId.toHex())},
            {QStringLiteral("sticker_id"), static_cast<double>(m.stickerId.value_or(0))},
            {QStringLiteral("emoji"), m.body}};
    } else if (m.attachment) {
        o[QStringLiteral("kind")] = QStringLiteral("file");
        o[QStringLiteral("text")] = m.body;  // the caption
        o[QStringLiteral("attachment")] = toJson(*m.attachment);
    } else {
        o[QStringLiteral("kind")] = QStringLiteral("text");
        o[QStringLiteral("text")] = m.body;
    }
    o[QStringLiteral("expire_timer")] = static_cast<double>(m.expireTimer);
    o[QStringLiteral("sent_at")] = static_cast<double>(m.sentAt);
    o[QStringLiteral("received_at")] = optionalTime(m.receivedAt);
    o[QStringLiteral("delivered_at")] = optionalTime(m.deliveredAt);
    o[QStringLiteral("read_at")] = optionalTime(m.readAt);
    o[QStringLiteral("expires_at")] = optionalTime(m.expiresAt);
    return o;
}

QString terminalSafe(const QString& text) {
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == u'\n') {
            out += QStringLiteral("\n    ");  // indented: a message's line never starts a line
        } else if (u == u'\t') {
            out += c;
        } else if (u < 0x20 || (u >= 0x7f && u <= 0x9f)) {
            out += u == u'\r' ? QStringLiteral("\\r")
                              : QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
        } else if ((u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069) || u == 0x200e ||
                   u == 0x200f || u == 0x061c) {
            out += QStringLiteral("\\u%1").arg(u, 4, 16, QLatin1Char('0'));
        } else {
            out += c;
        }
    }
    return out;
}

QString humanLine(const Message& m) {
    const QString when =
        QDateTime::fromMSecsSinceEpoch(m.sentAt).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (m.kind == MessageKind::Notice) {
        return QStringLiteral("[%1] -- %2 --")
            .arg(when, core::disappearing::noticeText(m, QStringLiteral("They")));
    }
    const QString who =
        m.direction == Direction::Outgoing ? QStringLiteral("You") : QStringLiteral("Them");
    QString body = m.kind == MessageKind::Sticker
                       ? QStringLiteral("[sticker %1]").arg(terminalSafe(m.body))
                       : terminalSafe(m.body);
    if (m.attachment) {
        const QString file =
            QStringLiteral("[file %1, %2%3]")
                .arg(terminalSafe(m.attachment->fileName), fileSize(m.attachment->size),
                     m.attachment->complete
                         ? QString()
                         : QStringLiteral(", ") + core::transferStateKey(m.attachment->state));
        body = body.isEmpty() ? file : file + u' ' + body;
    }
    QString line = QStringLiteral("[%1] %2: %3  (%4)").arg(when, who, body, statusName(m.status));
    if (m.expiresAt) {
        line += QStringLiteral("  [disappears %1]")
                    .arg(QDateTime::fromMSecsSinceEpoch(*m.expiresAt)
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    } else if (m.expireTimer > 0) {
        line += QStringLiteral("  [disappears %1 after it is read]")
                    .arg(core::disappearing::describe(m.expireTimer));
    }
    return line;
}

std::optional<StandardInput> readStandardInput(qint64 keepBytes) {
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    StandardInput out;
    QByteArray chunk(64 * 1024, Qt::Uninitialized);
    while (out.total < kMaxInputBytes) {
        const qint64 n = in.read(chunk.data(), chunk.size());
        if (n < 0) {
            return std::nullopt;
        }
        if (n == 0) {
            break;
        }
        if (out.bytes.size() < keepBytes) {
            out.bytes.append(chunk.constData(), std::min(n, keepBytes - out.bytes.size()));
        }
        out.total += n;
    }
    return out;
}

std::optional<QString> decodeUtf8(const QByteArray& bytes) {
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError()) {
        return std::nullopt;
    }
    return text;
}

void dropFinalLineEnd(QByteArray& bytes) {
    if (bytes.endsWith('\n')) {
        bytes.chop(bytes.endsWith("\r\n") ? 2 : 1);
    }
}

int fail(CommandContext& ctx, const QString& message) {
    // One line whatever it holds, and escaped: a failure can quote the network (a relay's
    // error text) or what someone sent, and must not drive the terminal either.
    ctx.err << "tandemctl: " << terminalSafe(message.simplified()) << "\n";
    return kExitFailure;
}

int usageError(CommandContext& ctx, const QString& command, const QString& message) {
    ctx.err << "tandemctl " << command << ": " << message << " (see tandemctl " << command
            << " --help)\n";
    return kExitUsage;
}

std::optional<int> intOption(CommandContext& ctx, const QString& command, const QString& option,
                             int fallback, int min, int max, const QString& unit) {
    if (!ctx.parser.isSet(option)) {
        return fallback;
    }
    bool ok = false;
    const int value = ctx.parser.value(option).toInt(&ok);
    if (!ok || value < min || value > max) {
        usageError(ctx, command,
                   QStringLiteral("--%1 takes %2 to %3%4")
                       .arg(option)
                       .arg(min)
                       .arg(max)
                       .arg(unit.isEmpty() ? QString() : u' ' + unit));
        return std::nullopt;
    }
    return value;
}

const std::vector<Command>& commands() {
    static const std::vector<Command> all = [] {
        std::vector<Command> list = profileCommands();
        for (auto more :
             {accountCommands(), messagingCommands(), contactCommands(), peopleCommands(),
              disappearingCommands(), stickerCommands(), attachmentCommands(), settingsCommands(),
              latencyCommands(), toolCommands(), networkCommands()}) {
            for (Command& c : more) {
                list.push_back(std::move(c));
            }
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
    };
}

}  // namespace tandem::cli
