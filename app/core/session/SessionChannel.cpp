#include "app/core/session/SessionChannel.h"

#include <algorithm>

#include <QDateTime>
#include <QPromise>

#include "app/core/CoreLog.h"
#include "app/core/Disappearing.h"
#include "crypto/QtBytes.h"
#include "crypto/session/SessionMessage.h"
#include "tandem/common/Clock.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

transport::OutgoingEnvelope envelopeOf(const sessionmode::SealedItem& item) {
    transport::OutgoingEnvelope out;
    out.recipient = item.recipient;
    out.ciphertext = item.envelope;
    if (item.networkExpiresAt != 0) {
        // Counts down from its send: the swarm keeps it no longer (a second at least, the
        // shortest time a node stores for).
        out.ttlMs =
            std::max<std::int64_t>(disappearing::kMinNetworkTtlMs, item.networkExpiresAt - nowMs());
    }
    return out;
}

}  // namespace

SessionChannel::SessionChannel(Store& store, std::optional<NetworkConfig> network,
                               ChannelOptions options, QObject* parent)
    : ModeChannel(parent), store_(store), network_(std::move(network)), options_(options) {}

SessionChannel::~SessionChannel() {
    stop();
    store_.post([] {}).waitForFinished();  // no continuation of ours is left to run
}

QFuture<CoreResult<bool>> SessionChannel::start() {
    struct Loaded {
        std::optional<sessionmode::Identity> me;
        Saved saved;
    };
    return store_.read(
        [](Repositories& r) -> StoreResult<Loaded> {
            using namespace sessionmode;
            const auto setting = [&r](const char* key) {
                return r.settings.get(QString::fromLatin1(key));
            };
            Loaded out;
            TANDEM_TRY_ASSIGN(out.me, loadIdentity(r));
            TANDEM_TRY_ASSIGN(out.saved.guard, setting(kGuardSetting));
            TANDEM_TRY_ASSIGN(out.saved.lastSeen, setting(kLastSeenSetting));
            TANDEM_TRY_ASSIGN(out.saved.lastSeenAt, setting(kLastSeenAtSetting));
            TANDEM_TRY_ASSIGN(out.saved.directory, setting(kDirectorySetting));
            return out;
        },
        this,
        [this](StoreResult<Loaded> loaded) -> CoreResult<bool> {
            if (!loaded) {
                return unexpected(fromStore(loaded.error()));
            }
            me_ = std::move(loaded->me);
            if (!me_) {
                return false;
            }
            if (network_ && network_->onion && !onion_) {
                connectTransport(loaded->saved);
            }
            return true;
        });
}

void SessionChannel::connectTransport(const Saved& saved) {
    const OnionNetwork& net = *network_->onion;
    transport::onion::NodeDirectory directory = net.directory;
    if (saved.directory) {  // a newer one learned from the nodes, checked again before use
        auto kept = transport::onion::NodeDirectory::verify(
            crypto::view(saved.directory->toStdString()), net.networkKey, &net.directory);
        if (kept && kept->version > directory.version) {
            directory = std::move(kept).value();
        }
    }
    std::optional<crypto::PublicKey> keptGuard;
    if (saved.guard && saved.guard->size() == 32) {
        crypto::PublicKey key{};
        std::copy(saved.guard->begin(), saved.guard->end(), key.begin());
        keptGuard = key;
    }
    onion_ = new transport::onion::OnionTransport(
        std::move(directory), {me_->sessionId, me_->keys->ed25519.clone()}, keptGuard, this);
    if (saved.lastSeen) {
        onion_->setLastSeen(*saved.lastSeen,
                            QString::fromUtf8(saved.lastSeenAt.value_or(QByteArray())));
    }
    onion_->setNetworkKey(net.networkKey);
    connect(onion_, &transport::Transport::statusChanged, this,
            [this](const transport::TransportStatus& s) {
                emit statusChanged(s);
                const bool online = s.state == transport::TransportStatus::State::Online;
                if (online && !online_) {
                    online_ = true;
                    emit connected();
                }
                online_ = online;
            });
    connect(onion_, &transport::onion::OnionTransport::guardChanged, this,
            [this](const crypto::PublicKey& key) {
                saveSetting(sessionmode::kGuardSetting, crypto::qbytes(key));
            });
    // A newer directory fetched from the nodes (verified by the transport) is kept, so the
    // next start does not begin from network.json's older list.
    connect(onion_, &transport::onion::OnionTransport::directoryChanged, this,
            [this](const QByteArray& signedDirectory) {
                saveSetting(sessionmode::kDirectorySetting, signedDirectory);
            });
    onion_->setPollInterval(options_.sessionPollMs);
    onion_->start();
}

void SessionChannel::saveSetting(const char* key, const QByteArray& value) {
    store_.write([key = QString::fromLatin1(key),
                  value](Repositories& r) { return r.settings.set(key, value); },
                 this,
                 [](StoreResult<void> saved) {
                     if (!saved) {
                         qCWarning(lcCore) << "cannot save a setting:" << saved.error().message;
                     }
                 });
}

void SessionChannel::stop() {
    if (onion_) {
        onion_->stop();
    }
}

bool SessionChannel::isConnected() const {
    return onion_ && onion_->isReady();
}

bool SessionChannel::isOwnAddress(const QString& address) const {
    return me_ && address == me_->sessionId;
}

// ---- sending ------------------------------------------------------------------------------

std::optional<ModeChannel::InlineSeal> SessionChannel::inlineSeal() const {
    if (!me_) {
        return std::nullopt;
    }
    return InlineSeal([me = *me_](Repositories& r, const Contact& contact,
                                  const QByteArray& content,
                                  std::int64_t now) -> StoreResult<InlineSealed> {
        TANDEM_TRY_ASSIGN(sessionmode::SealedItem sealed,
                          sessionmode::sealItem(r, me, contact, content, now));
        if (!sealed.problem.isEmpty()) {
            return InlineSealed{};  // seal() gives it up, saying why
        }
        return InlineSealed{envelopeOf(sealed), std::move(sealed.stored)};
    });
}

QFuture<SealResult> SessionChannel::seal(std::int64_t outboxId, const Contact& contact,
                                         const QByteArray& content) {
    if (!me_ || !isConnected()) {
        return QtFuture::makeReadyFuture(SealResult{});  // the first path built wakes the outbox
    }
    return store_.write(
        [me = *me_, outboxId, contact, content](Repositories& r) {
            return sessionmode::sealQueued(r, me, outboxId, contact, content, nowMs());
        },
        this,
        [](StoreResult<sessionmode::SealedItem> result) {
            SealResult out;
            if (!result) {
                qCWarning(lcCore) << "cannot seal a message:" << result.error().message;
            } else if (!result->problem.isEmpty()) {
                out.outcome = SealResult::Outcome::GiveUp;
                out.problem = result->problem;
            } else {
                out.outcome = SealResult::Outcome::Send;
                out.envelope = envelopeOf(*result);
            }
            return out;
        });
}

// ---- receiving ----------------------------------------------------------------------------

ModeChannel::OpenTask SessionChannel::opener(const transport::IncomingEnvelope& envelope) const {
    if (!me_) {
        return {};
    }
    return
        [me = *me_, bytes = envelope.ciphertext, hash = envelope.serverId, member = envelope.source,
         routes = onion_ ? onion_->routes() : QHash<QString, QString>{}](Repositories& r) {
            return sessionmode::open(r, me, bytes, hash, member, nowMs(), routes);
        };
}

// ---- latency probes -----------------------------------------------------------------------

std::optional<ProbePeer> SessionChannel::self(QString* why) {
    if (!me_) {
        *why = QStringLiteral("this profile has no Session-mode account");
        return std::nullopt;
    }
    return ProbePeer{me_->sessionId, {}, {}};
}

std::optional<ProbePeer> SessionChannel::probePeer(const QString& address,
                                                   const std::optional<Contact>&, QString*) const {
    return ProbePeer{address, {}, {}};
}

std::optional<QByteArray> SessionChannel::sealProbe(const ProbePeer& peer,
                                                    const QByteArray& content,
                                                    QString* problem) const {
    if (!me_) {
        *problem = QStringLiteral("no Session-mode identity");
        return std::nullopt;
    }
    const auto key = crypto::session::parseSessionId(peer.address);
    if (!key) {
        *problem = QStringLiteral("not a Session ID");
        return std::nullopt;
    }
    const auto sealed =
        crypto::session::encryptSessionMessage(crypto::view(content), me_->keys->ed25519, *key);
    if (!sealed) {
        *problem = sealed.error().message;
        return std::nullopt;
    }
    return crypto::qbytes(*sealed);
}

QString SessionChannel::routeTo(const QString& address) const {
    return onion_ ? onion_->routeHops(address).join(u'>') : QString();
}

}  // namespace tandem::core
