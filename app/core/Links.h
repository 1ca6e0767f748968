// Links: every tandem:// link, read by one strict parser and written by its formatters
// (docs/links.md). A link is data from someone else: parseLink() accepts exactly the forms
// below and refuses anything else with a sentence saying what is wrong.
//   tandem://network/#key=<64 hex>&config=<base64url>&sig=<base64url>
//       A network.json, compact and deflated, signed with the network's Ed25519 key `key`
//       (the key that signs the onion network's node directory). The signature covers
//       "tandem network link v1" ‖ key ‖ config bytes; when the network has an onion part, its
//       network key must be `key`. It proves the link is whole and unaltered as the holder of
//       that key made it, not who that is: that comes from the channel the link arrived by,
//       or from comparing the key's fingerprint.
//   tandem://contact/#id=<aci:32 hex | 05 + 64 hex>[&name=<percent-encoded UTF-8>]
//       Someone to write to: a Signal-mode account id (never a phone number) or a Session ID,
//       and the name its owner suggests (untrusted: offered as a suggestion, never shown as
//       who they are).
//   tandem://stickers/#pack_id=…&pack_key=…   (crypto/Stickers.h reads it)
// Fields are name=value pairs after "#" (the fragment, which no server is sent), each known
// to the kind and given once, in any order. Surrounding white space (a pasted line end) is
// ignored; nothing inside the link is.
#pragma once

#include <variant>

#include <QByteArray>
#include <QString>

#include <tandem/common/Expected.h>

#include "app/core/NetworkConfig.h"
#include "crypto/Primitives.h"
#include "crypto/Stickers.h"
#include "storage/Types.h"

namespace tandem::core {

// The longest link read: a default local network's link is about 1.6 KiB; a QR code holds
// at most 2 953 bytes.
inline constexpr qsizetype kMaxLinkChars = 8 * 1024;
// The longest network.json a network link may unpack to (a deflate stream can expand a
// thousandfold: this bounds the work an 8 KiB link can cause).
inline constexpr qsizetype kMaxLinkNetworkBytes = 64 * 1024;

struct NetworkLink {
    NetworkConfig config;     // as NetworkConfig::parse reads the network.json it carries
    crypto::PublicKey key{};  // the network key that signed the link
};

struct ContactLink {
    storage::Mode mode = storage::Mode::Signal;
    QString address;   // "aci:…" or a Session ID, as the core stores addresses
    QString nameHint;  // empty when the link suggests none; untrusted
};

struct StickerLink {
    crypto::StickerPackSecret pack;
};

using Link = std::variant<NetworkLink, ContactLink, StickerLink>;

// Whether `text` (trimmed) is meant as a Tandem link, well-formed or not: it starts with
// "tandem://" in any case. For deciding which parser to call on pasted text.
bool looksLikeLink(const QString& text);

Expected<Link, QString> parseLink(const QString& text);
// The same, for callers that accept one kind only: another kind is refused by name.
Expected<NetworkLink, QString> parseNetworkLink(const QString& text);
Expected<ContactLink, QString> parseContactLink(const QString& text);

// "network", "contact", "stickers".
QString linkKindName(const Link& link);

// The link of a network.json (the bytes of a network file), signed with the network key.
// Refused if the JSON is not a network NetworkConfig::parse accepts, if its onion network
// key is not `networkKey`'s, or if the link would be longer than kMaxLinkChars.
Expected<QString, QString> formatNetworkLink(const QByteArray& networkJson,
                                             const crypto::Ed25519KeyPair& networkKey);
// The link to write to `address` (an account id or a Session ID: never a phone number), with
// the name `nameHint` suggested if not empty (a name ConversationService::validateName takes).
Expected<QString, QString> formatContactLink(const QString& address, const QString& nameHint = {});

// A network key as people compare it: its 64 hex digits in 8 groups of 8.
QString keyFingerprint(const crypto::PublicKey& key);

}  // namespace tandem::core
