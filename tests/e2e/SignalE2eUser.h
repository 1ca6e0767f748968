// What the Signal end-to-end tests share: a SignalUser that can also count what its store
// holds and read a conversation back, and a relay's network configuration.
#pragma once

#include <cstdint>

#include <QString>
#include <QStringList>

#include "app/core/NetworkConfig.h"
#include "storage/Types.h"
#include "tests/support/Daemons.h"
#include "tests/support/SignalUser.h"

namespace tandem::test {

struct SignalE2eUser : SignalUser {
    using SignalUser::SignalUser;

    // The bodies of the newest 100 messages with `with` (a number or aci:…), oldest first.
    QStringList history(const QString& with);
    // Messages stored in one direction, and with one status.
    std::int64_t count(storage::Direction direction);
    std::int64_t countWithStatus(storage::MessageStatus status);
};

// The configuration of a client of `relay`, its network.json written to `path`.
core::NetworkConfig networkOf(const RelayProcess& relay, const QString& path);

}  // namespace tandem::test
