// LongPolls: retrieves a node holds open until a message for their Session ID is stored here
// or their wait is over, then answers with what is stored after the poll's hash. At most
// `perRecipient` for one Session ID and `total` in all; past that a retrieve is answered at
// once.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include <QByteArray>
#include <QString>

#include "tandem/node.pb.h"
#include "transport/onion/NodeLink.h"
#include "transport/onion/node/NodeStore.h"

namespace tandem::transport::onion {

class LongPolls {
public:
    LongPolls(NodeStore& store, int perRecipient, int total);
    ~LongPolls();
    LongPolls(const LongPolls&) = delete;
    LongPolls& operator=(const LongPolls&) = delete;

    // Whether another poll for `recipient` may be held.
    [[nodiscard]] bool canHold(const QString& recipient) const;
    // Holds a retrieve for `recipient` after `afterHash` for up to `waitMs`.
    void hold(const QString& recipient, const QByteArray& afterHash, int waitMs,
              SwarmAnswer answer);
    // A message for `recipient` was stored: its polls are answered now.
    void wake(const QString& recipient);
    // A new message for `recipient`, not yet committed: the polls held for it are answered
    // with it alone, from memory (a poll is held only while nothing after its bookmark is
    // stored, and every store since would have woken it, so this is all it has not seen).
    void deliver(const QString& recipient, const StoredMessage& message);
    // Forgets every poll without answering (the node is going away).
    void clear();

    // What is stored for `recipient` after `afterHash`, as a reply.
    static proto::node::SwarmReply messagesReply(const std::vector<StoredMessage>& found);

private:
    struct Poll;
    void respond(const Poll& poll);

    NodeStore& store_;
    int perRecipient_;
    int total_;
    std::multimap<QString, std::shared_ptr<Poll>> polls_;
};

}  // namespace tandem::transport::onion
