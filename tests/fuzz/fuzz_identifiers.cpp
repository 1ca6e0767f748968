// libFuzzer target: the identifier parsers (phone numbers, account ids, Session IDs, hex) and
// the registration lock's PIN rules.
// What is accepted is exactly what is written: formatting the parsed value gives back the
// input, character for character (so no whitespace, newline or lookalike digit gets through),
// and no input is two kinds of identifier at once.
#include <cstdlib>

#include <QList>
#include <QString>

#include <tandem/common/Ascii.h>

#include "crypto/session/SessionKeys.h"
#include "crypto/signal/RegistrationLock.h"
#include "tests/fuzz/FuzzSupport.h"
#include "transport/relay/Address.h"

using namespace tandem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 256) {
        return 0;
    }
    fuzz::init();
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data),  // NOLINT
                                           static_cast<qsizetype>(size));
    const bool phone = relay::isE164(text);
    const auto aci = relay::parseAciAddress(text);
    const auto session = crypto::session::parseSessionId(text);
    if (int(phone) + int(aci.has_value()) + int(session.has_value()) > 1) {
        std::abort();
    }
    if (phone) {
        if (text.size() < 8 || text.size() > 16 || text[0] != u'+' || text[1] == u'0') {
            std::abort();
        }
        for (qsizetype i = 1; i < text.size(); ++i) {
            if (!isAsciiDigit(text[i].unicode())) {
                std::abort();
            }
        }
    }
    if (aci && relay::aciAddress(*aci) != text) {
        std::abort();
    }
    if (session && crypto::session::sessionIdOf(*session) != text) {
        std::abort();
    }
    if (!session && session.error().message.isEmpty()) {
        std::abort();
    }
    if (const auto bytes = parseLowerHex(text, text.size() / 2);
        bytes && QString::fromLatin1(bytes->toHex()) != text) {
        std::abort();
    }
    // A registration lock PIN: one that is accepted has 4 to 64 characters (code points, so
    // a broken surrogate pair cannot shorten or lengthen it) and is not one repeated.
    if (!crypto::signal::pinProblem(text)) {
        const QList<uint> points = text.toUcs4();
        if (points.size() < crypto::signal::kMinPinLength ||
            points.size() > crypto::signal::kMaxPinLength ||
            points.count(points.front()) == points.size()) {
            std::abort();
        }
    }
    // What a person types is trimmed and lowercased before it is parsed (the front ends, and
    // tandemctl's safety-number keys): that may fold case and drop outer whitespace, but
    // never turn another script's character into an ASCII one (toLower maps U+212A to 'k').
    const QString typed = text.trimmed();
    const QString folded = typed.toLower();
    if (relay::isRelayAddress(folded) || crypto::session::parseSessionId(folded) ||
        parseLowerHex(folded, folded.size() / 2)) {
        for (const QChar c : typed) {
            if (c.unicode() <= u' ' || c.unicode() >= 0x7f) {
                std::abort();
            }
        }
    }
    return 0;
}
