#include "transport/relay/Address.h"

#include <tandem/common/Ascii.h>

namespace tandem::relay {

namespace {
constexpr QLatin1StringView kAciPrefix("aci:");
constexpr qsizetype kMinE164 = 1 + 7;   // "+" and 7 digits
constexpr qsizetype kMaxE164 = 1 + 15;  // "+" and 15 digits
}  // namespace

bool isE164(const QString& phone) {
    if (phone.size() < kMinE164 || phone.size() > kMaxE164 || phone[0] != u'+' ||
        phone[1] == u'0') {
        return false;
    }
    for (qsizetype i = 1; i < phone.size(); ++i) {
        if (!isAsciiDigit(phone[i].unicode())) {
            return false;
        }
    }
    return true;
}

QString aciAddress(const QByteArray& aci) {
    return kAciPrefix + QString::fromLatin1(aci.toHex());
}

std::optional<QByteArray> parseAciAddress(const QString& address) {
    if (!address.startsWith(kAciPrefix)) {
        return std::nullopt;
    }
    return parseLowerHex(QStringView(address).mid(kAciPrefix.size()), kAciBytes);
}

bool isRelayAddress(const QString& address) {
    return isE164(address) || parseAciAddress(address).has_value();
}

}  // namespace tandem::relay
