#include "transport/relay/server/redis/RedisSubscriber.h"

#include <hiredis/hiredis.h>

#include "transport/Transport.h"

namespace tandem::relay {

RedisSubscriber::RedisSubscriber(std::vector<RedisAddress> servers, QObject* parent)
    : QObject(parent), client_(std::move(servers)) {
    reconnect_.setInterval(1000);
    reconnect_.setSingleShot(true);
    connect(&reconnect_, &QTimer::timeout, this, [this] {
        if (!open()) {
            reconnect_.start();
        }
    });
    ping_.setInterval(kPingMs);
    connect(&ping_, &QTimer::timeout, this, [this] {
        if (client_.context() == nullptr) {
            return;
        }
        if (heard_.elapsed() > kSilenceMs) {
            lost(QStringLiteral("Redis did not answer a PING"));
            return;
        }
        send({QByteArrayLiteral("PING")});
    });
}

RedisSubscriber::~RedisSubscriber() {
    notifier_.reset();
}

void RedisSubscriber::dropNotifier() {
    if (notifier_) {
        // It may be the one whose activated() is running now: deleted once that returned.
        notifier_->setEnabled(false);
        notifier_.release()->deleteLater();
    }
}

bool RedisSubscriber::start(QString* error) {
    if (!open()) {
        *error = client_.lastError();
        return false;
    }
    return true;
}

bool RedisSubscriber::open() {
    dropNotifier();
    client_.disconnect();
    confirmed_.clear();
    if (!client_.connect()) {
        return false;
    }
    (void)redisEnableKeepAlive(client_.context());
    heard_.start();
    ping_.start();
    notifier_ = std::make_unique<QSocketNotifier>(client_.fd(), QSocketNotifier::Read);
    connect(notifier_.get(), &QSocketNotifier::activated, this, &RedisSubscriber::onReadable);
    for (const QByteArray& channel : wanted_) {
        send({QByteArrayLiteral("SUBSCRIBE"), channel});
    }
    return true;
}

void RedisSubscriber::send(const RedisCommand& command) {
    redisContext* c = client_.context();
    if (c == nullptr) {
        return;  // subscribed again once the connection is back
    }
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
            lost(QString::fromUtf8(c->errstr));
            return;
        }
    }
}

void RedisSubscriber::subscribe(const QByteArray& channel) {
    if (wanted_.insert(channel).second) {
        send({QByteArrayLiteral("SUBSCRIBE"), channel});
    }
}

void RedisSubscriber::unsubscribe(const QByteArray& channel) {
    if (wanted_.erase(channel) > 0) {
        confirmed_.erase(channel);
        send({QByteArrayLiteral("UNSUBSCRIBE"), channel});
    }
}

void RedisSubscriber::onReadable() {
    redisContext* c = client_.context();
    if (c == nullptr) {
        return;
    }
    if (redisBufferRead(c) != REDIS_OK) {  // one read(): the notifier said it will not block
        lost(QString::fromUtf8(c->errstr));
        return;
    }
    // What is emitted below may, synchronously, unsubscribe, fail to write and so free `c`
    // (lost()): the context is checked again before each reply is read from it.
    while (client_.context() == c) {
        void* raw = nullptr;
        if (redisGetReplyFromReader(c, &raw) != REDIS_OK) {
            lost(QStringLiteral("a reply does not parse"));
            return;
        }
        if (raw == nullptr) {
            return;  // nothing complete yet
        }
        const RedisReply reply = toRedisReply(raw);
        freeReplyObject(raw);
        heard_.restart();  // a PING's pong too
        if (reply.type != RedisReply::Type::Array || reply.elements.size() < 3) {
            continue;
        }
        const QByteArray& kind = reply.elements[0].string;
        const QByteArray& channel = reply.elements[1].string;
        if (kind == "message") {
            emit message(channel, reply.elements[2].string);
        } else if (kind == "subscribe" && wanted_.count(channel) > 0) {
            confirmed_.insert(channel);
            emit subscribed(channel);
        }
    }
}

void RedisSubscriber::lost(const QString& why) {
    qCWarning(lcRelay) << "the Redis subscription connection failed:" << why
                       << "- subscribing again in 1 s";
    dropNotifier();
    client_.disconnect();
    confirmed_.clear();
    reconnect_.start();
}

}  // namespace tandem::relay
