// SessionChannel: Session mode as a ModeChannel. It owns the OnionTransport and what it keeps
// in the profile across restarts (the guard, the newest signed node directory, where receiving
// resumes), seals with Session encryption (no session state: the exact bytes are kept for a
// retry, which the swarm dedupes by hash) and opens what the swarm delivers.
#pragma once

#include <QPointer>

#include "app/core/ModeChannel.h"
#include "app/core/session/SessionCodec.h"
#include "transport/onion/OnionTransport.h"

namespace tandem::core {

class SessionChannel final : public ModeChannel {
    Q_OBJECT
public:
    SessionChannel(storage::Store& store, std::optional<NetworkConfig> network,
                   ChannelOptions options, QObject* parent = nullptr);
    ~SessionChannel() override;

    [[nodiscard]] storage::Mode mode() const override { return storage::Mode::Session; }
    QFuture<CoreResult<bool>> start() override;
    void stop() override;
    [[nodiscard]] transport::Transport* transport() const override { return onion_; }
    [[nodiscard]] bool isConnected() const override;
    [[nodiscard]] bool isOwnAddress(const QString& address) const override;

    [[nodiscard]] std::optional<InlineSeal> inlineSeal() const override;
    QFuture<SealResult> seal(std::int64_t outboxId, const storage::Contact& contact,
                             const QByteArray& content) override;

    [[nodiscard]] OpenTask opener(const transport::IncomingEnvelope& envelope) const override;

    [[nodiscard]] std::optional<ProbePeer> self(QString* why) override;
    [[nodiscard]] std::optional<ProbePeer> probePeer(const QString& address,
                                                     const std::optional<storage::Contact>& contact,
                                                     QString* why) const override;
    [[nodiscard]] std::optional<QByteArray> sealProbe(const ProbePeer& peer,
                                                      const QByteArray& content,
                                                      QString* problem) const override;
    [[nodiscard]] QString routeTo(const QString& address) const override;
    [[nodiscard]] bool recordsRoutes() const override { return true; }

private:
    struct Saved {
        std::optional<QByteArray> guard;
        std::optional<QByteArray> lastSeen;
        std::optional<QByteArray> lastSeenAt;
        std::optional<QByteArray> directory;
    };
    void connectTransport(const Saved& saved);
    void saveSetting(const char* key, const QByteArray& value);

    storage::Store& store_;
    std::optional<NetworkConfig> network_;
    ChannelOptions options_;
    std::optional<sessionmode::Identity> me_;
    QPointer<transport::onion::OnionTransport> onion_;
    bool online_ = false;
};

}  // namespace tandem::core
