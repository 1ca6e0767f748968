// ModeChannel: one mode's protocol behind one interface (docs/architecture.md). The core's
// outbox, inbox and latency probes hold channels by mode and never branch on it: everything
// that differs between Signal mode (SignalChannel: X3DH + Double Ratchet, sealed sender, the
// relay's accounts, prekeys and certificates) and Session mode (SessionChannel: Session
// encryption, onion paths, the swarm's resume point) is behind these calls, and the channel's
// transport is the shared Transport interface. Channels are made by a ChannelFactory, so a
// test can give the core a channel over a fake transport.
//
// A channel lives on the core thread. Its store work runs in Store transactions, like the
// rest of the core.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>

#include <QFuture>
#include <QObject>

#include "app/core/ContentHandler.h"
#include "app/core/CoreError.h"
#include "app/core/NetworkConfig.h"
#include "storage/Repositories.h"
#include "storage/Store.h"
#include "transport/Transport.h"

namespace tandem::core {

// What sealing a queued outbox item came to.
struct SealResult {
    enum class Outcome {
        Send,    // `envelope` goes now (its id is the outbox's to set)
        Wait,    // not now: the channel wakes the outbox when it can (keys, certificate, user)
        GiveUp,  // it can never go: `problem` says why
        Failed   // it did not go this time: `error`, retried with backoff
    };
    Outcome outcome = Outcome::Wait;
    transport::OutgoingEnvelope envelope;
    QString problem;
    transport::TransportError error;
};

// Where a latency probe (or an answer to one) goes, as the channel seals for it.
struct ProbePeer {
    QString address;
    QByteArray accessKey;    // Signal mode
    QByteArray identityKey;  // Signal mode: Ed25519
};

class ModeChannel : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~ModeChannel() override = default;

    [[nodiscard]] virtual storage::Mode mode() const = 0;
    // Loads this mode's account; with one, connects its transport. False: no account.
    virtual QFuture<CoreResult<bool>> start() = 0;
    virtual void stop() = 0;
    // nullptr until start() found an account.
    [[nodiscard]] virtual transport::Transport* transport() const = 0;
    // The transport can take sends (relay: authenticated; onion: a path is built).
    [[nodiscard]] virtual bool isConnected() const = 0;
    // Whether `address` (normalized) is this profile's own in this mode.
    [[nodiscard]] virtual bool isOwnAddress(const QString& address) const = 0;

    // ---- sending (the outbox)
    // Seals an item inside the transaction that queues it, when the channel can do so now (one
    // store trip instead of three before the wire); nullopt otherwise. The function runs on
    // the storage thread before the item's row exists, for a contact the outbox checked (not
    // blocked, not held) and an item whose turn it is; the outbox inserts `payload` (the exact
    // bytes, as seal() records them) as the row. An empty envelope means "seal it later".
    struct InlineSealed {
        transport::OutgoingEnvelope envelope;
        QByteArray payload;
    };
    using InlineSeal = std::function<storage::StoreResult<InlineSealed>(
        storage::Repositories&, const storage::Contact&, const QByteArray& content,
        std::int64_t now)>;
    [[nodiscard]] virtual std::optional<InlineSeal> inlineSeal() const { return std::nullopt; }
    // Seals a queued item for `contact` (recording the exact bytes in the item, so a retry
    // sends the same), fetching whatever it needs first.
    virtual QFuture<SealResult> seal(std::int64_t outboxId, const storage::Contact& contact,
                                     const QByteArray& content) = 0;
    // Whether an item sealed earlier may go as it is; false: the channel takes it over and
    // seals it again (released / sealGivenUp say how that ended).
    virtual bool sealedStillGood(std::int64_t outboxId, std::int64_t sealedExpiresMs) {
        Q_UNUSED(outboxId);
        Q_UNUSED(sealedExpiresMs);
        return true;
    }
    // The network refused a sealed item for a reason this channel can mend (Signal: sealed
    // for keys its recipient no longer has). True: the channel took it over (released /
    // sealGivenUp); false: the outbox handles the error.
    virtual bool mendRefused(std::int64_t outboxId, const transport::TransportError& error) {
        Q_UNUSED(outboxId);
        Q_UNUSED(error);
        return false;
    }
    // ---- receiving (the inbox)
    // What opens and stores one envelope, run in a store transaction.
    using OpenTask = std::function<storage::StoreResult<Opened>(storage::Repositories&)>;
    [[nodiscard]] virtual OpenTask opener(const transport::IncomingEnvelope& envelope) const = 0;
    // After an envelope was opened and stored (Signal: a used one-time prekey is replaced).
    virtual void afterOpened(const Opened& opened) { Q_UNUSED(opened); }
    // A new contact was saved (Signal: the relay is asked for their account id).
    virtual void contactAdded() {}
    // The user blocked a contact of this mode (Signal: a new access key, docs/people.md).
    virtual void blockedSomeone() {}

    // ---- latency probes
    // Our own account as a probe's addressee; nullopt when the channel cannot probe now (the
    // reason in `why`: Signal mode waits for its sender certificate).
    [[nodiscard]] virtual std::optional<ProbePeer> self(QString* why) = 0;
    // A contact as a probe's addressee; nullopt (and why) when probes cannot reach them yet.
    [[nodiscard]] virtual std::optional<ProbePeer> probePeer(
        const QString& address, const std::optional<storage::Contact>& contact,
        QString* why) const = 0;
    // Fields every content this channel sends carries (Signal: our access key, so the
    // recipient can answer through the relay).
    virtual void stamp(proto::Content& content) const { Q_UNUSED(content); }
    // Seals a probe or an answer (never stored, no session state).
    [[nodiscard]] virtual std::optional<QByteArray> sealProbe(const ProbePeer& peer,
                                                              const QByteArray& content,
                                                              QString* problem) const = 0;
    // The route a send to `address` takes, for a latency sample ("" when there is none to
    // tell: the relay is one hop).
    [[nodiscard]] virtual QString routeTo(const QString& address) const {
        Q_UNUSED(address);
        return {};
    }
    // Whether a probe sample records the route (Session mode).
    [[nodiscard]] virtual bool recordsRoutes() const { return false; }

signals:
    // The transport (re)connected: what waits out a backoff goes now.
    void connected();
    // Something a waiting item needed is here (a certificate, a session): look again.
    void wake();
    void statusChanged(const tandem::transport::TransportStatus& status);
    void identityChanged(const QString& address);
    // An item the channel took over (sealedStillGood false, mendRefused true) is sealed
    // again and may go (released), or can never go (sealGivenUp).
    void released(std::int64_t outboxId);
    void sealGivenUp(std::int64_t outboxId, const QString& why);
};

// The channels of a profile, by mode (one each at most); the core's parts share one set.
class Channels {
public:
    // nullptr when the profile has no channel in `mode`.
    [[nodiscard]] ModeChannel* operator[](storage::Mode mode) const;
    void add(std::unique_ptr<ModeChannel> channel);
    template <class F>
    void forEach(F f) const {
        for (const auto& [mode, channel] : map_) {
            f(*channel);
        }
    }

private:
    std::map<storage::Mode, std::unique_ptr<ModeChannel>> map_;
};

// Makes the channel of a mode for a profile's store and network settings (nullptr: the
// network file has no such network). The app and tandemctl use makeChannel; tests give the
// core their own.
struct ChannelOptions {
    int sessionPollMs = 0;  // Session mode: long-poll (0) or poll at this interval
};
using ChannelFactory = std::function<std::unique_ptr<ModeChannel>(
    storage::Mode mode, storage::Store& store, const std::optional<NetworkConfig>& network,
    const ChannelOptions& options)>;
std::unique_ptr<ModeChannel> makeChannel(storage::Mode mode, storage::Store& store,
                                         const std::optional<NetworkConfig>& network,
                                         const ChannelOptions& options);

}  // namespace tandem::core
