// Account commands: init (a Signal-mode number or a Session ID), add-contact, whoami. A
// network is a file or its link, a contact an address or its link (LinkCommands.h).
#include <sodium.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <tandem/common/Redact.h>

#include "app/cli/Commands.h"
#include "app/cli/LinkCommands.h"
#include "app/cli/PassphraseSource.h"
#include "app/core/Await.h"
#include "app/core/Links.h"
#include "app/core/Messenger.h"
#include "app/core/session/SessionCodec.h"
#include "app/core/session/SessionSetup.h"
#include "app/core/signal/SignalRegistration.h"
#include "crypto/session/RecoveryPhrase.h"
#include "crypto/signal/Identity.h"
#include "tandem/core.pb.h"
#include "transport/relay/Address.h"

namespace tandem::cli {

using namespace tandem::storage;
using core::awaitFuture;

namespace {

QString hex(const QByteArray& bytes) {
    return QString::fromLatin1(bytes.toHex());
}

// ---- init ----------------------------------------------------------------------------------

// A Session ID: created (its recovery phrase shown this once) or restored from the phrase.
int runInitSession(CommandContext& ctx) {
    const QString networkFile = ctx.parser.value(QStringLiteral("network"));
    if (networkFile.isEmpty()) {
        return usageError(ctx, QStringLiteral("init"),
                          QStringLiteral("init session needs --network"));
    }
    if (ctx.parser.isSet(QStringLiteral("phone")) || ctx.parser.isSet(QStringLiteral("code")) ||
        ctx.parser.isSet(QStringLiteral("force"))) {
        return usageError(ctx, QStringLiteral("init"),
                          QStringLiteral("a Session ID takes no phone number, code or --force"));
    }
    auto network = core::NetworkConfig::load(networkFile);
    if (!network) {
        return fail(ctx, network.error());
    }
    if (!network->onion) {
        return fail(ctx, QStringLiteral("%1 names no onion network (Session mode needs its nodes)")
                             .arg(core::NetworkConfig::describeSource(networkFile)));
    }
    const bool restoring = ctx.parser.isSet(QStringLiteral("restore"));
    std::optional<crypto::session::SessionIdentity> identity;
    if (restoring) {
        QString phrase = ctx.parser.value(QStringLiteral("restore"));
        if (phrase == QLatin1String("-")) {
            const auto typed = readStandardInput(4096);
            if (!typed || typed->total > typed->bytes.size()) {
                return fail(ctx,
                            QStringLiteral(
                                "cannot read a phrase (at most 4096 bytes) from standard input"));
            }
            phrase = QString::fromUtf8(typed->bytes);
        }
        auto restored = core::sessionmode::restoreIdentity(phrase);
        if (!restored) {
            return fail(ctx, restored.error());
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
    const auto saved = awaitFuture(core::sessionmode::saveAccount(store, *identity, *network));
    if (!saved) {
        return fail(ctx, saved.error().message);
    }
    if (!saved->existing.isEmpty()) {
        if (saved->existing == id) {
            ctx.out << "This profile already has the Session ID " << id << ".\n";
            return kExitOk;
        }
        return fail(ctx, QStringLiteral("this profile already has a Session ID (%1)")
                             .arg(redact(saved->existing)));
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

// A registration lock PIN: --pin-file FILE, else $TANDEM_PIN, else asked twice.
Expected<SecretBytes, QString> readPin(CommandContext& ctx) {
    return readSecret({ctx.parser.value(QStringLiteral("pin-file")), QStringLiteral("--pin-file"),
                       "TANDEM_PIN", true, QStringLiteral("registration lock PIN")});
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
    const bool force = ctx.parser.isSet(QStringLiteral("force"));
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
    // Registering again makes a new identity: every contact's safety number with us changes,
    // and what they sealed for the old one can no longer be opened. Never by accident.
    if (*existing && !force) {
        return fail(
            ctx,
            QStringLiteral("this profile is already registered as %1 in Signal mode. 'init signal "
                           "--force' registers again with a new identity key: every contact's "
                           "safety number with you changes, and messages on their way to the old "
                           "key are lost. To use another network file: tandemctl set-network FILE")
                .arg((*existing)->address));
    }
    const bool sharePhone = ctx.parser.isSet(QStringLiteral("share-phone"));
    core::SignalRegistration registration(store, std::move(network).value(), phone, sharePhone);
    const bool withPin =
        ctx.parser.isSet(QStringLiteral("pin")) || ctx.parser.isSet(QStringLiteral("pin-file"));
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
    if (withPin) {
        auto pin = readPin(ctx);
        if (!pin) {
            return fail(ctx, pin.error());
        }
        if (auto accepted = registration.setPin(*pin); !accepted) {
            return fail(ctx, accepted.error().message);
        }
    }
    const auto done = awaitFuture(registration.complete(code));
    if (!done) {
        if (done.error().code == core::CoreErrorCode::Locked && !withPin) {
            return fail(ctx, done.error().message +
                                 QStringLiteral(". Run again with --code CODE --pin (the code "
                                                "stays valid for its 10 minutes)"));
        }
        return fail(ctx, done.error().message);
    }
    if (*existing) {
        ctx.out << "A new identity key: your contacts will see that your safety number changed.\n";
    }
    ctx.out << "Registered " << phone << " for Signal mode. "
            << (sharePhone ? "Contacts see your number."
                           : "Contacts see your account id, not your number, unless they "
                             "already know it.")
            << "\n";
    if (withPin) {
        ctx.out << "The number is locked with your PIN: registering it again needs the PIN until "
                   "this profile has been away from the relay for 7 days.\n";
    }
    return kExitOk;
}

// ---- set-pin ---------------------------------------------------------------------------------

int runSetPin(CommandContext& ctx) {
    const bool remove = ctx.parser.isSet(QStringLiteral("remove"));
    if (remove && ctx.parser.isSet(QStringLiteral("pin-file"))) {
        return usageError(ctx, QStringLiteral("set-pin"), QStringLiteral("--remove takes no PIN"));
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const auto saved = awaitFuture(
        store.read([](Repositories& r) { return r.settings.get(QStringLiteral("network")); }));
    if (!saved) {
        return fail(ctx, saved.error().message);
    }
    auto network = *saved ? core::NetworkConfig::parse(**saved)
                          : Expected<core::NetworkConfig, QString>(unexpected(QStringLiteral(
                                "this profile has no network yet (tandemctl init signal …)")));
    if (!network) {
        return fail(ctx, network.error());
    }
    std::optional<SecretBytes> pin;
    if (!remove) {
        auto read = readPin(ctx);
        if (!read) {
            return fail(ctx, read.error());
        }
        pin = std::move(read).value();
    }
    core::SignalRegistration registration(store, std::move(network).value(), QString());
    const auto done = awaitFuture(registration.changeRegistrationLock(std::move(pin)));
    if (!done) {
        return fail(ctx, done.error().message);
    }
    ctx.out << (remove ? "The registration lock is off: anyone who receives a code for your "
                         "number can register it.\n"
                       : "Your number is locked with this PIN: registering it again (on a new "
                         "device, or by someone who gets your number) needs the PIN until this "
                         "profile has been away from the relay for 7 days. Keep the PIN safe; "
                         "Tandem cannot show it again.\n");
    return kExitOk;
}

// A new network file for a profile that has its accounts: the keys stay, and so do contacts'
// safety numbers. Only where the profile connects changes.
int runSetNetwork(CommandContext& ctx) {
    const QStringList args = ctx.parser.positionalArguments();
    if (args.size() != 1) {
        return usageError(ctx, QStringLiteral("set-network"),
                          QStringLiteral("give one network file or network link"));
    }
    auto network = core::NetworkConfig::load(args[0]);
    if (!network) {
        return fail(ctx, network.error());
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const auto before = awaitFuture(store.write(
        [json = network->json](Repositories& r) -> StoreResult<std::optional<QByteArray>> {
            TANDEM_TRY_ASSIGN(auto old, r.settings.get(QStringLiteral("network")));
            TANDEM_TRY(r.settings.set(QStringLiteral("network"), json));
            return old;
        }));
    if (!before) {
        return fail(ctx, before.error().message);
    }
    ctx.out << "This profile now joins the network in "
            << core::NetworkConfig::describeSource(args[0]) << " (";
    if (network->relay) {
        ctx.out << "relay " << network->relay->host << ":" << network->relay->port;
    }
    if (network->onion) {
        ctx.out << (network->relay ? ", " : "") << network->onion->directory.nodes.size()
                << " onion nodes";
    }
    ctx.out << "). Your accounts and keys are unchanged.\n";
    if (network->onion) {
        ctx.out << "Network key: " << core::keyFingerprint(network->onion->networkKey) << "\n";
    }
    // An account lives at one relay: at another, it does not exist until registered there.
    if (*before) {
        const auto old = core::NetworkConfig::parse(**before);
        if (old && old->relay && network->relay &&
            old->relay->relayKey != network->relay->relayKey) {
            ctx.err << "tandemctl: note: this is another relay (its key differs): your Signal "
                       "account is registered at the old one\n";
        }
    }
    return kExitOk;
}

// ---- add-contact, whoami ----------------------------------------------------------------------

int runAddContact(CommandContext& ctx) {
    const QStringList args = ctx.parser.positionalArguments();
    if (args.size() != 1) {
        return usageError(ctx, QStringLiteral("add-contact"),
                          QStringLiteral("give one phone number, Session ID or contact link"));
    }
    const auto target = contactTarget(args[0]);
    if (!target) {
        return fail(ctx, target.error());
    }
    // The name a link suggests is the link's sender's word: taken only if --name is not given.
    std::optional<QString> name;
    if (ctx.parser.isSet(QStringLiteral("name"))) {
        name = ctx.parser.value(QStringLiteral("name"));
    } else if (!target->nameHint.isEmpty()) {
        name = target->nameHint;
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    core::Messenger messenger(store);
    const auto contact = awaitFuture(messenger.addContact(target->mode, target->address, name));
    if (!contact) {
        return fail(ctx, contact.error().message);
    }
    ctx.out << "Added " << contact->address
            << (contact->displayName.isEmpty() ? QString()
                                               : " (" + terminalSafe(contact->displayName) + ")")
            << " to your " << modeKey(target->mode) << " contacts.\n";
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
    const auto lock = awaitFuture(store.read([](Repositories& r) {
        return r.settings.get(
            QString::fromLatin1(core::SignalRegistration::kRegistrationLockSetting));
    }));
    const bool locked = lock && *lock && **lock == "on";
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
        o[QStringLiteral("mode")] = modeKey(a.mode);
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
                o[QStringLiteral("registration_lock")] = locked;
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
            ctx.out << modeKey(a.mode) << ": " << a.address << "\n";
            if (o.contains(QStringLiteral("account_id"))) {
                ctx.out << "  account id: " << o.value(QStringLiteral("account_id")).toString()
                        << (o.value(QStringLiteral("phone_shared")).toBool()
                                ? " (your number is shown to contacts)"
                                : " (what contacts see instead of your number)")
                        << "\n";
                ctx.out << "  registration lock: "
                        << (locked ? "on (registering this number again needs your PIN)"
                                   : "off (tandemctl set-pin)")
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

}  // namespace

std::vector<Command> accountCommands() {
    std::vector<Command> all{
        {QStringLiteral("init"),
         QStringLiteral("Create this profile's account for a mode: a phone number registered "
                        "with the relay (signal) or a Session ID (session)."),
         QStringLiteral("signal --phone +E164 --network FILE|LINK [--code CODE] [--share-phone] "
                        "[--pin | --pin-file FILE] [--force] | "
                        "session --network FILE|LINK [--restore \"WORDS\"]"),
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
                          QStringLiteral("The network file (network.json) or its link "
                                         "(tandem://network/…)."),
                          QStringLiteral("FILE|LINK")});
             p.addOption({QStringLiteral("code"),
                          QStringLiteral("The verification code the relay sent."),
                          QStringLiteral("CODE")});
             p.addOption({QStringLiteral("share-phone"),
                          QStringLiteral("Show your number to the people you write to (by "
                                         "default they see only your account id).")});
             p.addOption({QStringLiteral("pin"),
                          QStringLiteral("signal: a registration lock PIN (asked for, or "
                                         "$TANDEM_PIN): proves it if the number is locked, and "
                                         "locks the new account with it.")});
             p.addOption({QStringLiteral("pin-file"),
                          QStringLiteral("signal: --pin, read from FILE."),
                          QStringLiteral("FILE")});
             p.addOption({QStringLiteral("force"),
                          QStringLiteral("signal: register again although this profile is "
                                         "registered, with a new identity key (every "
                                         "contact's safety number with you changes).")});
         },
         runInit, true},
        {QStringLiteral("set-network"),
         QStringLiteral("Use another network (a file or a link); accounts and keys stay as they "
                        "are."),
         QStringLiteral("FILE|LINK"),
         [](QCommandLineParser& p) {
             p.addPositionalArgument(
                 QStringLiteral("network"),
                 QStringLiteral(
                     "The network file (network.json) or its link (tandem://network/…)."));
         },
         runSetNetwork, true},
        {QStringLiteral("set-pin"),
         QStringLiteral("Lock this profile's Signal-mode number with a PIN (registration lock), "
                        "or take the lock off."),
         QStringLiteral("[--pin-file FILE] | --remove"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("pin-file"),
                          QStringLiteral("Read the PIN from FILE (else $TANDEM_PIN, else asked "
                                         "twice)."),
                          QStringLiteral("FILE")});
             p.addOption({QStringLiteral("remove"), QStringLiteral("Take the lock off.")});
         },
         runSetPin, true},
        {QStringLiteral("add-contact"),
         QStringLiteral("Add a contact by phone number, Session ID or contact link."),
         QStringLiteral("ID|LINK [--name NAME]"),
         [](QCommandLineParser& p) {
             p.addPositionalArgument(QStringLiteral("id"),
                                     QStringLiteral("+E164, aci:… (a Signal account id), 05… or "
                                                    "a contact link (tandem://contact/…)"));
             p.addOption(
                 {QStringLiteral("name"),
                  QStringLiteral("How to show them (at most 64 characters; \"\" clears the name). "
                                 "Given, it wins over the name a link suggests."),
                  QStringLiteral("NAME")});
         },
         runAddContact, true},
        {QStringLiteral("whoami"), QStringLiteral("Show this profile's accounts and public keys."),
         QStringLiteral("[--json]"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("json"), QStringLiteral("As JSON.")});
         },
         runWhoami},
    };
    for (Command& command : linkCommands()) {
        all.push_back(std::move(command));
    }
    return all;
}

}  // namespace tandem::cli
