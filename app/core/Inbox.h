// Inbox: what the transports deliver, the same in every mode. Envelopes are opened one at a
// time, in arrival order, each by its mode's channel inside one store transaction (decrypt,
// store, queue the delivery receipt); an envelope is acknowledged to the network only once
// that transaction committed. Delivery is at least once on the wire and exactly once in the
// database (dedupe by message uid); one that could not be stored is not acknowledged, so the
// network delivers it again.
#pragma once

#include <deque>

#include <QObject>

#include "app/core/ModeChannel.h"
#include "storage/Store.h"

namespace tandem::core {

class Inbox : public QObject {
    Q_OBJECT
public:
    Inbox(storage::Store& store, const Channels& channels, QObject* parent = nullptr);
    ~Inbox() override;

    // Takes what the channel's transport receives.
    void attach(ModeChannel& channel);
    [[nodiscard]] bool isIdle() const { return queue_.empty() && !busy_; }

signals:
    void messageReceived(const tandem::storage::Message& message, const QString& from,
                         tandem::storage::Mode mode);
    void messagesUpdated(const std::vector<tandem::storage::Message>& messages);
    // A receipt left latency samples.
    void latencySamplesChanged();
    // Something was queued to send (a delivery receipt).
    void queued();
    void probeSeen(tandem::storage::Mode mode, const tandem::core::ProbeSeen& probe,
                   const QString& source);
    void receiveFailed(tandem::storage::Mode mode, const QString& from, const QString& why);
    void identityChanged(tandem::storage::Mode mode, const QString& address);
    // A sender's message said where a profile of theirs is that we have not fetched.
    void profileAnnounced();
    void problem(const QString& message);
    void settled();

private:
    void next();
    void opened(ModeChannel& channel, const QByteArray& serverId, const QString& source,
                storage::StoreResult<Opened> result);

    storage::Store& store_;
    const Channels& channels_;
    std::deque<std::pair<storage::Mode, transport::IncomingEnvelope>> queue_;
    bool busy_ = false;
};

}  // namespace tandem::core
