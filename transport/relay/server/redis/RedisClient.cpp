#include "transport/relay/server/redis/RedisClient.h"

#include <algorithm>
#include <cerrno>
#include <hiredis/hiredis.h>
#include <optional>
#include <set>

#include <QCryptographicHash>

#include "transport/relay/server/redis/RedisCluster.h"

namespace tandem::relay {

std::optional<RedisEndpoints> parseRedisUrl(const QString& url, QString* error) {
    static const QString kScheme = QStringLiteral("redis://");
    static const QString kClusterScheme = QStringLiteral("redis-cluster://");
    RedisEndpoints out;
    out.cluster = url.startsWith(kClusterScheme);
    if (!url.startsWith(kScheme) && !out.cluster) {
        *error = QStringLiteral(
            "--store takes a data folder's default, redis://HOST:PORT[,…] or "
            "redis-cluster://HOST:PORT[,…]");
        return std::nullopt;
    }
    const QString rest = url.mid(out.cluster ? kClusterScheme.size() : kScheme.size());
    if (rest.contains(u'@') || rest.contains(u'/') || rest.contains(u'?')) {
        // A password (redis://:secret@host) is never printed back, nor taken for a host.
        *error = QStringLiteral(
            "--store redis://HOST:PORT[,…] takes no user, password, database or options "
            "(run Redis on a private network, or behind a TLS tunnel: docs/relay.md)");
        return std::nullopt;
    }
    const QStringList parts = rest.split(u',');
    if (parts.size() > 16) {
        *error = QStringLiteral("--store lists at most 16 Redis servers");
        return std::nullopt;
    }
    for (const QString& part : parts) {
        const qsizetype colon = part.lastIndexOf(u':');
        bool ok = false;
        const int port = part.mid(colon + 1).toInt(&ok);
        QString host = part.left(colon);
        if (host.startsWith(u'[') && host.endsWith(u']')) {
            host = host.mid(1, host.size() - 2);  // [IPv6]:PORT
        } else if (host.contains(u':') || host.contains(u'[') || host.contains(u']')) {
            host.clear();  // an IPv6 address needs its brackets
        }
        if (colon <= 0 || !ok || port < 1 || port > 65535 || host.isEmpty() || host.size() > 253) {
            *error = QStringLiteral("--store redis://HOST:PORT: \"%1\" is not HOST:PORT").arg(part);
            return std::nullopt;
        }
        out.servers.push_back({host, port});
    }
    return out;
}

RedisReply redisError(const QString& message) {
    RedisReply r;
    r.type = RedisReply::Type::Error;
    r.string = message.toUtf8();
    return r;
}

RedisReply toRedisReply(const void* pointer) {
    const auto* reply = static_cast<const redisReply*>(pointer);
    RedisReply out;
    if (reply == nullptr) {
        return redisError(QStringLiteral("no reply"));
    }
    switch (reply->type) {
        case REDIS_REPLY_ERROR:
            out.type = RedisReply::Type::Error;
            out.string = QByteArray(reply->str, static_cast<qsizetype>(reply->len));
            break;
        case REDIS_REPLY_NIL:
            out.type = RedisReply::Type::Nil;
            break;
        case REDIS_REPLY_INTEGER:
            out.type = RedisReply::Type::Integer;
            out.integer = reply->integer;
            break;
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
            out.type = reply->type == REDIS_REPLY_STRING ? RedisReply::Type::String
                                                         : RedisReply::Type::Status;
            out.string = QByteArray(reply->str, static_cast<qsizetype>(reply->len));
            break;
        case REDIS_REPLY_ARRAY:
            out.type = RedisReply::Type::Array;
            out.elements.reserve(reply->elements);
            for (std::size_t i = 0; i < reply->elements; ++i) {
                out.elements.push_back(toRedisReply(reply->element[i]));  // NOLINT
            }
            break;
        default:
            out.type = RedisReply::Type::Nil;
    }
    return out;
}

RedisClient::RedisClient(std::vector<RedisAddress> servers, bool retry,
                         std::chrono::milliseconds timeout, bool backoff, bool cluster)
    : servers_(std::move(servers)), retry_(retry), timeout_(timeout), backoff_(backoff) {
    if (cluster) {
        cluster_ = std::make_unique<RedisCluster>(servers_, timeout_, backoff_, scripts_);
    }
}

std::vector<RedisAddress> RedisClient::nodes() {
    if (cluster_) {
        return cluster_->primaries();
    }
    return servers_;  // a SCAN on this connection (the first server that answers)
}

void RedisClient::failed() {
    if (!backoff_) {
        return;
    }
    window_ = window_.count() == 0 ? kMinBackoff : std::min(window_ * 2, kMaxBackoff);
    retryAt_ = std::chrono::steady_clock::now() + window_;
}

RedisClient::~RedisClient() {
    disconnect();
}

void RedisClient::disconnect() {
    if (cluster_) {
        cluster_->disconnect();
    }
    if (context_ != nullptr) {
        redisFree(context_);
        context_ = nullptr;
    }
}

int RedisClient::fd() const {
    return context_ != nullptr ? context_->fd : -1;
}

bool RedisClient::connect() {
    if (cluster_) {
        const bool ok = cluster_->connect();
        lastError_ = ok ? QString() : cluster_->lastError();
        return ok;
    }
    if (context_ != nullptr) {
        return true;
    }
    if (backoff_ && std::chrono::steady_clock::now() < retryAt_) {
        // lastError_ still says why the last attempt failed.
        return false;
    }
    timeval tv{};
    tv.tv_sec = static_cast<long>(timeout_.count() / 1000);
    tv.tv_usec = static_cast<long>((timeout_.count() % 1000) * 1000);
    for (const RedisAddress& server : servers_) {
        redisContext* c =
            redisConnectWithTimeout(server.host.toUtf8().constData(), server.port, tv);
        if (c != nullptr && c->err == 0 && redisSetTimeout(c, tv) == REDIS_OK) {
            context_ = c;
            for (const QByteArray& script : scripts_) {
                auto* reply =
                    static_cast<redisReply*>(redisCommand(c, "SCRIPT LOAD %b", script.constData(),
                                                          static_cast<std::size_t>(script.size())));
                const bool loaded = reply != nullptr && reply->type == REDIS_REPLY_STRING;
                if (reply != nullptr) {
                    freeReplyObject(reply);
                }
                if (!loaded) {
                    lastError_ = QStringLiteral("Redis at %1:%2 did not load a script")
                                     .arg(server.host)
                                     .arg(server.port);
                    disconnect();
                    return false;
                }
            }
            return true;
        }
        lastError_ =
            QStringLiteral("cannot reach Redis at %1:%2: %3")
                .arg(server.host)
                .arg(server.port)
                .arg(c != nullptr ? QString::fromUtf8(c->errstr) : QStringLiteral("out of memory"));
        if (c != nullptr) {
            redisFree(c);
        }
    }
    failed();
    return false;
}

namespace {

void append(redisContext* c, const RedisCommand& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(static_cast<std::size_t>(args.size()));
    lengths.reserve(static_cast<std::size_t>(args.size()));
    for (const QByteArray& a : args) {
        argv.push_back(a.constData());
        lengths.push_back(static_cast<std::size_t>(a.size()));
    }
    redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data());
}

}  // namespace

bool RedisClient::isReadOnly(const RedisCommand& command) {
    // PUBLISH and SPUBLISH write no key: no WAIT after them, and one sent twice is a message
    // heard twice (pushes are deduplicated by id).
    static const std::set<QByteArray> kReads{"GET",    "HGET",  "HMGET", "EXISTS",  "ZRANGEBYSCORE",
                                             "ZRANGE", "ZCARD", "SCAN",  "STRLEN",  "GETRANGE",
                                             "PING",   "TTL",   "PTTL",  "PUBLISH", "SPUBLISH"};
    return !command.isEmpty() && kReads.count(command.front().toUpper()) > 0;
}

RedisReply RedisClient::command(const RedisCommand& args) {
    return pipeline({args}).front();
}

std::vector<RedisReply> RedisClient::pipeline(const std::vector<RedisCommand>& commands) {
    if (cluster_) {
        auto out = cluster_->pipeline(commands, retry_, waitReplicas_, waitTimeout_);
        lastError_ = cluster_->lastError();
        return out;
    }
    const bool wasConnected = context_ != nullptr;
    bool broken = false;
    bool timedOut = false;
    const bool waiting = waitReplicas_ > 0 &&
                         !std::all_of(commands.begin(), commands.end(), &RedisClient::isReadOnly);
    if (waiting) {
        // WAIT after the writes, on the same connection: answered once `waitReplicas_`
        // replicas have everything this connection wrote (or at the timeout).
        std::vector<RedisCommand> withWait = commands;
        withWait.push_back({"WAIT", QByteArray::number(waitReplicas_),
                            QByteArray::number(static_cast<qint64>(waitTimeout_.count()))});
        auto out = pipelineOnce(withWait, &broken, &timedOut);
        const long long acked =
            out.back().type == RedisReply::Type::Integer ? out.back().integer : -1;
        out.pop_back();
        // No WAIT reply (the connection broke or timed out after the writes' replies) is no
        // acknowledgement: those writes may be lost by a failover, so none is a success.
        if (acked < waitReplicas_) {
            if (!broken) {
                lastError_ =
                    QStringLiteral("WAIT: %1 of %2 replicas acknowledged the write in %3 ms")
                        .arg(std::max(acked, 0LL))
                        .arg(waitReplicas_)
                        .arg(waitTimeout_.count());
            }
            for (std::size_t i = 0; i < commands.size(); ++i) {
                if (!isReadOnly(commands[i])) {
                    out[i] = redisError(lastError_);
                }
            }
        }
        if (broken) {
            failed();
        }
        return out;
    }
    auto out = pipelineOnce(commands, &broken, &timedOut);
    // A connection found closed (Redis restarted, a failover) is opened again at once for a
    // read; one that timed out is not tried again now (Redis is stopped or overloaded).
    if (broken && !timedOut && wasConnected && retry_ &&
        std::all_of(commands.begin(), commands.end(), &RedisClient::isReadOnly)) {
        out = pipelineOnce(commands, &broken);
    }
    if (broken) {
        failed();
    }
    return out;
}

std::vector<RedisReply> RedisClient::pipelineOnce(const std::vector<RedisCommand>& commands,
                                                  bool* broken, bool* timedOut) {
    *broken = false;
    std::vector<RedisReply> out;
    if (!connect()) {
        out.assign(commands.size(), redisError(lastError_));
        return out;
    }
    for (const RedisCommand& c : commands) {
        append(context_, c);
    }
    out.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        void* reply = nullptr;
        if (redisGetReply(context_, &reply) != REDIS_OK) {
            if (timedOut != nullptr) {
                // A read that timed out (the socket's timeout), not a closed connection.
                *timedOut =
                    context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
            }
            lastError_ = QStringLiteral("Redis connection failed: %1")
                             .arg(QString::fromUtf8(context_->errstr));
            disconnect();  // opened again by the next call
            *broken = true;
            out.resize(commands.size(), redisError(lastError_));
            return out;
        }
        out.push_back(toRedisReply(reply));
        freeReplyObject(reply);
    }
    window_ = std::chrono::milliseconds(0);  // Redis answers: no backoff
    return out;
}

RedisCommand RedisClient::evalCommand(const QByteArray& script, const RedisCommand& keys,
                                      const RedisCommand& args) {
    const QByteArray sha = QCryptographicHash::hash(script, QCryptographicHash::Sha1).toHex();
    RedisCommand c{QByteArrayLiteral("EVALSHA"), sha, QByteArray::number(keys.size())};
    c += keys;
    c += args;
    return c;
}

RedisReply RedisClient::eval(const QByteArray& script, const RedisCommand& keys,
                             const RedisCommand& args) {
    RedisReply r = command(evalCommand(script, keys, args));
    if (r.isError() && r.string.startsWith("NOSCRIPT")) {
        RedisCommand c{QByteArrayLiteral("EVAL"), script, QByteArray::number(keys.size())};
        c += keys;
        c += args;
        r = command(c);
    }
    return r;
}

}  // namespace tandem::relay
