#include "transport/relay/Address.h"

#include <QRegularExpression>

namespace tandem::relay {

namespace {
constexpr QLatin1StringView kAciPrefix("aci:");
}

bool isE164(const QString& phone) {
    static const QRegularExpression e164(QStringLiteral("^\\+[1-9][0-9]{6,14}$"));
    return e164.match(phone).hasMatch();
}

QString aciAddress(const QByteArray& aci) {
    return kAciPrefix + QString::fromLatin1(aci.toHex());
}

std::optional<QByteArray> parseAciAddress(const QString& address) {
    static const QRegularExpression form(QStringLiteral("^aci:[0-9a-f]{32}$"));
    if (!form.match(address).hasMatch()) {
        return std::nullopt;
    }
    return QByteArray::fromHex(address.mid(kAciPrefix.size()).toLatin1());
}

bool isRelayAddress(const QString& address) {
    return isE164(address) || parseAciAddress(address).has_value();
}

}  // namespace tandem::relay
