#include "app/core/Addresses.h"

#include <QCoreApplication>

#include "crypto/session/SessionKeys.h"
#include "transport/relay/Address.h"

namespace tandem::core {

std::optional<storage::Mode> modeOf(const QString& address) {
    if (relay::isRelayAddress(address)) {
        return storage::Mode::Signal;
    }
    if (const auto key = crypto::session::parseSessionId(address);
        key && crypto::session::isUsableKey(*key)) {
        return storage::Mode::Session;
    }
    return std::nullopt;
}

std::optional<QString> unusableSessionId(const QString& address) {
    if (const auto key = crypto::session::parseSessionId(address);
        key && !crypto::session::isUsableKey(*key)) {
        return QCoreApplication::translate(
            "Addresses",
            "this Session ID cannot receive messages: its key is one nobody holds (a key of "
            "small order, such as all zeros), so anyone could read what is sent to it");
    }
    return std::nullopt;
}

QString addressKind(storage::Mode mode) {
    return mode == storage::Mode::Signal
               ? QCoreApplication::translate("Addresses", "phone number (+E.164)")
               : QStringLiteral("Session ID");
}

QString noAccountHint(storage::Mode mode) {
    return mode == storage::Mode::Signal
               ? QCoreApplication::translate(
                     "Addresses", "this profile has no Signal account (tandemctl init signal)")
               : QCoreApplication::translate(
                     "Addresses", "this profile has no Session ID (tandemctl init session)");
}

}  // namespace tandem::core
