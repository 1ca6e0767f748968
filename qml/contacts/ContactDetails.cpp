#include "qml/contacts/ContactDetails.h"

#include "app/core/QrCode.h"
#include "app/core/SafetyNumbers.h"
#include "qml/core/AvatarPicture.h"

namespace tandem::gui {

using namespace tandem::storage;

QImage qrImage(const QByteArray& payload, int scale) {
    const auto code = core::QrCode::encode(payload);
    return code ? code->toImage(scale) : QImage();
}

StoreResult<ContactDetails> loadContactDetails(Repositories& r, qint64 conversationId) {
    ContactDetails out;
    out.conversationId = conversationId;
    TANDEM_TRY_ASSIGN(const auto safety, core::conversationSafety(r, conversationId));
    if (!safety) {
        return out;  // Note to Self
    }
    out.contactId = safety->contact.id;
    out.address = safety->contact.address;
    out.title = safety->title;
    out.verification = core::verificationName(safety->contact.verification);
    out.identityChanged = safety->identityChanged();
    out.request = !safety->contact.accepted;
    out.blocked = safety->contact.blocked;
    if (safety->contact.hasAvatar) {
        // A picture that cannot be read is no picture, not a failed panel.
        const auto jpeg = r.contacts.avatar(safety->contact.id);
        out.avatar = jpeg ? roundAvatarUrl(*jpeg, 112) : QString();
    }
    if (safety->number) {
        out.safetyNumber = safety->number->grouped();
        out.qr = qrImage(QByteArray(reinterpret_cast<const char*>(safety->number->scannable.data()),
                                    static_cast<qsizetype>(safety->number->scannable.size())));
    }
    return out;
}

}  // namespace tandem::gui
