#include "qml/contacts/ContactDetails.h"

#include <QPainter>
#include <qrencode.h>

#include "app/core/SafetyNumbers.h"
#include "qml/core/AvatarPicture.h"

namespace tandem::gui {

using namespace tandem::storage;

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
        TANDEM_TRY_ASSIGN(const QByteArray jpeg, r.contacts.avatar(safety->contact.id));
        out.avatar = roundAvatarUrl(jpeg, 160);
    }
    if (safety->number) {
        out.safetyNumber = safety->number->grouped();
        out.qr = qrImage(QByteArray(reinterpret_cast<const char*>(safety->number->scannable.data()),
                                    static_cast<qsizetype>(safety->number->scannable.size())));
    }
    return out;
}

}  // namespace tandem::gui
