// RelayClients: the relay's connected clients, on the daemons' connection layer
// (daemon::ClientConnections): who is signed in to which account, and replies in the relay's
// frames — an answer, an Error, or an Error and then the connection closed. The relay's parts
// (accounts, mailbox, blobs) answer through it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <QPointer>

#include "tandem/relay.pb.h"
#include "transport/daemon/ClientConnection.h"
#include "transport/daemon/ClientConnections.h"

namespace tandem::relay {

// One client connection and what the relay keeps for it.
struct RelayClient : daemon::ClientConnection {
    std::optional<std::int64_t> account;  // once it authenticated
    std::int64_t lastSentId = 0;          // the last envelope delivered to it
    bool caughtUp = false;                // stored mail is out: new mail is pushed
    bool drainPending = false;            // delivery waits for the socket to have room
    int authFailures = 0;
    std::int64_t generation = 0;  // MailboxStore::claim(): a newer connection ends this one
};

class RelayClients {
public:
    explicit RelayClients(daemon::ConnectionLimits limits);

    daemon::ClientConnections& connections() { return connections_; }
    [[nodiscard]] const daemon::ClientConnections& connections() const { return connections_; }
    [[nodiscard]] int count() const { return connections_.count(); }
    // The client on `channel`, or null once it is gone.
    RelayClient* find(const QPointer<transport::SecureChannel>& channel) const;

    // Signs `c` in to `account` (frames up to the full size from now on).
    void signIn(RelayClient& c, std::int64_t account);
    // Forgets `c` (its connection closed).
    void signOut(RelayClient& c);
    // Every client signed in to `account`.
    [[nodiscard]] std::vector<RelayClient*> signedIn(std::int64_t account) const;
    [[nodiscard]] bool anySignedIn(std::int64_t account) const {
        return byAccount_.count(account) > 0;
    }
    // Every account with a client signed in here, once each.
    [[nodiscard]] std::vector<std::int64_t> signedInAccounts() const {
        std::vector<std::int64_t> out;
        for (auto it = byAccount_.begin(); it != byAccount_.end();
             it = byAccount_.upper_bound(it->first)) {
            out.push_back(it->first);
        }
        return out;
    }

    // The answer to request `requestId` (0: unasked, like a delivery); `flushNow` writes it
    // to the socket at once.
    void reply(const RelayClient& c, std::uint64_t requestId, proto::relay::ServerFrame& frame,
               bool flushNow = false);
    void replyError(const RelayClient& c, std::uint64_t requestId, proto::relay::Error::Code code,
                    const QString& message);
    // An Error frame, then the connection closed; nothing it sends meanwhile is read.
    void drop(RelayClient& c, proto::relay::Error::Code code, const QString& message);

private:
    daemon::ClientConnections connections_;
    std::multimap<std::int64_t, RelayClient*> byAccount_;
};

}  // namespace tandem::relay
