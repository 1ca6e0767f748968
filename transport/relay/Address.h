// Relay addresses. An account is reached by its phone number ("+E164", for people who know it)
// or by its account id ("aci:" + 32 lowercase hex digits): a random 16-byte id the relay
// assigns at first registration. Sender certificates always carry the id and carry the number
// only if its owner chose to share it, so a contact who was written to first replies to the id
// and never learns the number.
#pragma once

#include <cstddef>
#include <optional>

#include <QByteArray>
#include <QString>

namespace tandem::relay {

inline constexpr int kAciBytes = 16;
// A sealed sender presents the recipient's access key (docs/relay.md), of this many bytes.
inline constexpr std::size_t kAccessKeyBytes = 16;

// "+" then 7 to 15 ASCII digits, the first not 0 (ITU-T E.164), and nothing else: no space,
// no final newline, no other script's digits. Every parser here is exact (Ascii.h).
bool isE164(const QString& phone);

QString aciAddress(const QByteArray& aci);
// The 16 bytes of an "aci:…" address; nullopt for anything else.
std::optional<QByteArray> parseAciAddress(const QString& address);
// Either form.
bool isRelayAddress(const QString& address);

}  // namespace tandem::relay
