#include "app/core/Messenger.h"

#include <limits>

#include <QDateTime>

#include <tandem/common/Redact.h>

#include "app/core/ContentHandler.h"
#include "app/core/ConversationService.h"
#include "app/core/CoreLog.h"
#include "crypto/session/SessionKeys.h"
#include "transport/relay/Address.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

std::int64_t nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

template <class T>
QFuture<CoreResult<T>> ready(CoreResult<T> value) {
    QPromise<CoreResult<T>> promise;
    promise.start();
    promise.addResult(std::move(value));
    promise.finish();
    return promise.future();
}

}  // namespace

Messenger::Messenger(Store& store, QObject* parent) : QObject(parent), store_(store) {
    retryTimer_.setSingleShot(true);
    connect(&retryTimer_, &QTimer::timeout, this, &Messenger::processOutbox);
    // While anything waits to be sent, the outbox is looked at now and then as well: no lost
    // wake-up (a connection back while no round was due) can leave it waiting.
    outboxWatch_.setInterval(kOutboxWatchMs);
    connect(&outboxWatch_, &QTimer::timeout, this, [this] {
        if (outboxPending_ > 0) {
            processOutbox();
        }
    });
    outboxWatch_.start();
}

Messenger::~Messenger() {
    // Fails the relay requests still waiting, while their continuations can run (Qt 6.4
    // asserts on a QFuture continuation whose context is gone).
    stop();
    // Every store task this Messenger started has finished once this no-op has: none can
    // then be posting its continuation to this object while it is being destroyed (Store
    // drops continuations whose context is already gone, but cannot make that check and the
    // post one atomic step).
    store_.post([] {}).waitForFinished();
}

std::optional<Mode> Messenger::modeOf(const QString& address) {
    if (relay::isRelayAddress(address)) {
        return Mode::Signal;
    }
    if (const auto key = crypto::session::parseSessionId(address);
        key && crypto::session::isUsableKey(*key)) {
        return Mode::Session;
    }
    return std::nullopt;
}

std::optional<QString> Messenger::unusableSessionId(const QString& address) {
    if (const auto key = crypto::session::parseSessionId(address);
        key && !crypto::session::isUsableKey(*key)) {
        return QStringLiteral(
            "this Session ID cannot receive messages: its key is one nobody holds (a key of "
            "small order, such as all zeros), so anyone could read what is sent to it");
    }
    return std::nullopt;
}

QFuture<CoreResult<void>> Messenger::start() {
    // Latency samples older than kLatencyRetentionMs go (docs/latency.md).
    store_.write(
        [](Repositories& r) { return r.latency.deleteOlderThan(nowMs() - kLatencyRetentionMs); },
        this,
        [](StoreResult<int> pruned) {
            if (!pruned) {
                qCWarning(lcCore) << "cannot prune latency samples:" << pruned.error().message;
            }
        });
    struct Loaded {
        std::optional<QByteArray> network;
        std::optional<signalmode::Identity> signal;
        std::optional<sessionmode::Identity> session;
        std::optional<QByteArray> guard;
        std::optional<QByteArray> lastSeen;
        std::optional<QByteArray> lastSeenAt;
        std::optional<QByteArray> directory;
        std::int64_t outbox = 0;
    };
    return store_.read(
        [](Repositories& r) -> StoreResult<Loaded> {
            Loaded out;
            TANDEM_TRY_ASSIGN(out.network, r.settings.get(QStringLiteral("network")));
            TANDEM_TRY_ASSIGN(out.signal, signalmode::loadIdentity(r));
            TANDEM_TRY_ASSIGN(out.session, sessionmode::loadIdentity(r));
            using namespace sessionmode;
            TANDEM_TRY_ASSIGN(out.guard, r.settings.get(QString::fromLatin1(kGuardSetting)));
            TANDEM_TRY_ASSIGN(out.lastSeen, r.settings.get(QString::fromLatin1(kLastSeenSetting)));
            TANDEM_TRY_ASSIGN(out.lastSeenAt,
                              r.settings.get(QString::fromLatin1(kLastSeenAtSetting)));
            TANDEM_TRY_ASSIGN(out.directory,
                              r.settings.get(QString::fromLatin1(kDirectorySetting)));
            TANDEM_TRY_ASSIGN(out.outbox, r.outbox.count());
            return out;
        },
        this,
        [this](StoreResult<Loaded> loaded) -> CoreResult<void> {
            if (!loaded) {
                return unexpected(fromStore(loaded.error()));
            }
            outboxPending_ = loaded->outbox;
            if (loaded->network) {
                auto config = NetworkConfig::parse(*loaded->network);
                if (!config) {
                    return coreError(
                        CoreErrorCode::InvalidArgument,
                        QStringLiteral("the profile's network settings are damaged: %1")
                            .arg(config.error()));
                }
                network_ = std::move(config).value();
            }
            signal_ = std::move(loaded->signal);
            session_ = std::move(loaded->session);
            if (signal_ && network_ && network_->relay && !relay_) {
                relay_ = new transport::RelayTransport(*network_->relay,
                                                       {signal_->phone, signal_->password}, this);
                connect(
                    relay_, &transport::Transport::received, this,
                    [this](const transport::IncomingEnvelope& e) { onReceived(Mode::Signal, e); });
                connect(relay_, &transport::Transport::accepted, this,
                        [this](const QByteArray& id, qint64) { onAccepted(id); });
                connect(relay_, &transport::Transport::failed, this, &Messenger::onFailed);
                connect(relay_, &transport::Transport::statusChanged, this,
                        [this](const transport::TransportStatus& s) {
                            emit connectionChanged(Mode::Signal, s);
                        });
                connect(relay_, &transport::RelayTransport::preKeysLow, this,
                        &Messenger::refillPreKeys);
                connect(relay_, &transport::RelayTransport::authenticated, this, [this] {
                    ensureCertificate();
                    refillPreKeys();
                    resolveContacts();
                    retryWaitingNow();
                });
                relay_->start();
            }
            if (session_ && network_ && network_->onion && !onion_) {
                startSession(loaded->guard, loaded->lastSeen, loaded->lastSeenAt,
                             loaded->directory);
            }
            processOutbox();
            return {};
        });
}

void Messenger::startSession(const std::optional<QByteArray>& guard,
                             const std::optional<QByteArray>& lastSeen,
                             const std::optional<QByteArray>& lastSeenAt,
                             const std::optional<QByteArray>& savedDirectory) {
    const OnionNetwork& net = *network_->onion;
    transport::onion::NodeDirectory directory = net.directory;
    if (savedDirectory) {  // a newer one learned from the nodes, checked again before use
        auto saved = transport::onion::NodeDirectory::verify(
            crypto::view(savedDirectory->toStdString()), net.networkKey);
        if (saved && saved->version > directory.version) {
            directory = std::move(saved).value();
        }
    }
    std::optional<crypto::PublicKey> keptGuard;
    if (guard && guard->size() == 32) {
        crypto::PublicKey key{};
        std::copy(guard->begin(), guard->end(), key.begin());
        keptGuard = key;
    }
    onion_ = new transport::onion::OnionTransport(
        std::move(directory), {session_->sessionId, session_->keys->ed25519.clone()}, keptGuard,
        this);
    if (lastSeen) {
        onion_->setLastSeen(*lastSeen, QString::fromUtf8(lastSeenAt.value_or(QByteArray())));
    }
    onion_->setNetworkKey(net.networkKey);
    connect(onion_, &transport::Transport::received, this,
            [this](const transport::IncomingEnvelope& e) { onReceived(Mode::Session, e); });
    connect(onion_, &transport::Transport::accepted, this,
            [this](const QByteArray& id, qint64) { onAccepted(id); });
    connect(onion_, &transport::Transport::failed, this, &Messenger::onFailed);
    connect(onion_, &transport::Transport::statusChanged, this,
            [this](const transport::TransportStatus& s) {
                emit connectionChanged(Mode::Session, s);
                const bool online = s.state == transport::TransportStatus::State::Online;
                if (online && !onionOnline_) {
                    retryWaitingNow();
                }
                onionOnline_ = online;
            });
    connect(onion_, &transport::onion::OnionTransport::guardChanged, this,
            [this](const crypto::PublicKey& key) {
                saveSetting(sessionmode::kGuardSetting,
                            QByteArray(reinterpret_cast<const char*>(key.data()),  // NOLINT
                                       static_cast<qsizetype>(key.size())));
            });
    // A newer directory fetched from the nodes (verified by the transport) is kept, so the
    // next start does not begin from network.json's older list.
    connect(onion_, &transport::onion::OnionTransport::directoryChanged, this,
            [this](const QByteArray& signedDirectory) {
                saveSetting(sessionmode::kDirectorySetting, signedDirectory);
            });
    onion_->setPollInterval(sessionPollMs_);
    onion_->start();
}

void Messenger::retryWaitingNow() {
    store_.write([](Repositories& r) { return r.outbox.retryNow(nowMs()); }, this,
                 [this](StoreResult<int>) { processOutbox(); });
}

void Messenger::saveSetting(const char* key, const QByteArray& value) {
    store_.write([key = QString::fromLatin1(key),
                  value](Repositories& r) { return r.settings.set(key, value); },
                 this,
                 [](StoreResult<void> saved) {
                     if (!saved) {
                         qCWarning(lcCore) << "cannot save a setting:" << saved.error().message;
                     }
                 });
}

void Messenger::stop() {
    if (probe_) {
        finishProbeRun(CoreError{CoreErrorCode::Network, QStringLiteral("stopped")});
    }
    if (relay_) {
        relay_->stop();
    }
    if (onion_) {
        onion_->stop();
    }
}

bool Messenger::hasAccount(Mode mode) const {
    return mode == Mode::Signal ? signal_.has_value() : session_.has_value();
}

bool Messenger::isConnected(Mode mode) const {
    if (mode == Mode::Signal) {
        return relay_ && relay_->isAuthenticated();
    }
    return onion_ && onion_->isReady();
}

transport::TransportStatus Messenger::status(Mode mode) const {
    const transport::Transport* t = transportFor(mode);
    return t != nullptr ? t->status() : transport::TransportStatus{};
}

transport::Transport* Messenger::transportFor(Mode mode) const {
    if (mode == Mode::Signal) {
        return relay_;
    }
    return onion_;
}

bool Messenger::isIdle() const {
    return inbound_.empty() && !inboundBusy_ && inFlight_.empty() && outboxPending_ == 0 &&
           !outboxRunning_;
}

void Messenger::checkIdle() {
    if (isIdle()) {
        emit idle();
    }
}

QFuture<CoreResult<Contact>> Messenger::addContact(Mode mode, const QString& given,
                                                   const std::optional<QString>& name) {
    const QString address = given.trimmed().toLower();  // hex ids are stored in lower case
    if (const auto unusable = unusableSessionId(address)) {
        return ready<Contact>(coreError(CoreErrorCode::InvalidArgument, *unusable));
    }
    if (modeOf(address) != mode) {
        return ready<Contact>(
            coreError(CoreErrorCode::InvalidArgument,
                      QStringLiteral("\"%1\" is not a %2 address")
                          .arg(address.left(80), mode == Mode::Signal
                                                     ? QStringLiteral("phone number (+E.164)")
                                                     : QStringLiteral("Session ID"))));
    }
    if (name) {
        if (auto valid = ConversationService::validateName(*name); !valid) {
            return ready<Contact>(unexpected(fromStore(valid.error())));
        }
    }
    return store_.write(
        [mode, address, name](Repositories& r) -> StoreResult<Contact> {
            TANDEM_TRY_ASSIGN(Contact contact, contactForAddress(r, mode, address, nowMs()));
            if (name && contact.displayName != *name) {
                TANDEM_TRY(r.contacts.rename(contact.id, *name));
                contact.displayName = *name;
            }
            TANDEM_TRY(r.conversations.forContact(contact.id, nowMs()));
            return contact;
        },
        this,
        [this](StoreResult<Contact> r) -> CoreResult<Contact> {
            if (!r) {
                return unexpected(fromStore(r.error()));
            }
            if (relay_ && relay_->isAuthenticated()) {
                resolveContacts();
            }
            return std::move(r).value();
        });
}

QFuture<CoreResult<Message>> Messenger::sendText(Mode mode, const QString& given,
                                                 const QString& text) {
    const QString address = given.trimmed().toLower();
    if (const auto unusable = unusableSessionId(address)) {
        return ready<Message>(coreError(CoreErrorCode::InvalidArgument, *unusable));
    }
    if (modeOf(address) != mode) {
        return ready<Message>(
            coreError(CoreErrorCode::InvalidArgument,
                      QStringLiteral("\"%1\" is not a valid recipient").arg(address.left(80))));
    }
    if (mode == Mode::Signal && !signal_) {
        return ready<Message>(coreError(
            CoreErrorCode::NotRegistered,
            QStringLiteral("this profile has no Signal account (tandemctl init signal)")));
    }
    if (mode == Mode::Session && !session_) {
        return ready<Message>(
            coreError(CoreErrorCode::NotRegistered,
                      QStringLiteral("this profile has no Session ID (tandemctl init session)")));
    }
    if ((mode == Mode::Signal &&
         (address == signal_->phone || address == relay::aciAddress(signal_->aci))) ||
        (mode == Mode::Session && address == session_->sessionId)) {
        // The network would take it and never deliver it: nothing is sent to oneself.
        return ready<Message>(coreError(
            CoreErrorCode::InvalidArgument,
            QStringLiteral("that is your own address: what you write to yourself goes to Note "
                           "to Self (tandemctl send --to self)")));
    }
    auto valid = ConversationService::validateText(text);
    if (!valid) {
        return ready<Message>(unexpected(fromStore(valid.error())));
    }
    const QString body = std::move(valid).value();
    // With a session and a certificate at hand, the message is sealed in the transaction that
    // stores it: one trip to the store instead of three before it is on the wire.
    std::optional<std::pair<signalmode::Identity, signalmode::Certificate>> sealNow;
    if (mode == Mode::Signal && relay_ && relay_->isAuthenticated() && !certificate_.isEmpty() &&
        certificateExpires_ > nowMs() + 60 * 1000) {
        sealNow.emplace(*signal_, signalmode::Certificate{certificate_, certificateExpires_});
    }
    struct Queued {
        Message message;
        std::int64_t outboxId = 0;
        std::optional<signalmode::SealedItem> sealed;
    };
    return store_.write(
        [mode, address, body, sealNow,
         onTheWire = inFlight_](Repositories& r) -> StoreResult<Queued> {
            const std::int64_t now = nowMs();
            TANDEM_TRY_ASSIGN(const Contact contact, contactForAddress(r, mode, address, now));
            if (contact.blocked) {
                return storeError(StoreErrorCode::InvalidArgument,
                                  QStringLiteral("You blocked %1. Unblock them to send.")
                                      .arg(contact.displayName.isEmpty() ? redact(address)
                                                                         : contact.displayName));
            }
            TANDEM_TRY_ASSIGN(const Conversation conversation,
                              r.conversations.forContact(contact.id, now));
            Message m;
            m.conversationId = conversation.id;
            m.uid = MessageUid::generate(now);
            m.direction = Direction::Outgoing;
            m.body = body;
            m.status = MessageStatus::Pending;
            m.sentAt = now;
            m.expireTimer = conversation.expireTimer;
            if (m.expireTimer > 0) {
                m.expireStart = now;
            }
            TANDEM_TRY_ASSIGN(const InsertResult inserted, r.messages.insert(m));
            const QByteArray content = textContent(m.uid, now, body, m.expireTimer);
            Queued out;
            TANDEM_TRY_ASSIGN(out.outboxId, enqueueContent(r, conversation.id, inserted.id,
                                                           OutboxKind::Message, content, now));
            TANDEM_TRY_ASSIGN(out.message, r.messages.get(inserted.id));
            // Only when no message of this conversation waits ahead of it (the one before
            // it, if still queued, is on the wire, sealed and not waiting for a retry; that
            // one is sealed means all before it are): order is kept.
            TANDEM_TRY_ASSIGN(const auto previous, r.outbox.previous(conversation.id, out.outboxId,
                                                                     OutboxKind::Message));
            const bool nothingWaits =
                !previous || (onTheWire.count(previous->id) != 0 && previous->nextAttemptAt <= now);
            // A verified contact whose safety number changed: it waits for the user.
            const bool held = contact.verification == Verification::Unverified;
            if (sealNow && nothingWaits && !held) {
                TANDEM_TRY_ASSIGN(
                    signalmode::SealedItem sealed,
                    signalmode::sealQueued(r, sealNow->first, out.outboxId, contact, content,
                                           sealNow->second, std::nullopt, now));
                if (!sealed.sealed.envelope.isEmpty()) {
                    out.sealed = std::move(sealed);
                }
            }
            return out;
        },
        this,
        [this](StoreResult<Queued> r) -> CoreResult<Message> {
            if (!r) {
                return unexpected(fromStore(r.error()));
            }
            if (r->sealed) {
                transmit(r->outboxId, Mode::Signal, r->sealed->recipient, r->sealed->accessKey,
                         r->sealed->sealed.envelope, r->sealed->sealed.recipientIdentity);
            }
            processOutbox();
            return std::move(r->message);
        });
}

QFuture<CoreResult<bool>> Messenger::retry(std::int64_t messageId) {
    return store_.write(
        [messageId](Repositories& r) -> StoreResult<std::optional<Message>> {
            const std::int64_t now = nowMs();
            TANDEM_TRY_ASSIGN(const Message m, r.messages.get(messageId));
            if (m.direction != Direction::Outgoing || m.status != MessageStatus::Failed) {
                return std::optional<Message>();
            }
            TANDEM_TRY_ASSIGN(const Conversation conversation,
                              r.conversations.get(m.conversationId));
            if (!conversation.contactId) {
                return std::optional<Message>();
            }
            TANDEM_TRY_ASSIGN(const bool moved,
                              r.messages.updateStatus(messageId, MessageStatus::Pending, now));
            if (!moved) {
                return std::optional<Message>();
            }
            TANDEM_TRY(r.outbox.removeForMessage(messageId));
            TANDEM_TRY(enqueueContent(r, m.conversationId, messageId, OutboxKind::Message,
                                      textContent(m.uid, m.sentAt, m.body, m.expireTimer), now));
            TANDEM_TRY_ASSIGN(Message updated, r.messages.get(messageId));
            return std::optional<Message>(std::move(updated));
        },
        this,
        [this](StoreResult<std::optional<Message>> retried) -> CoreResult<bool> {
            if (!retried) {
                return unexpected(fromStore(retried.error()));
            }
            if (!*retried) {
                return false;
            }
            emit messageUpdated(**retried);
            processOutbox();
            return true;
        });
}

QFuture<CoreResult<int>> Messenger::markRead(std::int64_t conversationId) {
    return store_.write(
        [conversationId](Repositories& r) -> StoreResult<int> {
            const std::int64_t now = nowMs();
            TANDEM_TRY_ASSIGN(
                const auto refs,
                r.messages.markRead(conversationId, std::numeric_limits<std::int64_t>::max(), now));
            TANDEM_TRY_ASSIGN(const Conversation conversation, r.conversations.get(conversationId));
            TANDEM_TRY_ASSIGN(const auto receipts,
                              r.settings.get(QString::fromLatin1(kReadReceiptsSetting)));
            const bool tell = !receipts || *receipts != "0";
            // Note to Self has no one to tell; nor has a user who keeps what they read to
            // themselves.
            if (conversation.contactId && tell) {
                for (std::size_t i = 0; i < refs.size(); i += kReceiptUids) {
                    std::vector<MessageUid> uids;
                    for (std::size_t j = i; j < std::min(refs.size(), i + kReceiptUids); ++j) {
                        uids.push_back(refs[j].uid);
                    }
                    TANDEM_TRY(
                        enqueueContent(r, conversationId, std::nullopt, OutboxKind::ReadReceipt,
                                       receiptContent(proto::Receipt::READ, uids, now), now));
                }
            }
            return static_cast<int>(refs.size());
        },
        this,
        [this](StoreResult<int> marked) -> CoreResult<int> {
            if (!marked) {
                return unexpected(fromStore(marked.error()));
            }
            if (*marked > 0) {
                processOutbox();
            }
            return *marked;
        });
}

// ---- inbound ------------------------------------------------------------------------------

void Messenger::onReceived(Mode mode, const transport::IncomingEnvelope& envelope) {
    inbound_.emplace_back(mode, envelope);
    if (!inboundBusy_) {
        processInbound();
    }
}

void Messenger::processInbound() {
    if (inbound_.empty()) {
        inboundBusy_ = false;
        checkIdle();
        return;
    }
    inboundBusy_ = true;
    auto [mode, envelope] = std::move(inbound_.front());
    inbound_.pop_front();
    const auto done = [this, mode = mode, serverId = envelope.serverId,
                       source = envelope.source](StoreResult<Opened> o) {
        openedOne(mode, serverId, source, std::move(o));
    };
    if (mode == Mode::Signal && signal_) {
        const std::map<std::uint32_t, crypto::PublicKey> trusted = {{1, network_->relay->relayKey}};
        store_.write(
            [me = *signal_, trusted, bytes = envelope.ciphertext,
             receivedAt = envelope.serverTimeMs](Repositories& r) {
                return signalmode::open(r, me, trusted, bytes, nowMs(), receivedAt);
            },
            this, done);
    } else if (mode == Mode::Session && session_) {
        store_.write(
            [me = *session_, bytes = envelope.ciphertext, hash = envelope.serverId,
             member = envelope.source,
             routes = onion_ ? onion_->routes() : QHash<QString, QString>{}](Repositories& r) {
                return sessionmode::open(r, me, bytes, hash, member, nowMs(), routes);
            },
            this, done);
    } else {
        processInbound();
    }
}

void Messenger::openedOne(Mode mode, const QByteArray& serverId, const QString& source,
                          StoreResult<Opened> opened) {
    if (!opened) {
        // Not stored: not acknowledged, so the network delivers it again later.
        qCWarning(lcCore) << "could not store a received message:" << opened.error().message;
        emit problem(opened.error().message);
        emit receiveFailed(mode, QString(), opened.error().message);
    } else {
        if (transport::Transport* t = transportFor(mode)) {
            t->acknowledge(serverId);
        }
        if (opened->identityChanged && !opened->from.isEmpty()) {
            emit identityChanged(mode, opened->from);  // learned from what they sent
        }
        using Outcome = Opened::Outcome;
        switch (opened->outcome) {
            case Outcome::Stored:
                emit messageReceived(*opened->message, opened->from, mode);
                processOutbox();  // its delivery receipt
                break;
            case Outcome::Receipt:
                for (const Message& m : opened->updated) {
                    emit messageUpdated(m);
                }
                emit latencySamplesChanged();  // a first delivery leaves a sample
                break;
            case Outcome::Probe:
                onProbeSeen(mode, *opened->probe, source);
                break;
            case Outcome::Undecryptable:
                qCWarning(lcCore) << "a message" << (opened->from.isEmpty() ? "" : "from")
                                  << redact(opened->from)
                                  << "could not be decrypted:" << opened->problem;
                emit receiveFailed(mode, opened->from, opened->problem);
                break;
            case Outcome::Duplicate:
            case Outcome::Ignored:
                break;
        }
        if (opened->usedOneTimePreKey) {
            refillPreKeys();
        }
    }
    processInbound();
}

}  // namespace tandem::core
