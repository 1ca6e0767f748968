// ClientConnection: one connection a daemon accepted (ClientConnections.h) — its channel, the
// address that holds its slot in the gate, its request rate, and whether it is being closed.
// A daemon that keeps more per connection (the relay: the account signed in) derives from it.
#pragma once

#include <QHostAddress>
#include <QPointer>

#include "transport/SecureChannel.h"
#include "transport/daemon/TokenBucket.h"

namespace tandem::daemon {

class ClientConnection {
public:
    ClientConnection() = default;
    virtual ~ClientConnection() = default;
    ClientConnection(const ClientConnection&) = delete;
    ClientConnection& operator=(const ClientConnection&) = delete;

    [[nodiscard]] transport::SecureChannel* channel() const { return channel_; }
    [[nodiscard]] const QHostAddress& address() const { return address_; }
    // Closed by the daemon: its close is on the way, and what it still sends is not read.
    [[nodiscard]] bool isClosing() const { return closing_; }

private:
    friend class ClientConnections;
    transport::SecureChannel* channel_ = nullptr;
    QHostAddress address_;
    TokenBucket bucket_{0, 0};
    bool closing_ = false;
};

}  // namespace tandem::daemon
