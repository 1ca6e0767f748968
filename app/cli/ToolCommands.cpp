// Offline tools: no profile, no network.
//   safety-number  Signal's 60-digit safety number for two identities
//   phrase-check   the Session ID a recovery phrase restores, or what is wrong with it
#include <QFile>

#include <tandem/common/Ascii.h>

#include "app/cli/Commands.h"
#include "crypto/session/RecoveryPhrase.h"
#include "crypto/session/SessionKeys.h"
#include "crypto/signal/SafetyNumber.h"

namespace tandem::cli {

using namespace tandem::crypto;

namespace {

// A 33-byte identity key given as 66 hexadecimal digits (05…).
std::optional<signal::SerializedKey> parseKey(const QString& hex) {
    // Either case is fine for a key copied by hand; QString::toLower() maps nothing but A–F
    // onto a hex digit, so the exact parser still sees only what was written.
    const auto raw = parseLowerHex(hex.toLower(), 33);
    if (!raw) {
        return std::nullopt;
    }
    signal::SerializedKey key{};
    std::copy(raw->begin(), raw->end(), key.begin());
    if (!signal::deserializeKey(key).has_value()) {
        return std::nullopt;
    }
    return key;
}

int runSafetyNumber(CommandContext& ctx) {
    const QString command = QStringLiteral("safety-number");
    for (const char* option : {"local-id", "local-key", "remote-id", "remote-key"}) {
        if (ctx.parser.value(QLatin1String(option)).isEmpty()) {
            return usageError(ctx, command,
                              QStringLiteral("--%1 is required").arg(QLatin1String(option)));
        }
    }
    const auto localKey = parseKey(ctx.parser.value(QStringLiteral("local-key")));
    const auto remoteKey = parseKey(ctx.parser.value(QStringLiteral("remote-key")));
    if (!localKey || !remoteKey) {
        return fail(
            ctx, QStringLiteral("--%1 must be a 33-byte identity key: 66 hexadecimal digits "
                                "starting with 05")
                     .arg(localKey ? QStringLiteral("remote-key") : QStringLiteral("local-key")));
    }
    const auto number =
        signal::safetyNumber(ctx.parser.value(QStringLiteral("local-id")), *localKey,
                             ctx.parser.value(QStringLiteral("remote-id")), *remoteKey);
    if (!number) {
        return fail(ctx, number.error().message);
    }
    ctx.out << number->grouped() << "\n";
    if (ctx.parser.isSet(QStringLiteral("qr-payload"))) {
        ctx.out << QByteArray(reinterpret_cast<const char*>(number->scannable.data()),  // NOLINT
                              static_cast<qsizetype>(number->scannable.size()))
                       .toHex()
                << "\n";
    }
    return kExitOk;
}

int runPhraseCheck(CommandContext& ctx) {
    QStringList words = ctx.parser.positionalArguments();
    if (words == QStringList{QStringLiteral("-")}) {
        // From standard input: a phrase on the command line shows up in `ps` and shell history.
        const auto typed = readStandardInput(4096);
        if (!typed || typed->total > typed->bytes.size()) {
            return fail(ctx, QStringLiteral(
                                 "cannot read a phrase (at most 4096 bytes) from standard input"));
        }
        words = QStringList{QString::fromUtf8(typed->bytes)};
    }
    if (words.isEmpty()) {
        return usageError(ctx, QStringLiteral("phrase-check"),
                          QStringLiteral("give the recovery phrase"));
    }
    const auto seed = session::decodeRecoveryPhrase(words.join(u' '));
    if (!seed) {
        return fail(
            ctx, QStringLiteral("the recovery phrase is not valid: %1").arg(seed.error().message));
    }
    const auto identity = session::SessionIdentity::fromSeed(seed->span());
    if (!identity) {
        return fail(ctx, identity.error().message);
    }
    ctx.out << identity->sessionId << "\n";
    return kExitOk;
}

}  // namespace

std::vector<Command> toolCommands() {
    return {
        {QStringLiteral("safety-number"),
         QStringLiteral("Print the safety number of two Signal-mode identities (offline)."),
         QStringLiteral("--local-id ID --local-key HEX --remote-id ID --remote-key HEX"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("local-id"),
                          QStringLiteral("Your stable identifier (E.164 phone number)."),
                          QStringLiteral("ID")});
             p.addOption({QStringLiteral("local-key"),
                          QStringLiteral("Your identity key: 33 bytes as 66 hex digits (05…)."),
                          QStringLiteral("HEX")});
             p.addOption({QStringLiteral("remote-id"),
                          QStringLiteral("The contact's stable identifier."),
                          QStringLiteral("ID")});
             p.addOption({QStringLiteral("remote-key"),
                          QStringLiteral("The contact's identity key (05…)."),
                          QStringLiteral("HEX")});
             p.addOption({QStringLiteral("qr-payload"),
                          QStringLiteral("Also print the scannable (QR) payload as hex.")});
         },
         runSafetyNumber},
        {QStringLiteral("phrase-check"),
         QStringLiteral(
             "Print the Session ID a recovery phrase restores, or what is wrong with it."),
         QStringLiteral("\"WORD WORD … (13 words)\""),
         [](QCommandLineParser& p) {
             p.addPositionalArgument(
                 QStringLiteral("words"),
                 QStringLiteral("The 13-word recovery phrase ('-' reads it from "
                                "standard input, keeping it out of `ps`)."),
                 QStringLiteral("WORDS…"));
         },
         runPhraseCheck, true},
    };
}

}  // namespace tandem::cli
