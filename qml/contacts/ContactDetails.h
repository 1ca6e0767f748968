// What the contact-details panel shows, computed on the storage thread: the safety number of
// this profile's identity and the contact's (Signal's numeric fingerprint, 60 digits, in both
// modes — the stable id being the number or the Session ID), its QR code, and whether the
// contact is verified or their identity key changed since.
#pragma once

#include <QImage>
#include <QString>

#include "storage/Repositories.h"

namespace tandem::gui {

struct ContactDetails {
    qint64 conversationId = 0;
    qint64 contactId = 0;
    QString title;
    QString address;
    QString safetyNumber;  // 12 groups of 5 digits; empty until their identity key is known
    QImage qr;             // the scannable form
    QString verification;  // "default", "verified", "unverified" (verified, then it changed)
    bool identityChanged = false;
    bool request = false;  // a message request, not accepted yet (docs/people.md)
    bool blocked = false;
    QString avatar;  // their profile picture, round (a data: URL), or ""
};

storage::StoreResult<ContactDetails> loadContactDetails(storage::Repositories& r,
                                                        qint64 conversationId);

// A QR code of `payload` (core::QrCode), `scale` pixels a module, with the quiet zone; a null
// image if it cannot hold the bytes.
QImage qrImage(const QByteArray& payload, int scale = 6);

}  // namespace tandem::gui
