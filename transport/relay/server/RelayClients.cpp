#include "transport/relay/server/RelayClients.h"

#include "crypto/QtBytes.h"
#include "transport/Transport.h"

namespace tandem::relay {

using proto::relay::Error;
using proto::relay::ServerFrame;

RelayClients::RelayClients(daemon::ConnectionLimits limits)
    : connections_(limits, lcRelay, QStringLiteral("slow consumer")) {}

RelayClient* RelayClients::find(const QPointer<transport::SecureChannel>& channel) const {
    // Every connection is a RelayClient: RelayServer makes them.
    return channel ? static_cast<RelayClient*>(connections_.find(channel.data())) : nullptr;
}

void RelayClients::signIn(RelayClient& c, std::int64_t account) {
    c.account = account;
    connections_.setAuthenticated(c);
    byAccount_.emplace(account, &c);
}

void RelayClients::signOut(RelayClient& c) {
    if (!c.account) {
        return;
    }
    const auto range = byAccount_.equal_range(*c.account);
    for (auto it = range.first; it != range.second; ++it) {
        if (it->second == &c) {
            byAccount_.erase(it);
            break;
        }
    }
}

std::vector<RelayClient*> RelayClients::signedIn(std::int64_t account) const {
    std::vector<RelayClient*> out;
    const auto range = byAccount_.equal_range(account);
    for (auto it = range.first; it != range.second; ++it) {
        out.push_back(it->second);
    }
    return out;
}

void RelayClients::reply(const RelayClient& c, std::uint64_t requestId, ServerFrame& frame,
                         bool flushNow) {
    frame.set_request_id(requestId);
    connections_.send(c.channel(), crypto::qbytes(frame.SerializeAsString()), flushNow);
}

void RelayClients::replyError(const RelayClient& c, std::uint64_t requestId, Error::Code code,
                              const QString& message) {
    ServerFrame frame;
    frame.mutable_error()->set_code(code);
    frame.mutable_error()->set_message(message.toStdString());
    reply(c, requestId, frame);
}

void RelayClients::drop(RelayClient& c, Error::Code code, const QString& message) {
    qCInfo(lcRelay) << "closing a connection:" << message;
    replyError(c, 0, code, message);
    connections_.close(c, message);  // after the error frame
}

}  // namespace tandem::relay
