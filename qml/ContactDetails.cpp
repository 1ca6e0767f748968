#include "qml/ContactDetails.h"

#include <QPainter>
#include <qrencode.h>

#include "crypto/signal/SafetyNumber.h"

namespace tandem::gui {

using namespace tandem::storage;

namespace {

std::optional<crypto::signal::SerializedKey> serializedIdentity(const QByteArray& ed25519) {
    if (ed25519.size() != 32) {
        return std::nullopt;
    }
    crypto::PublicKey key{};
    std::copy(ed25519.begin(), ed25519.end(), key.begin());
    const auto x25519 = crypto::ed25519ToX25519(key);
    if (!x25519) {
        return std::nullopt;
    }
    return crypto::signal::serializeKey(*x25519);
}

}  // namespace

QImage qrImage(const QByteArray& payload, int scale) {
    QRcode* code = QRcode_encodeData(static_cast<int>(payload.size()),
                                     reinterpret_cast<const unsigned char*>(payload.constData()), 0,
                                     QR_ECLEVEL_M);
    if (code == nullptr) {
        return {};
    }
    constexpr int kQuiet = 4;
    const int side = (code->width + 2 * kQuiet) * scale;
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    for (int y = 0; y < code->width; ++y) {
        for (int x = 0; x < code->width; ++x) {
            if ((code->data[y * code->width + x] & 1) != 0) {
                painter.fillRect((x + kQuiet) * scale, (y + kQuiet) * scale, scale, scale,
                                 Qt::black);
            }
        }
    }
    painter.end();
    QRcode_free(code);
    return image;
}

StoreResult<ContactDetails> loadContactDetails(Repositories& r, qint64 conversationId) {
    ContactDetails out;
    out.conversationId = conversationId;
    TANDEM_TRY_ASSIGN(const Conversation conversation, r.conversations.get(conversationId));
    if (!conversation.contactId || !conversation.mode) {
        return out;  // Note to Self
    }
    TANDEM_TRY_ASSIGN(const Contact contact, r.contacts.get(*conversation.contactId));
    out.contactId = contact.id;
    out.address = contact.address;
    out.title = contact.displayName.isEmpty() ? contact.address : contact.displayName;
    out.verification = contact.verification == Verification::Verified     ? "verified"
                       : contact.verification == Verification::Unverified ? "unverified"
                                                                          : "default";
    out.identityChanged = contact.identityChangedAt.has_value();
    TANDEM_TRY_ASSIGN(const auto me, r.accounts.get(*conversation.mode));
    const auto mine = me ? serializedIdentity(me->identityPublic) : std::nullopt;
    const auto theirs = serializedIdentity(contact.identityKey);
    if (mine && theirs) {
        // The stable ids: numbers in Signal mode (an "aci:" contact has no number to show),
        // Session IDs in Session mode.
        const auto number =
            crypto::signal::safetyNumber(me->address, *mine, contact.address, *theirs);
        if (number) {
            out.safetyNumber = number->grouped();
            out.qr = qrImage(QByteArray(reinterpret_cast<const char*>(number->scannable.data()),
                                        static_cast<qsizetype>(number->scannable.size())));
        }
    }
    return out;
}

}  // namespace tandem::gui
