#include "storage/Types.h"

#include <algorithm>
#include <sodium.h>

namespace tandem::storage {

MessageUid MessageUid::random() {
    MessageUid uid;
    randombytes_buf(uid.bytes.data(), uid.bytes.size());
    return uid;
}

MessageUid MessageUid::generate(std::int64_t nowMs) {
    MessageUid uid;
    const auto ms = static_cast<std::uint64_t>(nowMs);
    for (int i = 0; i < 6; ++i) {
        uid.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
    }
    randombytes_buf(uid.bytes.data() + 6, uid.bytes.size() - 6);
    return uid;
}

std::optional<MessageUid> MessageUid::fromBytes(const QByteArray& raw) {
    MessageUid uid;
    if (raw.size() != static_cast<qsizetype>(uid.bytes.size())) {
        return std::nullopt;
    }
    std::copy(raw.begin(), raw.end(), uid.bytes.begin());
    return uid;
}

QByteArray MessageUid::toByteArray() const {
    return {reinterpret_cast<const char*>(bytes.data()),  // NOLINT
            static_cast<qsizetype>(bytes.size())};
}

QString MessageUid::toHex() const {
    return QString::fromLatin1(toByteArray().toHex());
}

QString modeName(Mode mode) {
    return mode == Mode::Signal ? QStringLiteral("Signal") : QStringLiteral("Session");
}

QString statusName(MessageStatus status) {
    switch (status) {
        case MessageStatus::Pending:
            return QStringLiteral("pending");
        case MessageStatus::Sent:
            return QStringLiteral("sent");
        case MessageStatus::Delivered:
            return QStringLiteral("delivered");
        case MessageStatus::Read:
            return QStringLiteral("read");
        case MessageStatus::Failed:
            return QStringLiteral("failed");
        case MessageStatus::Received:
            return QStringLiteral("received");
    }
    return QStringLiteral("unknown");
}

}  // namespace tandem::storage
