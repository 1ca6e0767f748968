// Messaging commands: init (accounts), add-contact, whoami, send, receive, history.
#include <sodium.h>

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <tandem/common/Redact.h>

#include "app/cli/Commands.h"
#include "app/core/Await.h"
#include "app/core/ConversationService.h"
#include "app/core/Messenger.h"
#include "app/core/session/SessionCodec.h"
#include "app/core/signal/SignalRegistration.h"
#include "crypto/session/RecoveryPhrase.h"
#include "crypto/signal/Identity.h"
#include "storage/Limits.h"
#include "tandem/core.pb.h"
#include "transport/relay/Address.h"

namespace tandem::cli {

using namespace tandem::storage;
using core::awaitFuture;

namespace {

constexpr auto kSelf = "self";

QString modeName(Mode mode) {
    return mode == Mode::Signal ? QStringLiteral("signal") : QStringLiteral("session");
}

QString hex(const QByteArray& bytes) {
    return QString::fromLatin1(bytes.toHex());
}

std::optional<int> seconds(CommandContext& ctx, const QString& command, const QString& option,
                           int fallback) {
    return intOption(ctx, command, option, fallback, 0, 3600, QStringLiteral("seconds"));
}

// ---- init ----------------------------------------------------------------------------------

// A Session ID: created (its recovery phrase shown this once) or restored from the phrase.
int runInitSession(CommandContext& ctx) {
    const QString networkFile = ctx.parser.value(QStringLiteral("network"));
    if (networkFile.isEmpty()) {
        return usageError(ctx, QStringLiteral("init"),
                          QStringLiteral("init session needs --network"));
    }
    if (ctx.parser.isSet(QStringLiteral("phone")) || ctx.parser.isSet(QStringLiteral("code"))) {
        return usageError(ctx, QStringLiteral("init"),
                          QStringLiteral("a Session ID needs no phone number or code"));
    }
    auto network = core::NetworkConfig::load(networkFile);
    if (!network) {
        return fail(ctx, network.error());
    }
    if (!network->onion) {
        return fail(ctx, QStringLiteral("%1 names no onion network (Session mode needs its nodes)")
                             .arg(networkFile));
    }
    const bool restoring = ctx.parser.isSet(QStringLiteral("restore"));
    std::optional<crypto::session::SessionIdentity> identity;
    if (restoring) {
        QString phrase = ctx.parser.value(QStringLiteral("restore"));
        if (phrase == QLatin1String("-")) {
            const auto typed = readStandardInput(4096);
            if (!typed) {
                return fail(ctx, QStringLiteral("cannot read the phrase from standard input"));
            }
            phrase = QString::fromUtf8(*typed);
        }
        const auto seed = crypto::session::decodeRecoveryPhrase(phrase);
        if (!seed) {
            return fail(
                ctx,
                QStringLiteral("the recovery phrase is not valid: %1").arg(seed.error().message));
        }
        auto restored = crypto::session::SessionIdentity::fromSeed(seed->span());
        if (!restored) {
            return fail(ctx, restored.error().message);
        }
        identity = std::move(restored).value();
    } else {
        identity = crypto::session::SessionIdentity::generate();
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const QString id = identity->sessionId;
    const auto account =
        core::sessionmode::accountFor(*identity, QDateTime::currentMSecsSinceEpoch());
    const auto saved = awaitFuture(store.write(
        [account, json = network->json](Repositories& r) -> StoreResult<std::optional<QString>> {
            TANDEM_TRY_ASSIGN(const auto existing, r.accounts.get(Mode::Session));
            if (existing) {
                return std::optional<QString>(existing->address);
            }
            TANDEM_TRY(r.accounts.put(account));
            TANDEM_TRY(r.settings.set(QStringLiteral("network"), json));
            return std::optional<QString>();
        }));
    if (!saved) {
        return fail(ctx, saved.error().message);
    }
    if (*saved) {
        if (**saved == id) {
            ctx.out << "This profile already has the Session ID " << id << ".\n";
            return kExitOk;
        }
        return fail(
            ctx, QStringLiteral("this profile already has a Session ID (%1)").arg(redact(**saved)));
    }
    if (restoring) {
        ctx.out << "Restored your Session ID: " << id << "\n";
        return kExitOk;
    }
    ctx.out
        << "Your Session ID: " << id << "\n\n"
        << "Your recovery phrase, shown only this once. Write it down and keep it safe: it is\n"
        << "the only way to restore this Session ID (tandemctl init session --restore \"…\").\n\n"
        << "  " << crypto::session::encodeRecoveryPhrase(identity->seed.span()) << "\n";
    return kExitOk;
}

int runInit(CommandContext& ctx) {
    const QStringList args = ctx.parser.positionalArguments();
    if (args.size() != 1 ||
        (args[0] != QLatin1String("signal") && args[0] != QLatin1String("session"))) {
        return usageError(ctx, QStringLiteral("init"),
                          QStringLiteral("say which mode: init signal or init session"));
    }
    if (args[0] == QLatin1String("session")) {
        return runInitSession(ctx);
    }
    if (ctx.parser.isSet(QStringLiteral("restore"))) {
        return usageError(
            ctx, QStringLiteral("init"),
            QStringLiteral("--restore restores a Session ID: init session --restore"));
    }
    const QString phone = ctx.parser.value(QStringLiteral("phone"));
    const QString networkFile = ctx.parser.value(QStringLiteral("network"));
    if (phone.isEmpty() || networkFile.isEmpty()) {
        return usageError(ctx, QStringLiteral("init"),
                          QStringLiteral("init signal needs --phone and --network"));
    }
    auto network = core::NetworkConfig::load(networkFile);
    if (!network) {
        return fail(ctx, network.error());
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const auto existing =
        awaitFuture(store.read([](Repositories& r) { return r.accounts.get(Mode::Signal); }));
    if (!existing) {
        return fail(ctx, existing.error().message);
    }
    if (*existing && (*existing)->address != phone) {
        return fail(
            ctx,
            QStringLiteral("this profile is already registered as %1").arg((*existing)->address));
    }
    const bool sharePhone = ctx.parser.isSet(QStringLiteral("share-phone"));
    core::SignalRegistration registration(store, std::move(network).value(), phone, sharePhone);
    QString code = ctx.parser.value(QStringLiteral("code"));
    if (!ctx.parser.isSet(QStringLiteral("code"))) {
        const auto requested = awaitFuture(registration.requestCode());
        if (!requested) {
            return fail(ctx, requested.error().message);
        }
        if (*requested) {
            ctx.out << "A verification code was sent to " << phone
                    << ". Run again with --code CODE.\n";
            return kExitOk;
        }
    }
    const auto done = awaitFuture(registration.complete(code));
    if (!done) {
        return fail(ctx, done.error().message);
    }
    ctx.out << "Registered " << phone << " for Signal mode. "
            << (sharePhone ? "Contacts see your number."
                           : "Contacts see your account id, not your number, unless they "
                             "already know it.")
            << "\n";
    return kExitOk;
}

// ---- add-contact, whoami ----------------------------------------------------------------------

int runAddContact(CommandContext& ctx) {
    const QStringList args = ctx.parser.positionalArguments();
    if (args.size() != 1) {
        return usageError(ctx, QStringLiteral("add-contact"),
                          QStringLiteral("give one phone number or Session ID"));
    }
    const auto mode = core::Messenger::modeOf(args[0].trimmed().toLower());
    if (!mode) {
        return fail(ctx,
                    QStringLiteral("\"%1\" is neither a phone number (+E.164) nor a Session ID")
                        .arg(args[0].left(80)));
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    core::Messenger messenger(store);
    const auto contact =
        awaitFuture(messenger.addContact(*mode, args[0], ctx.parser.value(QStringLiteral("name"))));
    if (!contact) {
        return fail(ctx, contact.error().message);
    }
    ctx.out << "Added " << contact->address
            << (contact->displayName.isEmpty() ? QString() : " (" + contact->displayName + ")")
            << " to your " << modeName(*mode) << " contacts.\n";
    return kExitOk;
}

int runWhoami(CommandContext& ctx) {
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const auto accounts = awaitFuture(store.read([](Repositories& r) { return r.accounts.all(); }));
    if (!accounts) {
        return fail(ctx, accounts.error().message);
    }
    const bool json = ctx.parser.isSet(QStringLiteral("json"));
    if (accounts->empty()) {
        if (json) {
            ctx.out << "{\"accounts\":[]}\n";
        } else {
            ctx.out << "This profile has no account yet (tandemctl init signal …).\n";
        }
        return kExitOk;
    }
    QJsonArray list;
    for (const Account& a : *accounts) {
        QJsonObject o;
        o[QStringLiteral("mode")] = modeName(a.mode);
        if (a.mode == Mode::Signal) {
            o[QStringLiteral("phone")] = a.address;
            proto::core::SignalCredentials credentials;
            if (a.credentials &&
                credentials.ParseFromArray(a.credentials->data(),
                                           static_cast<int>(a.credentials->size()))) {
                if (credentials.aci().size() == static_cast<std::size_t>(relay::kAciBytes)) {
                    o[QStringLiteral("account_id")] =
                        relay::aciAddress(QByteArray::fromStdString(credentials.aci()));
                }
                o[QStringLiteral("phone_shared")] = credentials.share_phone();
                std::string& password = *credentials.mutable_password();
                sodium_memzero(password.data(), password.size());
            }
            crypto::PublicKey ed{};
            std::copy(a.identityPublic.begin(), a.identityPublic.end(), ed.begin());
            o[QStringLiteral("identity_key_ed25519")] = hex(a.identityPublic);
            if (const auto x = crypto::ed25519ToX25519(ed)) {
                const auto serialized = crypto::signal::serializeKey(*x);
                o[QStringLiteral("identity_key")] = hex(
                    QByteArray(reinterpret_cast<const char*>(serialized.data()), 33));  // NOLINT
            }
        } else {
            o[QStringLiteral("session_id")] = a.address;
            o[QStringLiteral("ed25519_public_key")] = hex(a.identityPublic);
        }
        list.append(o);
        if (!json) {
            ctx.out << modeName(a.mode) << ": " << a.address << "\n";
            if (o.contains(QStringLiteral("account_id"))) {
                ctx.out << "  account id: " << o.value(QStringLiteral("account_id")).toString()
                        << (o.value(QStringLiteral("phone_shared")).toBool()
                                ? " (your number is shown to contacts)"
                                : " (what contacts see instead of your number)")
                        << "\n";
            }
            ctx.out << "  identity key: " << o.value(QStringLiteral("identity_key")).toString()
                    << o.value(QStringLiteral("ed25519_public_key")).toString() << "\n";
        }
    }
    if (json) {
        ctx.out << QJsonDocument(QJsonObject{{QStringLiteral("accounts"), list}})
                       .toJson(QJsonDocument::Compact)
                << "\n";
    }
    return kExitOk;
}

// ---- send ------------------------------------------------------------------------------------

int runSend(CommandContext& ctx) {
    const QString to = ctx.parser.value(QStringLiteral("to"));
    if (to.isEmpty()) {
        return usageError(ctx, QStringLiteral("send"), QStringLiteral("--to is required"));
    }
    if (!ctx.parser.isSet(QStringLiteral("text"))) {
        return usageError(ctx, QStringLiteral("send"), QStringLiteral("--text is required"));
    }
    const auto wait = seconds(ctx, QStringLiteral("send"), QStringLiteral("wait"), 20);
    if (!wait) {
        return kExitUsage;
    }
    QString text = ctx.parser.value(QStringLiteral("text"));
    if (text == QLatin1String("-")) {
        const auto typed = readStandardInput(storage::limits::kMaxTextBytes + 1);
        if (!typed) {
            return fail(ctx, QStringLiteral("cannot read the message from standard input"));
        }
        text = QString::fromUtf8(*typed);
    }
    const bool self = to == QLatin1String(kSelf);
    const auto mode = self ? std::nullopt : core::Messenger::modeOf(to.trimmed().toLower());
    if (!self && !mode) {
        return fail(ctx,
                    QStringLiteral("\"%1\" is not 'self', a phone number (+E.164) or a Session ID")
                        .arg(to.left(80)));
    }
    auto valid = core::ConversationService::validateText(text);
    if (!valid) {
        return fail(ctx, valid.error().message);
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    Message sent;
    if (self) {
        core::ConversationService conversations(store);
        const auto stored = awaitFuture(conversations.sendNoteToSelf(*valid));
        if (!stored) {
            return fail(ctx, stored.error().message);
        }
        sent = *stored;
    } else {
        core::Messenger messenger(store);
        if (const auto started = awaitFuture(messenger.start()); !started) {
            return fail(ctx, started.error().message);
        }
        const auto queued = awaitFuture(messenger.sendText(*mode, to, *valid));
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
        core::spinUntil([&] { return sent.status != MessageStatus::Pending; }, *wait * 1000);
        if (sent.status == MessageStatus::Failed) {
            return fail(ctx, QStringLiteral("the message could not be sent: %1").arg(problem));
        }
        if (sent.status == MessageStatus::Pending) {
            return fail(ctx,
                        QStringLiteral(
                            "the network did not accept the message within %1 s; it stays queued "
                            "and is sent the next time Tandem connects")
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
            if (json) {
                QJsonObject o;
                o[QStringLiteral("id")] = static_cast<double>(m.id);
                o[QStringLiteral("uid")] = m.uid.toHex();
                o[QStringLiteral("from")] = from;
                o[QStringLiteral("mode")] = modeName(mode);
                o[QStringLiteral("text")] = m.body;
                o[QStringLiteral("sent_at")] = static_cast<double>(m.sentAt);
                o[QStringLiteral("received_at")] = static_cast<double>(m.receivedAt.value_or(0));
                ctx.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
            } else {
                ctx.out << "["
                        << QDateTime::fromMSecsSinceEpoch(m.sentAt).toString(
                               QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                        << "] " << from << ": "
                        << QString(m.body).replace(u'\n', QStringLiteral("\n    ")) << "\n";
            }
            ctx.out.flush();
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
    for (const Mode m : modes) {
        if (!messenger.isConnected(m)) {
            ctx.err << "tandemctl: cannot reach the " << modeName(m) << " network within "
                    << *connectTimeout << " s; receiving in the other mode only\n";
            ctx.err.flush();
        }
    }
    quiet.restart();
    // Until nothing new has arrived for --wait seconds and our receipts are out (bounded).
    core::spinUntil([&] { return quiet.elapsed() >= *wait * 1000 && messenger.isIdle(); },
                    24 * 3600 * 1000);
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
        {QStringLiteral("init"),
         QStringLiteral("Create this profile's account for a mode: a phone number registered "
                        "with the relay (signal) or a Session ID (session)."),
         QStringLiteral("signal --phone +E164 --network FILE [--code CODE] [--share-phone] | "
                        "session --network FILE [--restore \"WORDS\"]"),
         [](QCommandLineParser& p) {
             p.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("signal or session."));
             p.addOption({QStringLiteral("restore"),
                          QStringLiteral("session: restore the Session ID of a 13-word recovery "
                                         "phrase instead of creating one; - reads it from "
                                         "standard input (on the command line it shows in ps "
                                         "and the shell history)."),
                          QStringLiteral("WORDS")});
             p.addOption({QStringLiteral("phone"), QStringLiteral("Your phone number, +E.164."),
                          QStringLiteral("PHONE")});
             p.addOption({QStringLiteral("network"),
                          QStringLiteral("The network file (network.json)."),
                          QStringLiteral("FILE")});
             p.addOption({QStringLiteral("code"),
                          QStringLiteral("The verification code the relay sent."),
                          QStringLiteral("CODE")});
             p.addOption({QStringLiteral("share-phone"),
                          QStringLiteral("Show your number to the people you write to (by "
                                         "default they see only your account id).")});
         },
         runInit, true},
        {QStringLiteral("add-contact"),
         QStringLiteral("Add a contact by phone number or Session ID."),
         QStringLiteral("ID [--name NAME]"),
         [](QCommandLineParser& p) {
             p.addPositionalArgument(QStringLiteral("id"),
                                     QStringLiteral("+E164, aci:… (a Signal account id) or 05…"));
             p.addOption({QStringLiteral("name"), QStringLiteral("How to show them."),
                          QStringLiteral("NAME")});
         },
         runAddContact, true},
        {QStringLiteral("whoami"), QStringLiteral("Show this profile's accounts and public keys."),
         QStringLiteral("[--json]"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("json"), QStringLiteral("As JSON.")});
         },
         runWhoami},
        {QStringLiteral("send"),
         QStringLiteral("Send a message ('self': Note to Self; +E164: Signal mode)."),
         QStringLiteral("--to ID --text TEXT"),
         [](QCommandLineParser& p) {
             p.addOption(
                 {QStringLiteral("to"),
                  QStringLiteral(
                      "'self', a phone number (+E.164), an account id (aci:…) or a Session ID."),
                  QStringLiteral("ID")});
             p.addOption({QStringLiteral("text"),
                          QStringLiteral("The message ('-' reads standard input)."),
                          QStringLiteral("TEXT")});
             p.addOption(
                 {QStringLiteral("json"), QStringLiteral("Print the stored message as JSON.")});
             p.addOption(
                 {QStringLiteral("wait"),
                  QStringLiteral("How long to wait for the network to accept it (default 20)."),
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
