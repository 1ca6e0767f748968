// RelayServer: Signal mode's relay (tandem-relayd). Accounts by phone number, prekeys,
// store-and-forward mailboxes pushed to connected recipients, sealed-sender delivery,
// sender certificates, a blob store and signed records — over SecureChannel, on one event-loop
// thread.
//
// It loads the relay's key and store, then wires the parts: connections (RelayClients, on
// the daemons' daemon::ClientConnections), accounts (RelayAccounts), mailboxes
// (RelayMailbox), blobs (RelayBlobs) and records (RelayRecords); what it does itself is read each
// frame and hand it to the part that serves it.
//
// Bad input: a frame that does not parse, a request over a limit, a flood or a client that
// does not read its deliveries gets an Error frame and its connection is closed; nothing
// else is disturbed. Every limit is in RelayLimits.
#pragma once

#include <memory>
#include <optional>

#include <QHostAddress>
#include <QObject>
#include <QTimer>

#include "crypto/Primitives.h"
#include "transport/relay/server/RelayClients.h"
#include "transport/relay/server/RelayLimits.h"
#include "transport/relay/server/redis/RedisClient.h"

namespace tandem::relay {

class AccountStore;
class CodeSender;
class MailboxStore;
class RelayAccounts;
class RelayBlobs;
class RelayMailbox;
class RelayRecords;
class RelayStore;

class RelayServer : public QObject {
    Q_OBJECT
public:
    RelayServer(QString dataDir, CodeSender* codes, RelayLimits limits = {},
                QObject* parent = nullptr);
    ~RelayServer() override;

    // Keeps accounts, mailboxes and blobs in Redis (tandem-relayd --store redis://…) instead of
    // the data folder, which then holds only the relay key: any number of relays with the same
    // key and Redis serve the same accounts. Before start().
    void useRedis(RedisEndpoints servers, int waitReplicas = 0) {
        redisServers_ = std::move(servers);
        redisWait_ = waitReplicas;
    }
    // Loads (or creates) the relay key and the store, then listens.
    bool start(const QHostAddress& host, quint16 port, QString* error);
    [[nodiscard]] quint16 port() const { return clients_.connections().port(); }
    [[nodiscard]] const crypto::PublicKey& identityKey() const { return identity_->publicKey; }
    [[nodiscard]] int connectionCount() const { return clients_.count(); }
    // New limits (tandem-relayd's reload): quotas and rates apply to the next request, the
    // connection limits to the next connection (ClientConnections::setLimits). Refused (false,
    // nothing changed) if the envelope and delivery limits would not fit a frame.
    bool reconfigure(const RelayLimits& limits, QString* error);

private:
    void onFrame(RelayClient& c, const QByteArray& bytes);
    void purge();
    bool openStores(QString* error);

    QString dataDir_;
    CodeSender* codes_;
    RelayLimits limits_;
    std::optional<crypto::Ed25519KeyPair> identity_;
    std::optional<crypto::X25519KeyPair> channelKey_;
    RelayClients clients_;
    RedisEndpoints redisServers_;
    int redisWait_ = 0;
    // The stores (SQLite, or Redis), then the parts, once start() has them; destroyed before
    // the connections they answer, the parts before the stores.
    std::unique_ptr<RelayStore> store_;
    std::unique_ptr<RedisClient> redis_;
    std::unique_ptr<AccountStore> redisAccounts_;
    AccountStore* accountStore_ = nullptr;
    std::unique_ptr<MailboxStore> mailboxStore_;
    std::unique_ptr<RelayAccounts> accounts_;
    std::unique_ptr<RelayMailbox> mailbox_;
    std::unique_ptr<RelayBlobs> blobs_;
    std::unique_ptr<RelayRecords> records_;
    QTimer purgeTimer_;
};

}  // namespace tandem::relay
