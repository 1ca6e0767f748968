#include "transport/relay/server/RelayServer.h"

#include <sodium.h>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTcpSocket>

#include "crypto/signal/Identity.h"
#include "transport/SecureChannel.h"
#include "transport/Transport.h"
#include "transport/daemon/DaemonData.h"
#include "transport/relay/server/BlobStore.h"
#include "transport/relay/server/RelayAccounts.h"
#include "transport/relay/server/RelayBlobs.h"
#include "transport/relay/server/RelayMailbox.h"
#include "transport/relay/server/RelayRecords.h"
#include "transport/relay/server/RelayStore.h"
#include "transport/relay/server/SqliteMailboxStore.h"
#include "transport/relay/server/redis/RedisAccountStore.h"
#include "transport/relay/server/redis/RedisBlobStore.h"
#include "transport/relay/server/redis/RedisMailboxStore.h"
#include "transport/relay/server/redis/RedisRecordStore.h"

namespace tandem::relay {

using namespace tandem::crypto;
using proto::relay::ClientFrame;
using proto::relay::Error;
using proto::relay::ServerFrame;
using transport::SecureChannel;

RelayServer::RelayServer(QString dataDir, CodeSender* codes, RelayLimits limits, QObject* parent)
    : QObject(parent),
      dataDir_(std::move(dataDir)),
      codes_(codes),
      limits_(limits),
      clients_(limits.clients) {
    daemon::ClientConnections::Handlers handlers;
    handlers.make = [] { return std::make_unique<RelayClient>(); };
    handlers.opened = [this](daemon::ClientConnection& c) {
        // A delivery waiting for the socket to have room goes on once it wrote.
        connect(c.channel()->socket(), &QTcpSocket::bytesWritten, this,
                [this, channel = QPointer<SecureChannel>(c.channel())](qint64) {
                    if (RelayClient* client = clients_.find(channel); client && mailbox_) {
                        mailbox_->writable(*client);
                    }
                });
    };
    // Every connection is a RelayClient (`make`).
    handlers.frame = [this](daemon::ClientConnection& c, const QByteArray& frame) {
        onFrame(static_cast<RelayClient&>(c), frame);
    };
    handlers.overRate = [this](daemon::ClientConnection& c, const QByteArray&) {
        clients_.drop(static_cast<RelayClient&>(c), Error::RATE_LIMITED,
                      QStringLiteral("too many requests"));
    };
    handlers.closed = [this](daemon::ClientConnection& c) {
        auto& client = static_cast<RelayClient&>(c);
        if (accounts_) {
            accounts_->signedOut(client);
        }
        if (mailbox_) {
            mailbox_->signedOut(client);
        }
        clients_.signOut(client);
    };
    clients_.connections().setHandlers(std::move(handlers));
    purgeTimer_.setInterval(60 * 1000);
    connect(&purgeTimer_, &QTimer::timeout, this, &RelayServer::purge);
}

RelayServer::~RelayServer() = default;

bool RelayServer::reconfigure(const RelayLimits& limits, QString* error) {
    if (limits.maxEnvelopeBytes > limits.maxDeliveryBytes ||
        limits.maxDeliveryBytes + 64 * 1024 > transport::SecureChannel::kMaxFrameBytes) {
        *error = QStringLiteral("the relay's envelope and delivery limits do not fit a frame");
        return false;
    }
    // The parts hold a reference to limits_: they read the new values from the next request.
    limits_ = limits;
    clients_.connections().setLimits(limits.clients);
    return true;
}

bool RelayServer::start(const QHostAddress& host, quint16 port, QString* error) {
    // A delivery frame holds at least one envelope and must stay under what clients accept.
    if (limits_.maxEnvelopeBytes > limits_.maxDeliveryBytes ||
        limits_.maxDeliveryBytes + 64 * 1024 > transport::SecureChannel::kMaxFrameBytes) {
        *error = QStringLiteral("the relay's envelope and delivery limits do not fit a frame");
        return false;
    }
    if (!QDir().mkpath(dataDir_)) {
        *error = QStringLiteral("cannot create %1").arg(dataDir_);
        return false;
    }
    QFile::setPermissions(dataDir_, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    // The relay's long-term Ed25519 key: signs sender certificates; its X25519 form
    // authenticates the channel. Clients pin the public half (network.json).
    const QString keyPath = dataDir_ + QStringLiteral("/relay.key");
    auto secret = daemon::loadOrCreateSecret(
        keyPath, crypto_sign_SECRETKEYBYTES,
        [] { return signal::IdentityKeyPair::generate().signing().secretKey.clone(); },
        QStringLiteral("relay key"));
    if (!secret) {
        *error = secret.error();
        return false;
    }
    auto pair = signal::IdentityKeyPair::fromSecret(secret->span());
    if (!pair) {
        *error = QStringLiteral("the relay key %1 is damaged").arg(keyPath);
        return false;
    }
    identity_ = pair->signing().clone();
    channelKey_ = pair->agreement().clone();
    if (!openStores(error)) {
        return false;
    }
    accounts_ =
        std::make_unique<RelayAccounts>(*accountStore_, codes_, *identity_, limits_, clients_);
    mailbox_ = std::make_unique<RelayMailbox>(*accountStore_, *mailboxStore_, limits_, clients_);
    if (!redisServers_.servers.empty()) {
        // The other front-ends hear of a re-registration (a new generation ends every older
        // connection) and of prekeys running out.
        accounts_->setFanout(
            {[this](std::int64_t account) { return mailboxStore_->claim(account) != 0; },
             [this](std::int64_t account, std::uint32_t left) {
                 return mailboxStore_->publishPreKeysLow(account, left);
             }});
        connect(mailboxStore_.get(), &MailboxStore::preKeysLow, this,
                [this](std::int64_t account, std::uint32_t left) {
                    accounts_->pushPreKeysLow(account, left);
                });
    }
    if (!mailbox_->start(error)) {
        return false;
    }
    purge();
    if (!clients_.connections().listen(host, port, *channelKey_, error)) {
        return false;
    }
    purgeTimer_.start();
    return true;
}

bool RelayServer::openStores(QString* error) {
    if (redisServers_.servers.empty()) {
        blobs_ = std::make_unique<RelayBlobs>(
            std::make_unique<BlobStore>(dataDir_ + QStringLiteral("/blobs"),
                                        limits_.maxBlobBytesTotal),
            limits_, clients_);
        auto store = RelayStore::open(dataDir_);
        if (!store) {
            *error = store.error();
            return false;
        }
        store_ = std::move(store).value();
        accountStore_ = store_.get();
        mailboxStore_ = std::make_unique<SqliteMailboxStore>(*store_);
        records_ = std::make_unique<RelayRecords>(
            std::make_unique<SqliteRecordStore>(store_->database(), limits_.maxRecordBytesTotal),
            limits_, clients_);
        return true;
    }
    redis_ = std::make_unique<RedisClient>(redisServers_.servers, /*retry=*/true,
                                           std::chrono::seconds(5),
                                           /*backoff=*/true, redisServers_.cluster);
    if (!redis_->connect()) {
        *error = redis_->lastError();
        return false;
    }
    if (!redisServers_.cluster &&
        redis_->command({"INFO", "cluster"}).string.contains("cluster_enabled:1")) {
        // Single-server mode would answer every key of another shard with MOVED.
        *error = QStringLiteral(
                     "Redis at %1:%2 is a Redis Cluster node: use --store "
                     "redis-cluster://HOST:PORT[,…]")
                     .arg(redisServers_.servers.front().host)
                     .arg(redisServers_.servers.front().port);
        return false;
    }
    // `accepted` is durable only if every primary writes each command to its AOF before it
    // answers, and with --redis-wait N only if each primary has N replicas to confirm it:
    // checked on each primary (the server, or each of a cluster's), a clear line for each
    // that falls short (the relay runs anyway: the operator may be fixing it).
    const std::vector<RedisAddress> primaries =
        redisServers_.cluster ? redis_->nodes()
                              : std::vector<RedisAddress>{redisServers_.servers.front()};
    for (const RedisAddress& node : primaries) {
        RedisClient one({node}, false, std::chrono::seconds(2));
        const RedisReply aof = one.command({"CONFIG", "GET", "appendfsync"});
        const RedisReply on = one.command({"CONFIG", "GET", "appendonly"});
        const bool durable = aof.elements.size() == 2 && aof.elements[1].string == "always" &&
                             on.elements.size() == 2 && on.elements[1].string == "yes";
        if (!durable) {
            qCWarning(lcRelay).noquote()
                << QStringLiteral(
                       "Redis %1:%2 does not run with appendonly yes and appendfsync "
                       "always: an accepted message can be lost if it stops "
                       "(docs/relay.md)")
                       .arg(node.host)
                       .arg(node.port);
        }
        if (redisWait_ > 0) {
            const QByteArray info = one.command({"INFO", "replication"}).string;
            const qsizetype at = info.indexOf("connected_slaves:");
            const int replicas =
                at < 0 ? -1 : info.mid(at + 17, info.indexOf('\r', at) - at - 17).toInt();
            if (replicas < redisWait_) {
                qCWarning(lcRelay).noquote()
                    << QStringLiteral(
                           "Redis primary %1:%2 has %3 replica(s) connected, "
                           "--redis-wait %4 needs %4: every send to it is refused "
                           "(UNAVAILABLE) until enough replicas are in sync")
                           .arg(node.host)
                           .arg(node.port)
                           .arg(replicas)
                           .arg(redisWait_);
            } else if (replicas > redisWait_) {
                qCWarning(lcRelay).noquote()
                    << QStringLiteral(
                           "Redis primary %1:%2 has %3 replicas, --redis-wait %4: a "
                           "failover may promote a replica that did not confirm "
                           "the last accepted sends (make N the replica count)")
                           .arg(node.host)
                           .arg(node.port)
                           .arg(replicas)
                           .arg(redisWait_);
            }
        }
    }
    auto accounts = std::make_unique<RedisAccountStore>(*redis_);
    if (!accounts->start(error)) {
        return false;
    }
    mailboxStore_ = std::make_unique<RedisMailboxStore>(*redis_, *accounts, limits_, redisWait_);
    accountStore_ = accounts.get();
    redisAccounts_ = std::move(accounts);
    blobs_ = std::make_unique<RelayBlobs>(
        std::make_unique<RedisBlobStore>(*redis_, limits_.maxBlobBytesTotal), limits_, clients_);
    records_ = std::make_unique<RelayRecords>(
        std::make_unique<RedisRecordStore>(*redis_, limits_.maxRecordBytesTotal), limits_,
        clients_);
    qCInfo(lcRelay) << "keeping accounts, mailboxes, blobs and records in"
                    << (redisServers_.cluster ? "a Redis Cluster, seed" : "Redis at")
                    << redisServers_.servers.front().host << redisServers_.servers.front().port
                    << "- replicas acknowledging each batch of sends:" << redisWait_;
    return true;
}

void RelayServer::onFrame(RelayClient& c, const QByteArray& bytes) {
    ClientFrame frame;
    if (!frame.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size()))) {
        clients_.drop(c, Error::MALFORMED, QStringLiteral("the frame does not parse"));
        return;
    }
    const std::uint64_t id = frame.request_id();
    const bool needsAccount =
        frame.has_upload_prekeys() || frame.has_fetch_bundle() || frame.has_lookup() ||
        frame.has_get_certificate() || frame.has_ack() || frame.has_put_blob() ||
        frame.has_prekey_status() || frame.has_set_registration_lock() || frame.has_put_record() ||
        frame.has_get_record() || frame.has_set_access_key();
    if (needsAccount && !c.account) {
        clients_.replyError(c, id, Error::UNAUTHORIZED, QStringLiteral("authenticate first"));
        return;
    }
    switch (frame.body_case()) {
        case ClientFrame::kRequestCode:
            return accounts_->requestCode(c, id, frame.request_code());
        case ClientFrame::kRegister:
            return accounts_->registerAccount(c, id, frame.register_());
        case ClientFrame::kAuthenticate:
            if (accounts_->authenticate(c, id, frame.authenticate())) {
                mailbox_->deliver(c);
            }
            return;
        case ClientFrame::kUploadPrekeys:
            return accounts_->uploadPreKeys(c, id, frame.upload_prekeys());
        case ClientFrame::kFetchBundle:
            return accounts_->fetchBundle(c, id, frame.fetch_bundle());
        case ClientFrame::kLookup:
            return accounts_->lookup(c, id, frame.lookup());
        case ClientFrame::kGetCertificate:
            return accounts_->certificate(c, id);
        case ClientFrame::kSend:
            return mailbox_->send(c, id, frame.send());
        case ClientFrame::kAck:
            return mailbox_->acknowledge(c, frame.ack());
        case ClientFrame::kPutBlob:
            return blobs_->put(c, id, frame.put_blob());
        case ClientFrame::kGetBlob:
            return blobs_->get(c, id, frame.get_blob());
        case ClientFrame::kPutRecord:
        case ClientFrame::kGetRecord:
            return frame.has_put_record() ? records_->put(c, id, frame.put_record())
                                          : records_->get(c, id, frame.get_record());
        case ClientFrame::kPrekeyStatus:
            return accounts_->preKeyStatus(c, id);
        case ClientFrame::kSetRegistrationLock:
            return accounts_->setRegistrationLock(c, id, frame.set_registration_lock());
        case ClientFrame::kSetAccessKey:
            return accounts_->setAccessKey(c, id, frame.set_access_key());
        case ClientFrame::BODY_NOT_SET:
            break;
    }
    clients_.drop(c, Error::MALFORMED, QStringLiteral("the frame has no known request"));
}

void RelayServer::purge() {
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    if (mailbox_) {
        mailbox_->purge(now);
    }
    if (blobs_) {
        blobs_->purge(now);
    }
    if (records_) {
        records_->purge(now);
    }
    if (accounts_) {
        accounts_->refreshPresence(now);
    }
}

}  // namespace tandem::relay
