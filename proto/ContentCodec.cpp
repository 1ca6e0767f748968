#include "proto/ContentCodec.h"

namespace tandem::proto {

QByteArray encodeContent(const Content& content) {
    QByteArray out(static_cast<qsizetype>(content.ByteSizeLong()), Qt::Uninitialized);
    content.SerializeToArray(out.data(), static_cast<int>(out.size()));
    return out;
}

Expected<Content, QString> decodeContent(const QByteArray& bytes) {
    if (bytes.size() > kMaxContentBytes) {
        return unexpected(QStringLiteral("message content is too large (%1 bytes; the limit is %2)")
                              .arg(bytes.size())
                              .arg(kMaxContentBytes));
    }
    Content content;
    if (!content.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size()))) {
        return unexpected(QStringLiteral("message content is malformed"));
    }
    if (content.uid().size() != kUidBytes) {
        return unexpected(QStringLiteral("message content has no valid id"));
    }
    if (content.body_case() == Content::BODY_NOT_SET) {
        return unexpected(QStringLiteral("message content is empty"));
    }
    return content;
}

}  // namespace tandem::proto
