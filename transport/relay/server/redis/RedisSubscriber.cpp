#include "transport/relay/server/redis/RedisSubscriber.h"

#include <hiredis/hiredis.h>

#include "transport/Transport.h"

namespace tandem::relay {

namespace {
constexpr std::chrono::milliseconds kMapTimeout{2000};
}

RedisSubscriber::RedisSubscriber(std::vector<RedisAddress> servers, bool cluster, QObject* parent)
    : QObject(parent), servers_(std::move(servers)), cluster_(cluster) {
    reconnect_.setInterval(kReconnectMs);
    reconnect_.setSingleShot(true);
    connect(&reconnect_, &QTimer::timeout, this, &RedisSubscriber::resubscribe);
    ping_.setInterval(kPingMs);
    connect(&ping_, &QTimer::timeout, this, [this] {
        std::vector<Link*> silent;
        std::vector<Link*> alive;
        for (auto& [name, link] : links_) {
            (link->heard.elapsed() > kSilenceMs ? silent : alive).push_back(link.get());
        }
        for (Link* link : silent) {
            lost(link, QStringLiteral("Redis did not answer a PING"));
        }
        for (Link* link : alive) {
            const QString name = link->name;
            if (links_.count(name) > 0) {  // a failed send drops a link
                send(*link, {QByteArrayLiteral("PING")});
            }
        }
    });
}

RedisSubscriber::~RedisSubscriber() {
    for (auto& [name, link] : links_) {
        link->notifier.reset();
    }
}

bool RedisSubscriber::start(QString* error) {
    ping_.start();
    if (cluster_) {
        // Links are opened as channels need them: here the cluster must answer.
        return readMap(error);
    }
    if (open(QString(), {}) == nullptr) {
        *error = lastError_;
        return false;
    }
    return true;
}

bool RedisSubscriber::readMap(QString* error) {
    // Nodes we hold a live connection to first (each one tried may cost a connect timeout on
    // the event loop), then the map's primaries, then the seeds.
    std::vector<RedisAddress> nodes;
    for (const auto& [name, link] : links_) {
        nodes.push_back(link->client->servers().front());
    }
    if (!map_.empty()) {
        const auto primaries = map_.primaries();
        nodes.insert(nodes.end(), primaries.begin(), primaries.end());
    }
    nodes.insert(nodes.end(), servers_.begin(), servers_.end());
    if (!map_.read(nodes, kMapTimeout, error)) {
        return false;
    }
    mapStale_ = false;
    return true;
}

RedisSubscriber::Link* RedisSubscriber::open(const QString& name, const RedisAddress& address) {
    auto link = std::make_unique<Link>();
    link->name = name;
    link->client =
        std::make_unique<RedisClient>(cluster_ ? std::vector<RedisAddress>{address} : servers_);
    if (!link->client->connect()) {
        lastError_ = link->client->lastError();
        return nullptr;
    }
    (void)redisEnableKeepAlive(link->client->context());
    link->heard.start();
    link->notifier = std::make_unique<QSocketNotifier>(link->client->fd(), QSocketNotifier::Read);
    Link* raw = link.get();
    connect(link->notifier.get(), &QSocketNotifier::activated, this,
            [this, raw] { onReadable(raw); });
    links_[name] = std::move(link);
    return raw;
}

RedisSubscriber::Link* RedisSubscriber::linkFor(const QByteArray& channel,
                                                std::set<QString>* unreachable) {
    RedisAddress address;
    QString name;
    if (cluster_) {
        if (map_.empty()) {
            return nullptr;
        }
        address = map_.primaryOf(RedisSlotMap::keySlot(channel));
        name = RedisSlotMap::nodeName(address);
    }
    const auto it = links_.find(name);
    if (it != links_.end()) {
        return it->second.get();
    }
    if (unreachable != nullptr && unreachable->count(name) > 0) {
        return nullptr;  // one attempt per node and pass: each may cost a connect timeout
    }
    Link* link = open(name, address);
    if (link == nullptr && unreachable != nullptr) {
        unreachable->insert(name);
    }
    return link;
}

void RedisSubscriber::send(Link& link, const RedisCommand& command) {
    redisContext* c = link.client->context();
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const QByteArray& a : command) {
        argv.push_back(a.constData());
        lengths.push_back(static_cast<std::size_t>(a.size()));
    }
    redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data());
    int done = 0;
    while (done == 0) {  // a few bytes on a blocking socket with a timeout
        if (redisBufferWrite(c, &done) != REDIS_OK) {
            lost(&link, QString::fromUtf8(c->errstr));  // `link` is gone
            return;
        }
    }
}

void RedisSubscriber::subscribe(const QByteArray& channel) {
    if (!wanted_.insert(channel).second || reconnect_.isActive()) {
        return;  // subscribed by resubscribe(), due soon
    }
    Link* link = linkFor(channel, nullptr);
    if (link == nullptr) {
        reconnect_.start();  // subscribed by resubscribe()
        return;
    }
    link->channels.insert(channel);
    linkOf_[channel] = link->name;
    send(*link, {subscribeCommand(), channel});
}

void RedisSubscriber::unsubscribe(const QByteArray& channel) {
    if (wanted_.erase(channel) == 0) {
        return;
    }
    confirmed_.erase(channel);
    const auto on = linkOf_.find(channel);
    if (on == linkOf_.end()) {
        return;
    }
    const auto it = links_.find(on->second);
    linkOf_.erase(on);
    if (it != links_.end()) {
        it->second->channels.erase(channel);
        send(*it->second, {cluster_ ? "SUNSUBSCRIBE" : "UNSUBSCRIBE", channel});
    }
}

void RedisSubscriber::resubscribe() {
    QString error;
    if (cluster_ && mapStale_ && !readMap(&error)) {
        qCWarning(lcRelay) << "the Redis Cluster's slot map cannot be read:" << error
                           << "- trying again in 1 s";
        reconnect_.start();
        return;
    }
    std::set<QString> unreachable;
    for (const QByteArray& channel : wanted_) {
        if (linkOf_.count(channel) > 0) {
            continue;
        }
        Link* link = linkFor(channel, &unreachable);
        if (link == nullptr) {
            mapStale_ = true;  // a primary that cannot be reached: failing over?
            reconnect_.start();
            continue;
        }
        link->channels.insert(channel);
        linkOf_[channel] = link->name;
        send(*link, {subscribeCommand(), channel});
    }
}

void RedisSubscriber::onReadable(Link* link) {
    const QString name = link->name;
    redisContext* c = link->client->context();
    if (c == nullptr) {
        return;
    }
    if (redisBufferRead(c) != REDIS_OK) {  // one read(): the notifier said it will not block
        lost(link, QString::fromUtf8(c->errstr));
        return;
    }
    // What is emitted below may, synchronously, unsubscribe, fail to write and so drop the
    // link (lost()): it is looked up again before each reply is read from it.
    for (;;) {
        const auto it = links_.find(name);
        if (it == links_.end() || it->second.get() != link || link->client->context() != c) {
            return;
        }
        void* raw = nullptr;
        if (redisGetReplyFromReader(c, &raw) != REDIS_OK) {
            lost(link, QStringLiteral("a reply does not parse"));
            return;
        }
        if (raw == nullptr) {
            return;  // nothing complete yet
        }
        const RedisReply reply = toRedisReply(raw);
        freeReplyObject(raw);
        link->heard.restart();  // a PING's pong too
        if (reply.isError()) {
            // SSUBSCRIBE of a slot this node does not serve (MOVED): map patched, every
            // channel of that slot not confirmed here subscribed again where it belongs.
            if (const auto moved = parseRedirect(reply)) {
                if (!moved->ask) {
                    map_.move(moved->slot, moved->node);
                }
                std::vector<QByteArray> misplaced;
                for (const QByteArray& ch : link->channels) {
                    if (confirmed_.count(ch) == 0 && RedisSlotMap::keySlot(ch) == moved->slot) {
                        misplaced.push_back(ch);
                    }
                }
                for (const QByteArray& ch : misplaced) {
                    link->channels.erase(ch);
                    linkOf_.erase(ch);
                }
                reconnect_.start();
            } else {
                qCWarning(lcRelay) << "Redis refused a subscription:" << reply.string.left(120);
            }
            continue;
        }
        if (reply.type != RedisReply::Type::Array || reply.elements.size() < 3) {
            continue;
        }
        const QByteArray& kind = reply.elements[0].string;
        const QByteArray& channel = reply.elements[1].string;
        if (kind == "message" || kind == "smessage") {
            emit message(channel, reply.elements[2].string);
        } else if ((kind == "subscribe" || kind == "ssubscribe") && wanted_.count(channel) > 0 &&
                   link->channels.count(channel) > 0) {
            confirmed_.insert(channel);
            emit subscribed(channel);
        } else if (kind == "sunsubscribe" && wanted_.count(channel) > 0 &&
                   link->channels.count(channel) > 0) {
            // Not asked for: the slot left this node (a resharding, a failover that made it a
            // replica). Subscribed again where the map, read again, says.
            link->channels.erase(channel);
            linkOf_.erase(channel);
            confirmed_.erase(channel);
            mapStale_ = true;
            reconnect_.start();
        }
    }
}

void RedisSubscriber::lost(Link* link, const QString& why) {
    qCWarning(lcRelay) << "a Redis subscription connection failed:" << why
                       << "- subscribing again in 1 s";
    for (const QByteArray& channel : link->channels) {
        confirmed_.erase(channel);
        linkOf_.erase(channel);
    }
    if (link->notifier) {
        // It may be the one whose activated() is running now: deleted once that returned.
        link->notifier->setEnabled(false);
        link->notifier.release()->deleteLater();
    }
    links_.erase(link->name);
    mapStale_ = true;
    reconnect_.start();
}

}  // namespace tandem::relay
