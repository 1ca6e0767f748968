// ContentCodec: the one place that turns Content into bytes and back. Decoding is bounded
// (kMaxContentBytes) and checks what protobuf cannot (uid length), so callers get either
// a well-formed Content or a reason.
#pragma once

#include <QByteArray>
#include <QString>

#include <tandem/common/Expected.h>

#include "tandem/content.pb.h"

namespace tandem::proto {

inline constexpr qsizetype kMaxContentBytes = 256 * 1024;
inline constexpr int kUidBytes = 16;

QByteArray encodeContent(const Content& content);
Expected<Content, QString> decodeContent(const QByteArray& bytes);

}  // namespace tandem::proto
