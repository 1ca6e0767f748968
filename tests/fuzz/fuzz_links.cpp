// libFuzzer target: any text as a pasted link (core::parseLink). Whatever it accepts keeps
// its promises: at most kMaxLinkChars; a contact link names an address of its mode (never a
// phone number) and formats back to a link that parses to the same contact; a network link
// names a relay or an onion network, and an onion network's key is the key that signed it.
// A refusal is a sentence, never empty.
// A mutated network link's signature never verifies, so what lies behind it (unpacking, the
// network's parser) would go unfuzzed: an input that starts with "N" is taken as a network
// link's config instead, signed here with a fixed key.
#include <cstdint>
#include <cstdlib>

#include <QString>

#include "app/core/Addresses.h"
#include "app/core/LinkCodec.h"
#include "app/core/Links.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tandem;
    static const bool ready = (fuzz::init(), true);
    (void)ready;
    QString text = QString::fromUtf8(reinterpret_cast<const char*>(data),  // NOLINT
                                     static_cast<qsizetype>(size));
    if (size > 0 && data[0] == 'N') {
        static const crypto::Ed25519KeyPair key =
            crypto::Ed25519KeyPair::fromSeed(fuzz::fixedSecret(7).span());
        const QByteArray config(reinterpret_cast<const char*>(data + 1),  // NOLINT
                                static_cast<qsizetype>(size - 1));
        const crypto::Bytes message = crypto::concat(
            {crypto::view("tandem network link v1"), key.publicKey, {data + 1, size - 1}});
        const crypto::Signature signature = key.sign(message);
        text = QStringLiteral("tandem://network/#key=") +
               QString::fromLatin1(
                   QByteArray(reinterpret_cast<const char*>(key.publicKey.data()), 32)  // NOLINT
                       .toHex()) +
               QStringLiteral("&config=") + core::toBase64Url(config) + QStringLiteral("&sig=") +
               core::toBase64Url(
                   QByteArray(reinterpret_cast<const char*>(signature.data()), 64));  // NOLINT
    }
    const auto link = core::parseLink(text);
    if (!link) {
        if (link.error().isEmpty()) {
            std::abort();
        }
        return 0;
    }
    if (text.size() > core::kMaxLinkChars) {
        std::abort();
    }
    if (const auto* contact = std::get_if<core::ContactLink>(&*link)) {
        if (core::modeOf(contact->address) != contact->mode || contact->address.startsWith(u'+')) {
            std::abort();
        }
        const auto again = core::formatContactLink(contact->address, contact->nameHint);
        if (!again) {
            std::abort();
        }
        const auto reparsed = core::parseContactLink(*again);
        if (!reparsed || reparsed->address != contact->address ||
            reparsed->nameHint != contact->nameHint || reparsed->mode != contact->mode) {
            std::abort();
        }
    } else if (const auto* network = std::get_if<core::NetworkLink>(&*link)) {
        const auto& config = network->config;
        if ((!config.relay && !config.onion) ||
            (config.onion && config.onion->networkKey != network->key) ||
            config.json.size() > core::kMaxLinkNetworkBytes) {
            std::abort();
        }
    }
    return 0;
}
