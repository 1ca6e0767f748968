// The byte encodings links use, each read strictly: base64url without padding (one spelling
// per byte string: what does not encode back to the very text is refused), percent-encoding
// (unreserved ASCII and %XX only), and raw deflate unpacked into a bounded buffer.
#pragma once

#include <optional>

#include <QByteArray>
#include <QString>
#include <QStringView>

#include <tandem/common/Expected.h>

namespace tandem::core {

QString toBase64Url(const QByteArray& bytes);
std::optional<QByteArray> fromBase64Url(QStringView text);

// RFC 3986 unreserved characters as they are, %XX (either case) for a byte; nothing else.
std::optional<QByteArray> percentDecode(QStringView text);

// Raw deflate (no zlib header: the link's signature already guards it), best compression.
QByteArray deflateBytes(const QByteArray& bytes);
// The bytes `compressed` unpacks to, refused with a sentence if it is not one whole raw
// deflate stream, has bytes after its end, or unpacks to more than `maxBytes`.
Expected<QByteArray, QString> inflateBounded(const QByteArray& compressed, qsizetype maxBytes);

}  // namespace tandem::core
