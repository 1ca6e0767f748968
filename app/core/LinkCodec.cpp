#include "app/core/LinkCodec.h"

#include <zlib.h>

namespace tandem::core {

namespace {

constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
constexpr int kRawDeflateWindowBits = -15;

bool isBase64UrlChar(char16_t c) {
    return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') ||
           c == u'-' || c == u'_';
}

bool isUnreserved(char16_t c) {
    return isBase64UrlChar(c) || c == u'.' || c == u'~';
}

int hexValue(char16_t c) {
    if (c >= u'0' && c <= u'9') {
        return c - u'0';
    }
    if (c >= u'a' && c <= u'f') {
        return c - u'a' + 10;
    }
    if (c >= u'A' && c <= u'F') {
        return c - u'A' + 10;
    }
    return -1;
}

}  // namespace

QString toBase64Url(const QByteArray& bytes) {
    return QString::fromLatin1(bytes.toBase64(kBase64Url));
}

std::optional<QByteArray> fromBase64Url(QStringView text) {
    if (!std::all_of(text.begin(), text.end(),
                     [](QChar c) { return isBase64UrlChar(c.unicode()); })) {
        return std::nullopt;
    }
    const QByteArray latin1 = text.toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(
        latin1, kBase64Url | QByteArray::AbortOnBase64DecodingErrors);
    // A final character whose unused bits are not zero decodes too: not the one spelling.
    if (!decoded || decoded.decoded.toBase64(kBase64Url) != latin1) {
        return std::nullopt;
    }
    return std::move(decoded.decoded);
}

std::optional<QByteArray> percentDecode(QStringView text) {
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (isUnreserved(c)) {
            out.append(static_cast<char>(c));
            continue;
        }
        if (c != u'%' || i + 2 >= text.size()) {
            return std::nullopt;
        }
        const int high = hexValue(text[i + 1].unicode());
        const int low = hexValue(text[i + 2].unicode());
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        out.append(static_cast<char>(high * 16 + low));
        i += 2;
    }
    return out;
}

QByteArray deflateBytes(const QByteArray& bytes) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, kRawDeflateWindowBits, 9,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        return {};
    }
    QByteArray out(static_cast<qsizetype>(deflateBound(&stream, static_cast<uLong>(bytes.size()))),
                   Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.constData()));  // NOLINT
    stream.avail_in = static_cast<uInt>(bytes.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());  // NOLINT
    stream.avail_out = static_cast<uInt>(out.size());
    const int result = deflate(&stream, Z_FINISH);
    out.resize(static_cast<qsizetype>(stream.total_out));
    deflateEnd(&stream);
    return result == Z_STREAM_END ? out : QByteArray();
}

Expected<QByteArray, QString> inflateBounded(const QByteArray& compressed, qsizetype maxBytes) {
    z_stream stream{};
    if (inflateInit2(&stream, kRawDeflateWindowBits) != Z_OK) {
        return unexpected(QStringLiteral("cannot unpack it (zlib would not start)"));
    }
    // One byte more than allowed: filling it means the stream is too long.
    QByteArray out(maxBytes + 1, Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.constData()));  // NOLINT
    stream.avail_in = static_cast<uInt>(compressed.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());  // NOLINT
    stream.avail_out = static_cast<uInt>(out.size());
    const int result = inflate(&stream, Z_FINISH);
    const auto produced = static_cast<qsizetype>(stream.total_out);
    const uInt left = stream.avail_in;
    inflateEnd(&stream);
    if (produced > maxBytes) {
        return unexpected(QStringLiteral("it unpacks to more than %1 KiB").arg(maxBytes / 1024));
    }
    if (result != Z_STREAM_END) {
        return unexpected(result == Z_BUF_ERROR
                              ? QStringLiteral("its compressed data is cut short")
                              : QStringLiteral("its compressed data is not valid deflate data"));
    }
    if (left != 0) {
        return unexpected(QStringLiteral("its compressed data has bytes after its end"));
    }
    out.resize(produced);
    return out;
}

}  // namespace tandem::core
