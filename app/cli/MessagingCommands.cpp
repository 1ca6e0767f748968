// Messaging commands: send, receive, history.
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/Commands.h"
#include "app/core/Await.h"
#include "app/core/ConversationService.h"
#include "app/core/Disappearing.h"
#include "app/core/Messenger.h"
#include "storage/Limits.h"

namespace tandem::cli {

using namespace tandem::storage;
using core::awaitFuture;

namespace {

std::optional<int> seconds(CommandContext& ctx, const QString& command, const QString& option,
                           int fallback) {
    return intOption(ctx, command, option, fallback, 0, 3600, QStringLiteral("seconds"));
}

// ---- send ------------------------------------------------------------------------------------

int runSend(CommandContext& ctx) {
    const QString to = ctx.parser.value(QStringLiteral("to"));
    if (to.isEmpty()) {
        return usageError(ctx, QStringLiteral("send"), QStringLiteral("--to is required"));
    }
    const bool sticker = ctx.parser.isSet(QStringLiteral("sticker"));
    const QString attach = ctx.parser.value(QStringLiteral("attach"));
    const bool file = ctx.parser.isSet(QStringLiteral("attach"));
    if (file && (sticker || attach.isEmpty())) {
        return usageError(ctx, QStringLiteral("send"),
                          QStringLiteral("--attach takes a FILE, and no --sticker"));
    }
    if (!file && ctx.parser.isSet(QStringLiteral("text")) == sticker) {
        return usageError(ctx, QStringLiteral("send"),
                          QStringLiteral("give either --text, --sticker or --attach"));
    }
    QByteArray packId;
    std::int64_t stickerId = 0;
    if (sticker) {
        // PACK_ID:N, as `tandemctl stickers list` prints them.
        const QStringList parts = ctx.parser.value(QStringLiteral("sticker")).split(u':');
        bool ok = parts.size() == 2;
        if (ok) {
            packId = QByteArray::fromHex(parts[0].toLatin1());
            stickerId = parts[1].toLongLong(&ok);
        }
        if (!ok || packId.size() < 16 || packId.size() > 32 || packId.toHex() != parts[0] ||
            stickerId < 0) {
            return usageError(ctx, QStringLiteral("send"),
                              QStringLiteral("--sticker takes PACK_ID:N (see tandemctl stickers "
                                             "list)"));
        }
    }
    // A file is uploaded before its message goes: given longer.
    const auto wait = seconds(ctx, QStringLiteral("send"), QStringLiteral("wait"), file ? 600 : 20);
    if (!wait) {
        return kExitUsage;
    }
    QString text = sticker ? QStringLiteral("sticker") : ctx.parser.value(QStringLiteral("text"));
    if (!sticker && text == QLatin1String("-")) {
        // All of it: a message is sent whole or not at all, never cut at the limit.
        auto typed = readStandardInput(storage::limits::kMaxTextBytes + 2);
        if (!typed) {
            return fail(ctx, QStringLiteral("cannot read the message from standard input"));
        }
        if (typed->total > storage::limits::kMaxTextBytes + 2) {
            return fail(
                ctx, QStringLiteral("the message is too long (%1%2 bytes; the limit is %3)")
                         .arg(typed->total >= kMaxInputBytes ? QStringLiteral("over ") : QString())
                         .arg(typed->total)
                         .arg(storage::limits::kMaxTextBytes));
        }
        dropFinalLineEnd(typed->bytes);  // what echo adds is no part of the message
        auto decoded = decodeUtf8(typed->bytes);
        if (!decoded) {
            return fail(ctx, QStringLiteral("the message is not valid UTF-8; nothing was sent"));
        }
        text = std::move(decoded).value();
    }
    const bool self = to == QLatin1String(kSelf);
    const auto mode = self ? std::nullopt : core::Messenger::modeOf(to.trimmed().toLower());
    if (!self && !mode) {
        return fail(ctx,
                    QStringLiteral("\"%1\" is not 'self', a phone number (+E.164) or a Session ID")
                        .arg(to.left(80)));
    }
    // A file may go without a caption; a text never empty.
    QString valid;
    if (!file || !text.isEmpty()) {
        auto checked = core::ConversationService::validateText(text);
        if (!checked) {
            return fail(ctx, checked.error().message);
        }
        valid = *checked;
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    Message sent;
    if (self && (sticker || file)) {
        return fail(ctx, QStringLiteral("stickers and files are sent to contacts; Note to Self "
                                        "keeps texts"));
    }
    if (self) {
        core::ConversationService conversations(store);
        const auto stored = awaitFuture(conversations.sendNoteToSelf(valid));
        if (!stored) {
            return fail(ctx, stored.error().message);
        }
        sent = *stored;
    } else {
        core::Messenger messenger(store);
        if (const auto started = awaitFuture(messenger.start()); !started) {
            return fail(ctx, started.error().message);
        }
        if (sticker) {
            // The built-in packs are there on a profile's first use, network or not.
            if (auto builtins = awaitFuture(messenger.stickers().installBuiltins()); !builtins) {
                return fail(ctx, builtins.error().message);
            }
        }
        const auto queued =
            awaitFuture(file      ? messenger.sendAttachment(*mode, to, attach, valid)
                        : sticker ? messenger.sendSticker(*mode, to, packId, stickerId)
                                  : messenger.sendText(*mode, to, valid));
        if (!queued) {
            return fail(ctx, queued.error().message);
        }
        sent = *queued;
        QString problem;
        QObject::connect(&messenger, &core::Messenger::messageUpdated, [&](const Message& m) {
            if (m.id == sent.id) {
                sent = m;
            }
        });
        QObject::connect(&messenger, &core::Messenger::problem,
                         [&](const QString& p) { problem = p; });
        // Sealed again for a new key: sent, but the user must know who they now write to.
        QObject::connect(&messenger, &core::Messenger::identityChanged,
                         [&](Mode, const QString& address) {
                             ctx.err << "tandemctl: your safety number with " << address
                                     << " changed: they registered again or reinstalled, or "
                                        "someone is in between. Compare it again.\n";
                         });
        core::spinUntil([&] { return sent.status != MessageStatus::Pending; }, *wait * 1000);
        if (sent.status == MessageStatus::Failed) {
            if (sent.attachment && !sent.attachment->error.isEmpty()) {
                problem = sent.attachment->error;
            }
            return fail(ctx, QStringLiteral("the message could not be sent: %1").arg(problem));
        }
        if (sent.status == MessageStatus::Pending) {
            return fail(ctx,
                        QStringLiteral(
                            "the network did not accept the message within %1 s; it stays queued "
                            "and is sent (its file uploaded) the next time Tandem connects")
                            .arg(*wait));
        }
    }
    if (ctx.parser.isSet(QStringLiteral("json"))) {
        ctx.out << QJsonDocument(toJson(sent, to)).toJson(QJsonDocument::Compact) << "\n";
    } else {
        ctx.out << sent.uid.toHex() << "\n";
    }
    return kExitOk;
}

// ---- receive ---------------------------------------------------------------------------------

int runReceive(CommandContext& ctx) {
    const auto wait = seconds(ctx, QStringLiteral("receive"), QStringLiteral("wait"), 2);
    const auto connectTimeout =
        seconds(ctx, QStringLiteral("receive"), QStringLiteral("connect-timeout"), 20);
    if (!wait || !connectTimeout) {
        return kExitUsage;
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    core::Messenger messenger(store);
    const bool json = ctx.parser.isSet(QStringLiteral("json"));
    QElapsedTimer quiet;
    quiet.start();
    QObject::connect(
        &messenger, &core::Messenger::messageReceived,
        [&](const Message& m, const QString& from, Mode mode) {
            quiet.restart();
            const bool notice = m.kind == MessageKind::Notice;
            const QString text = notice ? core::disappearing::noticeText(m, from) : m.body;
            if (json) {
                QJsonObject o = toJson(m, from);
                o[QStringLiteral("from")] = from;
                o[QStringLiteral("mode")] = modeKey(mode);
                ctx.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
            } else {
                QString line = m.kind == MessageKind::Sticker
                                   ? QStringLiteral("[sticker %1]").arg(terminalSafe(text))
                                   : terminalSafe(text);
                if (m.attachment) {
                    const QString f =
                        QStringLiteral("[file %1, %2; message %3]")
                            .arg(terminalSafe(m.attachment->fileName), fileSize(m.attachment->size))
                            .arg(m.id);
                    line = line.isEmpty() ? f : f + u' ' + line;
                }
                ctx.out << "["
                        << QDateTime::fromMSecsSinceEpoch(m.sentAt).toString(
                               QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                        << "] " << terminalSafe(from) << ": " << line << "\n";
            }
            ctx.out.flush();
        });
    // What could not be read is said as it comes (who, when known, and why) and makes the
    // exit status 1: a script must not take "nothing printed" for "nothing arrived".
    int unreadable = 0;
    QObject::connect(&messenger, &core::Messenger::receiveFailed,
                     [&](Mode mode, const QString& from, const QString& why) {
                         quiet.restart();
                         ++unreadable;
                         const QString sender = from.isEmpty() ? QStringLiteral("an unknown sender")
                                                               : terminalSafe(from);
                         if (json) {
                             QJsonObject o;
                             o[QStringLiteral("error")] = why;
                             o[QStringLiteral("from")] =
                                 from.isEmpty() ? QJsonValue() : QJsonValue(from);
                             o[QStringLiteral("mode")] = modeKey(mode);
                             ctx.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
                             ctx.out.flush();
                         }
                         ctx.err << "tandemctl: a message from " << sender << " (" << modeKey(mode)
                                 << ") could not be read: " << terminalSafe(why) << "\n";
                         ctx.err.flush();
                     });
    if (const auto started = awaitFuture(messenger.start()); !started) {
        return fail(ctx, started.error().message);
    }
    std::vector<Mode> modes;
    for (const Mode m : {Mode::Signal, Mode::Session}) {
        if (messenger.hasAccount(m)) {
            modes.push_back(m);
        }
    }
    if (modes.empty()) {
        return fail(ctx, QStringLiteral("this profile has no account to receive for (tandemctl "
                                        "init signal or init session)"));
    }
    // Every mode the profile has an account for: what arrives in one is not held up by the
    // other, but a mode that cannot connect is named.
    const auto connected = [&] {
        return std::count_if(modes.begin(), modes.end(),
                             [&](Mode m) { return messenger.isConnected(m); });
    };
    core::spinUntil([&] { return connected() == static_cast<long>(modes.size()); },
                    *connectTimeout * 1000);
    if (connected() == 0) {
        return fail(ctx,
                    QStringLiteral("cannot reach the network within %1 s").arg(*connectTimeout));
    }
    QStringList receiving;
    for (const Mode m : modes) {
        if (!messenger.isConnected(m)) {
            ctx.err << "tandemctl: cannot reach the " << modeKey(m) << " network within "
                    << *connectTimeout << " s; receiving in the other mode only\n";
        } else {
            receiving << modeKey(m);
        }
    }
    // On standard error (standard output is the messages): whoever waits for us, a person or
    // a script, knows from here on nothing sent to us is missed.
    ctx.err << "tandemctl: receiving (" << receiving.join(QStringLiteral(", "))
            << "); stops once nothing arrived for " << *wait << " s\n";
    ctx.err.flush();
    quiet.restart();
    // Until nothing new has arrived for --wait seconds and our receipts are out (bounded).
    core::spinUntil([&] { return quiet.elapsed() >= *wait * 1000 && messenger.isIdle(); },
                    24 * 3600 * 1000);
    if (unreadable > 0) {
        return fail(ctx, QStringLiteral("%1 message(s) could not be read (above)").arg(unreadable));
    }
    return kExitOk;
}

// ---- history --------------------------------------------------------------------------------

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
    const bool self = with == QLatin1String(kSelf);
    const auto mode = self ? std::nullopt : core::Messenger::modeOf(with.trimmed().toLower());
    if (!self && !mode) {
        return fail(ctx,
                    QStringLiteral(
                        "no conversation with \"%1\": give 'self', a phone number or a Session ID")
                        .arg(with.left(80)));
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    core::ConversationService conversations(store);
    const auto history =
        self ? awaitFuture(limit > 0 ? conversations.noteToSelfNewest(limit)
                                     : conversations.noteToSelfHistory())
             : awaitFuture(conversations.contactHistory(*mode, with.trimmed().toLower(), limit));
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

std::vector<Command> messagingCommands() {
    return {
        {QStringLiteral("send"),
         QStringLiteral("Send a message ('self': Note to Self; +E164: Signal mode)."),
         QStringLiteral("--to ID (--text TEXT | --sticker PACK_ID:N | --attach FILE [--text "
                        "CAPTION])"),
         [](QCommandLineParser& p) {
             p.addOption(
                 {QStringLiteral("to"),
                  QStringLiteral(
                      "'self', a phone number (+E.164), an account id (aci:…) or a Session ID."),
                  QStringLiteral("ID")});
             p.addOption({QStringLiteral("text"),
                          QStringLiteral("The message ('-' reads standard input)."),
                          QStringLiteral("TEXT")});
             p.addOption({QStringLiteral("sticker"),
                          QStringLiteral("A sticker instead of a text: PACK_ID:N, as "
                                         "'stickers list' shows them."),
                          QStringLiteral("PACK_ID:N")});
             p.addOption({QStringLiteral("attach"),
                          QStringLiteral("A file (up to 100 MiB) to send, encrypted; --text is "
                                         "its caption."),
                          QStringLiteral("FILE")});
             p.addOption(
                 {QStringLiteral("json"), QStringLiteral("Print the stored message as JSON.")});
             p.addOption(
                 {QStringLiteral("wait"),
                  QStringLiteral("How long to wait for the network to accept it (default 20; "
                                 "600 with --attach)."),
                  QStringLiteral("SECONDS")});
         },
         runSend},
        {QStringLiteral("receive"),
         QStringLiteral("Connect and print new messages until it is quiet."),
         QStringLiteral("[--wait SECONDS] [--json]"),
         [](QCommandLineParser& p) {
             p.addOption(
                 {QStringLiteral("wait"),
                  QStringLiteral("Return once nothing new arrived for SECONDS (default 2)."),
                  QStringLiteral("SECONDS")});
             p.addOption(
                 {QStringLiteral("connect-timeout"),
                  QStringLiteral("Give up if the network is not reached in SECONDS (default 20)."),
                  QStringLiteral("SECONDS")});
             p.addOption(
                 {QStringLiteral("json"), QStringLiteral("One JSON object per line: id, uid, from, "
                                                         "mode, text, sent_at, received_at.")});
         },
         runReceive},
        {QStringLiteral("history"), QStringLiteral("Print a conversation, oldest first."),
         QStringLiteral("--with ID [--json]"),
         [](QCommandLineParser& p) {
             p.addOption(
                 {QStringLiteral("with"),
                  QStringLiteral("'self', a phone number, an account id (aci:…) or a Session ID."),
                  QStringLiteral("ID")});
             p.addOption(
                 {QStringLiteral("json"),
                  QStringLiteral(
                      "One JSON object per line: id, uid, with, direction, status, text, sent_at, "
                      "received_at, delivered_at, read_at, expires_at.")});
             p.addOption({QStringLiteral("limit"), QStringLiteral("Only the newest N messages."),
                          QStringLiteral("N")});
         },
         runHistory},
    };
}

}  // namespace tandem::cli
