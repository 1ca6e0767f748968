// Avatars (docs/people.md): what the user picks is cut to its centre square and made small;
// what a contact's profile brings is checked before it is kept. Both are JPEG.
#pragma once

#include <QByteArray>
#include <QString>

#include <tandem/common/Expected.h>

namespace tandem::core::people {

inline constexpr int kAvatarPixels = 192;                          // a side, as made
inline constexpr int kMaxReceivedAvatarPixels = 512;               // a side, as accepted
inline constexpr qint64 kMaxAvatarSourceBytes = 20 * 1024 * 1024;  // the picked file

// The picked image (PNG, JPEG, WebP, GIF, BMP: anything Qt reads, at most
// kMaxAvatarSourceBytes and 16 384 px a side), cut to its centre square, scaled to
// kAvatarPixels and encoded as JPEG within crypto::kMaxProfileAvatarBytes; a sentence if it is
// not an image.
Expected<QByteArray, QString> makeAvatar(const QByteArray& image);
Expected<QByteArray, QString> makeAvatarFromFile(const QString& path);
// A contact's avatar as their profile gave it: a JPEG within the byte limit whose header says
// at most kMaxReceivedAvatarPixels a side. Only the header is read here.
bool isAcceptableAvatar(const QByteArray& jpeg);

}  // namespace tandem::core::people
