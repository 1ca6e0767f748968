#include "app/core/Inbox.h"

#include <tandem/common/Redact.h>

#include "app/core/CoreLog.h"

namespace tandem::core {

using namespace tandem::storage;

Inbox::Inbox(Store& store, const Channels& channels, QObject* parent)
    : QObject(parent), store_(store), channels_(channels) {}

Inbox::~Inbox() {
    store_.post([] {}).waitForFinished();  // no continuation of ours is left to run
}

void Inbox::attach(ModeChannel& channel) {
    if (transport::Transport* t = channel.transport()) {
        connect(t, &transport::Transport::received, this,
                [this, mode = channel.mode()](const transport::IncomingEnvelope& envelope) {
                    queue_.emplace_back(mode, envelope);
                    if (!busy_) {
                        next();
                    }
                });
    }
}

void Inbox::next() {
    while (!queue_.empty()) {
        auto [mode, envelope] = std::move(queue_.front());
        queue_.pop_front();
        ModeChannel* channel = channels_[mode];
        ModeChannel::OpenTask open = channel != nullptr ? channel->opener(envelope) : nullptr;
        if (!open) {
            continue;  // no account in that mode any more
        }
        busy_ = true;
        store_.write(std::move(open), this,
                     [this, channel, serverId = envelope.serverId,
                      source = envelope.source](StoreResult<Opened> result) {
                         opened(*channel, serverId, source, std::move(result));
                     });
        return;
    }
    busy_ = false;
    emit settled();
}

void Inbox::opened(ModeChannel& channel, const QByteArray& serverId, const QString& source,
                   StoreResult<Opened> result) {
    const Mode mode = channel.mode();
    if (!result) {
        // Not stored: not acknowledged, so the network delivers it again later.
        qCWarning(lcCore) << "could not store a received message:" << result.error().message;
        emit problem(result.error().message);
        emit receiveFailed(mode, QString(), result.error().message);
        next();
        return;
    }
    if (transport::Transport* t = channel.transport()) {
        t->acknowledge(serverId);
    }
    const Opened& o = *result;
    if (o.identityChanged && !o.from.isEmpty()) {
        emit identityChanged(mode, o.from);  // learned from what they sent
    }
    if (o.profileAnnounced) {
        emit profileAnnounced();
    }
    switch (o.outcome) {
        case Opened::Outcome::Stored:
            emit messageReceived(*o.message, o.from, mode);
            emit queued();  // its delivery receipt
            break;
        case Opened::Outcome::Receipt:
            emit messagesUpdated(o.updated);
            emit latencySamplesChanged();  // a first delivery leaves a sample
            break;
        case Opened::Outcome::Probe:
            emit probeSeen(mode, *o.probe, source);
            break;
        case Opened::Outcome::Undecryptable:
            qCWarning(lcCore) << "a message" << (o.from.isEmpty() ? "" : "from") << redact(o.from)
                              << "could not be decrypted:" << o.problem;
            emit receiveFailed(mode, o.from, o.problem);
            break;
        case Opened::Outcome::Duplicate:
        case Opened::Outcome::Ignored:
            break;
    }
    channel.afterOpened(o);
    next();
}

}  // namespace tandem::core
