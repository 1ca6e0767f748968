// Accounts for the Redis Cluster tests (tst_relay_redis_cluster, tst_relay_redis_failover):
// numbers, and accounts registered until they live on distinct primaries.
#pragma once

#include <deque>
#include <map>
#include <vector>

#include "tests/relay/RedisFrontEnds.h"
#include "tests/relay/RedisTestCluster.h"
#include "tests/relay/RelayTestClient.h"

namespace tandem::test {

inline QString phone(int i) {
    return QStringLiteral("+49151000%1").arg(i, 5, 10, QLatin1Char('0'));
}

// Registers accounts (through the front-ends in turn) until `want` of them live on `want`
// different primaries (acis are random, so their slots are); their indexes in `accounts`.
inline std::vector<std::size_t> accountsOnDistinctShards(const FrontEnds& fe,
                                                         const RedisTestCluster& cluster,
                                                         std::deque<Account>& accounts, int want) {
    std::map<int, std::size_t> byPrimary;
    for (int i = 0; i < 40 && static_cast<int>(byPrimary.size()) < want; ++i) {
        accounts.push_back(Account{phone(static_cast<int>(accounts.size()) + 1)});
        Client c(fe[accounts.size() % fe.relays.size()]);
        if (!c.call(registerFrame(accounts.back())).has_registered()) {
            return {};
        }
        const int primary = cluster.primaryOf(cluster.slotOfAccount(accounts.back().phone));
        byPrimary.emplace(primary, accounts.size() - 1);
    }
    std::vector<std::size_t> out;
    for (const auto& [primary, index] : byPrimary) {
        out.push_back(index);
    }
    return out;
}

}  // namespace tandem::test
