#include "storage/Types.h"

#include <algorithm>
#include <sodium.h>

namespace tandem::storage {

MessageUid MessageUid::random() {
    MessageUid uid;
    randombytes_buf(uid.bytes.data(), uid.bytes.size());
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

}  // namespace tandem::storage
