// Helpers of the tests that run tandem-relayd front-ends over one real redis-server
// (tst_relay_redis, tst_relay_redis_accounts): front-ends sharing one relay key, a send retried
// while Redis is away, what Redis' mailboxes hold, and acknowledging what a client got.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include "tests/relay/RedisTestServer.h"
#include "tests/relay/RelayTestClient.h"
#include "tests/support/Daemons.h"

namespace tandem::test {

using proto::relay::Error;

// Three relays with one key (the relay identity clients pin) over `redis`.
struct FrontEnds {
    std::vector<std::unique_ptr<RelayProcess>> relays;

    bool start(const RedisTestServer& redis, int count,
               const QString& verify = QStringLiteral("none")) {
        return start(redis.url(), count, verify);
    }
    // Over the store `url` (redis:// or redis-cluster://), with more options for each.
    bool start(const QString& url, int count, const QString& verify,
               const QStringList& extra = {}) {
        for (int i = 0; i < count; ++i) {
            auto relay = std::make_unique<RelayProcess>(verify);
            relay->setExtraArguments(QStringList{QStringLiteral("--store"), url} + extra);
            if (i > 0) {  // the first one made the key: the others share it
                QDir().mkpath(relay->dataDir());
                if (!QFile::copy(relays[0]->dataDir() + QStringLiteral("/relay.key"),
                                 relay->dataDir() + QStringLiteral("/relay.key"))) {
                    return false;
                }
            }
            if (!relay->start()) {
                return false;
            }
            relays.push_back(std::move(relay));
        }
        return relays.front()->key() == relays.back()->key();
    }
    RelayEndpoint operator[](std::size_t i) const { return relays[i]->endpoint(); }
};

// Sends `envelope` until the relay accepts it (UNAVAILABLE while Redis is away is retried,
// as RelayTransport's outbox does); false after `ms`.
inline bool sendAccepted(Client& c, const Account& to, const std::string& envelope,
                         int ms = 15000) {
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ms) {
        auto reply = test::await(c.connection->request(sendFrame(to, envelope)));
        if (reply && reply->has_accepted()) {
            return true;
        }
        if (reply && reply->error().code() != Error::UNAVAILABLE) {
            qWarning() << "refused:" << reply->error().message().c_str();
            return false;
        }
        QTest::qWait(100);
    }
    return false;
}

// Envelopes queued in all of Redis' mailboxes (-1 when Redis does not answer).
inline long long queuedInAll(const RedisTestServer& redis) {
    const QByteArray reply =
        redis.command({"EVAL",
                       "local t = 0 for _, k in ipairs(redis.call('KEYS', 'mq:*')) do "
                       "t = t + redis.call('ZCARD', k) end return t",
                       "0"});
    bool ok = false;
    const long long n = reply.startsWith(':') ? reply.mid(1).trimmed().toLongLong(&ok) : -1;
    return ok ? n : -1;
}

inline void acknowledge(Client& c, std::size_t from) {
    ClientFrame ack;
    for (std::size_t i = from; i < c.delivered.size(); ++i) {
        ack.mutable_ack()->add_ids(c.delivered[i].id());
    }
    if (ack.ack().ids_size() > 0) {
        c.connection->post(ack);
    }
}

}  // namespace tandem::test
