// A profile's avatar (a small JPEG, checked by core::people::isAcceptableAvatar) as the views
// show it: cut to a circle at `pixels` a side and handed to QML as a PNG data: URL, so an
// Image shows it round without a shader. Decoding is bounded by the avatar's own limits
// (kMaxReceivedAvatarPixels); call it off the GUI thread.
#pragma once

#include <QByteArray>
#include <QString>

namespace tandem::gui {

// "" when `jpeg` is empty or not a picture.
QString roundAvatarUrl(const QByteArray& jpeg, int pixels = 96);

}  // namespace tandem::gui
