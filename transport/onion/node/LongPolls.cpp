#include "transport/onion/node/LongPolls.h"

#include <QDateTime>
#include <QTimer>

namespace tandem::transport::onion {

using proto::node::SwarmReply;

struct LongPolls::Poll {
    QString recipient;
    QByteArray afterHash;
    SwarmAnswer answer;
    QTimer timer;
};

LongPolls::LongPolls(NodeStore& store, int perRecipient, int total)
    : store_(store), perRecipient_(perRecipient), total_(total) {}

LongPolls::~LongPolls() {
    clear();
}

void LongPolls::clear() {
    polls_.clear();
}

SwarmReply LongPolls::messagesReply(const std::vector<StoredMessage>& found) {
    SwarmReply out;
    auto* list = out.mutable_messages();
    for (const StoredMessage& m : found) {
        auto* e = list->add_messages();
        e->set_hash(m.hash.toStdString());
        e->set_data(m.data.toStdString());
        e->set_stored_at_ms(static_cast<std::uint64_t>(m.storedAt));
        e->set_expires_at_ms(static_cast<std::uint64_t>(m.expiresAt));
    }
    return out;
}

bool LongPolls::canHold(const QString& recipient) const {
    return static_cast<int>(polls_.count(recipient)) < perRecipient_ &&
           static_cast<int>(polls_.size()) < total_;
}

void LongPolls::hold(const QString& recipient, const QByteArray& afterHash, int waitMs,
                     SwarmAnswer answer) {
    auto poll = std::make_shared<Poll>();
    poll->recipient = recipient;
    poll->afterHash = afterHash;
    poll->answer = std::move(answer);
    poll->timer.setSingleShot(true);
    const auto it = polls_.emplace(recipient, poll);
    QObject::connect(&poll->timer, &QTimer::timeout, &poll->timer, [this, it] {
        const std::shared_ptr<Poll> p = it->second;
        polls_.erase(it);
        respond(*p);
    });
    poll->timer.start(waitMs);
}

void LongPolls::wake(const QString& recipient) {
    const auto range = polls_.equal_range(recipient);
    std::vector<std::shared_ptr<Poll>> woken;
    for (auto it = range.first; it != range.second;) {
        woken.push_back(it->second);
        it = polls_.erase(it);
    }
    for (const auto& p : woken) {
        p->timer.stop();
        respond(*p);
    }
}

void LongPolls::deliver(const QString& recipient, const StoredMessage& message) {
    const auto range = polls_.equal_range(recipient);
    std::vector<std::shared_ptr<Poll>> woken;
    for (auto it = range.first; it != range.second;) {
        woken.push_back(it->second);
        it = polls_.erase(it);
    }
    if (woken.empty()) {
        return;
    }
    const SwarmReply reply = messagesReply({message});
    for (const auto& p : woken) {
        p->timer.stop();
        p->answer(reply);
    }
}

void LongPolls::respond(const Poll& poll) {
    const auto found = store_.retrieve(poll.recipient, poll.afterHash, store_.limits().maxRetrieve,
                                       QDateTime::currentMSecsSinceEpoch());
    poll.answer(messagesReply(found ? *found : std::vector<StoredMessage>{}));
}

}  // namespace tandem::transport::onion
