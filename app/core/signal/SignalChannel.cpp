#include "app/core/signal/SignalChannel.h"

#include <sodium.h>

#include <QDateTime>
#include <QPromise>

#include <tandem/common/Redact.h>

#include "app/core/CoreLog.h"
#include "app/core/Guarded.h"
#include "app/core/people/OwnProfile.h"
#include "crypto/QtBytes.h"
#include "crypto/signal/SealedSender.h"
#include "tandem/common/Clock.h"
#include "tandem/core.pb.h"
#include "transport/relay/Address.h"

namespace tandem::core {

using namespace tandem::storage;
using transport::TransportError;

namespace {

// A new access key the relay has not confirmed yet (docs/people.md): until it has, our
// messages still carry the old one, so no contact is given a key the relay would refuse.
const QString kAccessKeyPending = QStringLiteral("signal.access_key_pending");

// The account's access key becomes `fresh` (kept in its credentials).
StoreResult<void> replaceAccessKey(Repositories& r, const QByteArray& fresh) {
    TANDEM_TRY_ASSIGN(auto account, r.accounts.get(Mode::Signal));
    if (!account || !account->credentials) {
        return storeError(StoreErrorCode::NotFound, QStringLiteral("no Signal-mode account"));
    }
    proto::core::SignalCredentials credentials;
    if (!credentials.ParseFromArray(account->credentials->data(),
                                    static_cast<int>(account->credentials->size()))) {
        return storeError(StoreErrorCode::Internal,
                          QStringLiteral("the Signal credentials in this profile are damaged"));
    }
    credentials.set_access_key(fresh.toStdString());
    std::string bytes = credentials.SerializeAsString();
    account->credentials = makeSecret(
        SecretBytes(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));  // NOLINT
    sodium_memzero(bytes.data(), bytes.size());
    sodium_memzero(credentials.mutable_password()->data(), credentials.password().size());
    return r.accounts.put(*account);
}

// Where the relay finds a contact: their account id once known (it outlives a number change
// and is the only handle we have for someone who did not share a number), else the number.
QString relayAddressOf(const Contact& contact) {
    return contact.serviceId.isEmpty() ? contact.address : contact.serviceId;
}

void finish(const std::shared_ptr<QPromise<SealResult>>& promise, SealResult result) {
    promise->addResult(std::move(result));
    promise->finish();
}

SealResult wait() {
    return {};
}

SealResult giveUp(QString why) {
    SealResult r;
    r.outcome = SealResult::Outcome::GiveUp;
    r.problem = std::move(why);
    return r;
}

SealResult failed(TransportError error) {
    SealResult r;
    r.outcome = SealResult::Outcome::Failed;
    r.error = std::move(error);
    return r;
}

transport::OutgoingEnvelope envelopeOf(const signalmode::SealedItem& item) {
    transport::OutgoingEnvelope out;
    out.recipient = item.recipient;
    out.accessKey = item.accessKey;
    out.ciphertext = item.sealed.envelope;
    out.recipientIdentity = item.sealed.recipientIdentity;
    return out;
}

}  // namespace

SignalChannel::SignalChannel(Store& store, std::optional<NetworkConfig> network, QObject* parent)
    : ModeChannel(parent),
      store_(store),
      network_(std::move(network)),
      preKeys_(new signalmode::PreKeyPublisher(store, this)),
      accountIds_(new signalmode::AccountIdLookup(store, this)) {}

SignalChannel::~SignalChannel() {
    stop();
    store_.post([] {}).waitForFinished();  // no continuation of ours is left to run
}

QFuture<CoreResult<bool>> SignalChannel::start() {
    return store_.read(
        [](Repositories& r) { return signalmode::loadIdentity(r); }, this,
        [this](StoreResult<std::optional<signalmode::Identity>> loaded) -> CoreResult<bool> {
            if (!loaded) {
                return unexpected(fromStore(loaded.error()));
            }
            me_ = std::move(loaded).value();
            if (!me_) {
                return false;
            }
            if (network_ && network_->relay && !relay_) {
                connectTransport();
            }
            return true;
        });
}

void SignalChannel::connectTransport() {
    relay_ = new transport::RelayTransport(*network_->relay, {me_->phone, me_->password}, this);
    connect(relay_, &transport::Transport::statusChanged, this, &ModeChannel::statusChanged);
    connect(relay_, &transport::RelayTransport::preKeysLow, this, &SignalChannel::refillPreKeys);
    // They replaced their access key (they blocked us, or we had an old one): the send went
    // again as an identified one; later ones go so at once, until they give us a new key.
    connect(relay_, &transport::RelayTransport::accessKeyRefused, this,
            [this](const QString& recipient) {
                store_.write(
                    [recipient](Repositories& r) -> StoreResult<void> {
                        TANDEM_TRY_ASSIGN(const auto contact,
                                          findContact(r, Mode::Signal, recipient));
                        if (contact) {
                            TANDEM_TRY(r.contacts.setAccessKey(contact->id, QByteArray()));
                        }
                        return {};
                    },
                    this, [](StoreResult<void>) {});
            });
    connect(relay_, &transport::RelayTransport::authenticated, this, [this] {
        ensureCertificate();
        refillPreKeys();
        resolveContacts();
        sendAccessKey();
        emit connected();
    });
    relay_->start();
}

void SignalChannel::stop() {
    if (relay_) {
        relay_->stop();
    }
}

bool SignalChannel::isConnected() const {
    return relay_ && relay_->isAuthenticated();
}

bool SignalChannel::isOwnAddress(const QString& address) const {
    return me_ && (address == me_->phone || address == relay::aciAddress(me_->aci));
}

bool SignalChannel::certificateFresh(std::int64_t marginMs) const {
    return !certificate_.isEmpty() && certificateExpires_ > nowMs() + marginMs;
}

transport::RelayAccountClient SignalChannel::account() const {
    return transport::RelayAccountClient(relay_ ? relay_->control() : nullptr);
}

// ---- sending ------------------------------------------------------------------------------

std::optional<ModeChannel::InlineSeal> SignalChannel::inlineSeal() const {
    if (!me_ || !isConnected() || !certificateFresh(kCertificateSendMarginMs)) {
        return std::nullopt;
    }
    return InlineSeal(
        [me = *me_, certificate = signalmode::Certificate{certificate_, certificateExpires_},
         store = &store_](Repositories& r, const Contact& contact, const QByteArray& content,
                          std::int64_t now) -> StoreResult<InlineSealed> {
            TANDEM_TRY_ASSIGN(
                signalmode::SealedItem sealed,
                signalmode::sealItem(r, me, contact, content, certificate, std::nullopt, now));
            // Anything but a sealed envelope (a bundle to fetch, a crypto failure) is left to
            // seal(), which knows what to do about it.
            if (sealed.sealed.envelope.isEmpty()) {
                return InlineSealed{};
            }
            // The next message to them skips the seal's two scalar multiplications: made on
            // the store thread once this transaction is done, while this one is on its way.
            store->post([cache = me.sealedCache, identity = sealed.sealed.recipientIdentity] {
                const auto ed = crypto::publicKeyFrom(crypto::view(identity), "identity key");
                if (!cache || !ed) {
                    return;
                }
                if (const auto key = cache->identity(*ed)) {
                    (void)cache->prepareEphemeral(key->x25519);
                }
            });
            return InlineSealed{envelopeOf(sealed), std::move(sealed.stored)};
        });
}

QFuture<SealResult> SignalChannel::seal(std::int64_t outboxId, const Contact& contact,
                                        const QByteArray& content) {
    auto promise = std::make_shared<QPromise<SealResult>>();
    promise->start();
    if (!me_ || !isConnected()) {
        finish(promise, wait());  // the connection wakes the outbox
    } else if (!certificateFresh(kCertificateSendMarginMs)) {
        ensureCertificate();  // wakes the outbox once it is here
        finish(promise, wait());
    } else if (bundlesInFlight_.count(contact.address) != 0) {
        finish(promise, wait());  // the session is being set up; this item follows it
    } else {
        sealWith(promise, outboxId, contact, content, std::nullopt);
    }
    return promise->future();
}

void SignalChannel::sealWith(const Promise& promise, std::int64_t outboxId, const Contact& contact,
                             const QByteArray& content,
                             const std::optional<crypto::signal::PreKeyBundle>& bundle) {
    store_.write(
        [me = *me_, outboxId, contact, content,
         certificate = signalmode::Certificate{certificate_, certificateExpires_},
         bundle](Repositories& r) {
            return signalmode::sealQueued(r, me, outboxId, contact, content, certificate, bundle,
                                          nowMs());
        },
        this,
        [this, promise, outboxId, contact, content](StoreResult<signalmode::SealedItem> result) {
            if (!result) {
                qCWarning(lcCore) << "cannot seal a message:" << result.error().message;
                finish(promise, wait());
                return;
            }
            if (result->sealed.identityChanged) {
                emit identityChanged(contact.address);
            }
            if (result->sealed.held || result->waiting) {
                // Until the user accepts the new identity; or until the item before it is
                // sealed.
                finish(promise, wait());
            } else if (result->sealed.needBundle) {
                if (bundlesInFlight_.count(contact.address) != 0) {
                    finish(promise, wait());  // another item is setting up the session
                } else {
                    fetchBundleThenSeal(promise, outboxId, contact, content);
                }
            } else if (!result->sealed.problem.isEmpty()) {
                finish(promise, giveUp(result->sealed.problem));
            } else {
                SealResult sent;
                sent.outcome = SealResult::Outcome::Send;
                sent.envelope = envelopeOf(*result);
                finish(promise, std::move(sent));
            }
        });
}

void SignalChannel::fetchBundleThenSeal(const Promise& promise, std::int64_t outboxId,
                                        const Contact& contact, const QByteArray& content) {
    bundlesInFlight_.insert(contact.address);
    account()
        .fetchBundle(relayAddressOf(contact))
        .then(guarded(this, [this, promise, outboxId, contact,
                             content](Expected<transport::RelayBundle, TransportError> reply) {
            if (!reply) {
                bundlesInFlight_.erase(contact.address);
                finish(promise, reply.error().code == TransportError::Code::NotFound
                                    ? giveUp(QStringLiteral("%1 is not registered with Tandem")
                                                 .arg(redact(contact.address)))
                                    : failed(reply.error()));
                return;
            }
            auto bundle = crypto::signal::PreKeyBundle::parse(crypto::view(reply->bundle));
            if (!bundle) {
                bundlesInFlight_.erase(contact.address);
                finish(promise, giveUp(QStringLiteral("the relay sent a damaged prekey bundle")));
                return;
            }
            store_.write(
                // No access key comes with a bundle (docs/people.md): a contact gives theirs
                // inside their messages once they accept us; until then we send identified.
                [contactId = contact.id, aci = reply->aci](Repositories& r) -> StoreResult<void> {
                    if (aci.size() == relay::kAciBytes) {
                        // Replies from them name only this id: it must lead back here.
                        TANDEM_TRY_ASSIGN(const Contact current, r.contacts.get(contactId));
                        TANDEM_TRY(signalmode::learnServiceId(r, current, relay::aciAddress(aci),
                                                              nowMs()));
                    }
                    return {};
                },
                this,
                [this, promise, outboxId, contact, content,
                 bundle = std::move(bundle).value()](StoreResult<void>) {
                    sealWith(promise, outboxId, contact, content, bundle);
                    // The items that waited for this session are sealed after this one: the
                    // store runs writes in order, so they follow it on the wire too.
                    bundlesInFlight_.erase(contact.address);
                    emit wake();
                });
        }));
}

bool SignalChannel::sealedStillGood(std::int64_t outboxId, std::int64_t sealedExpiresMs) {
    if (sealedExpiresMs == 0 || sealedExpiresMs >= nowMs() + kCertificateSendMarginMs) {
        return true;
    }
    // Sealed with a certificate that would be expired when the relay takes it (the recipient
    // judges it by that time): sealed again, with a new one.
    resealExpired(outboxId);
    return false;
}

void SignalChannel::resealExpired(std::int64_t outboxId) {
    store_.write(
        [outboxId](Repositories& r) { return signalmode::unsealExpired(r, outboxId); }, this,
        [this, outboxId](StoreResult<bool> unsealed) {
            if (unsealed && !*unsealed) {
                emit sealGivenUp(outboxId, QStringLiteral("the queued message's sender "
                                                          "certificate expired and it cannot be "
                                                          "sealed again"));
                return;
            }
            if (!unsealed) {
                qCWarning(lcCore) << "cannot seal a message again:" << unsealed.error().message;
            }
            emit released(outboxId);
        });
}

bool SignalChannel::mendRefused(std::int64_t outboxId, const TransportError& error) {
    // The recipient registered again (a new identity key, a new access key), or is not
    // registered at all: the relay gives one answer to an unknown recipient and a wrong access
    // key. Their keys are fetched anew; the bundle fetch then tells the two apart.
    if (error.code != TransportError::Code::StaleIdentity &&
        error.code != TransportError::Code::Unauthorized) {
        return false;
    }
    resealForNewIdentity(outboxId, error.message);
    return true;
}

void SignalChannel::resealForNewIdentity(std::int64_t outboxId, const QString& why) {
    qCInfo(lcCore) << "a recipient registered again: their keys are fetched anew";
    store_.write(
        [outboxId, why](Repositories& r) -> StoreResult<bool> {
            TANDEM_TRY_ASSIGN(const OutboxItem item, r.outbox.get(outboxId));
            // A relay that refuses every new seal too would have us fetch keys forever.
            if (item.attempts >= kMaxReseals) {
                return false;
            }
            TANDEM_TRY(r.outbox.recordFailure(outboxId, why, nowMs()));
            TANDEM_TRY_ASSIGN(const Conversation conversation,
                              r.conversations.get(item.conversationId));
            if (!conversation.contactId) {
                return false;
            }
            TANDEM_TRY_ASSIGN(const Contact contact, r.contacts.get(*conversation.contactId));
            return signalmode::unsealStale(r, outboxId, contact);
        },
        this,
        [this, outboxId, why](StoreResult<bool> unsealed) {
            if (!unsealed || !*unsealed) {
                emit sealGivenUp(outboxId, why);  // sealed by an older version: no content kept
                return;
            }
            emit released(outboxId);  // no session now, so a new bundle is fetched
        });
}

void SignalChannel::ensureCertificate() {
    if (certificateRequested_ || !isConnected() || certificateFresh(kCertificateMarginMs)) {
        return;
    }
    certificateRequested_ = true;
    account().senderCertificate().then(
        guarded(this, [this](Expected<QByteArray, TransportError> certificate) {
            certificateRequested_ = false;
            if (!certificate) {
                if (isConnected()) {  // (not worth a word when we stopped)
                    qCWarning(lcCore) << "the relay did not issue a sender certificate:"
                                      << certificate.error().message;
                }
                return;
            }
            const auto verified = crypto::signal::SenderCertificate::verify(
                crypto::view(*certificate), {{1, network_->relay->relayKey}},
                static_cast<std::uint64_t>(nowMs()));
            if (!verified) {
                qCWarning(lcCore) << "the relay's sender certificate is not valid:"
                                  << verified.error().message;
                return;
            }
            certificate_ = *certificate;
            certificateExpires_ = static_cast<std::int64_t>(verified->expiresMs);
            emit wake();
        }));
}

void SignalChannel::refillPreKeys() {
    if (me_ && isConnected() && !preKeys_->busy()) {
        preKeys_->refill(account(), *me_);
    }
}

void SignalChannel::contactAdded() {
    if (isConnected()) {
        resolveContacts();
    }
}

void SignalChannel::resolveContacts() {
    if (isConnected()) {
        accountIds_->run(account());
    }
}

// ---- receiving ----------------------------------------------------------------------------

ModeChannel::OpenTask SignalChannel::opener(const transport::IncomingEnvelope& envelope) const {
    if (!me_ || !network_ || !network_->relay) {
        return {};
    }
    return [me = *me_,
            trusted = std::map<std::uint32_t, crypto::PublicKey>{{1, network_->relay->relayKey}},
            bytes = envelope.ciphertext, receivedAt = envelope.serverTimeMs](Repositories& r) {
        return signalmode::open(r, me, trusted, bytes, nowMs(), receivedAt);
    };
}

void SignalChannel::afterOpened(const Opened& opened) {
    if (opened.usedOneTimePreKey) {
        refillPreKeys();
    }
}

// ---- latency probes -----------------------------------------------------------------------

std::optional<ProbePeer> SignalChannel::self(QString* why) {
    if (!me_ || !certificateFresh(kCertificateSendMarginMs)) {
        ensureCertificate();
        *why = QStringLiteral("the sender certificate is not here yet; try again");
        return std::nullopt;
    }
    return ProbePeer{relay::aciAddress(me_->aci), me_->accessKey,
                     crypto::qbytes(me_->keys->publicKey().ed25519)};
}

std::optional<ProbePeer> SignalChannel::probePeer(const QString& address,
                                                  const std::optional<Contact>& contact,
                                                  QString* why) const {
    // A probe carries our access key (stamp): only to someone we accepted and did not block.
    if (contact && !people::sharesWith(*contact)) {
        *why = QStringLiteral("%1 is not an accepted contact: accept them (or unblock them) first")
                   .arg(redact(address));
        return std::nullopt;
    }
    if (!contact || contact->identityKey.isEmpty() || contact->accessKey.size() != 16) {
        *why = QStringLiteral(
                   "exchange a message with %1 first: probes need their identity and access keys")
                   .arg(redact(address));
        return std::nullopt;
    }
    return ProbePeer{relayAddressOf(*contact), contact->accessKey, contact->identityKey};
}

void SignalChannel::stamp(proto::Content& content) const {
    if (me_) {
        content.set_sender_access_key(me_->accessKey.toStdString());
    }
}

std::optional<QByteArray> SignalChannel::sealProbe(const ProbePeer& peer, const QByteArray& content,
                                                   QString* problem) const {
    if (!me_ || certificate_.isEmpty()) {
        *problem = QStringLiteral("no Signal-mode account or sender certificate");
        return std::nullopt;
    }
    crypto::PublicKey ed25519{};
    if (peer.identityKey.size() != static_cast<qsizetype>(ed25519.size())) {
        *problem = QStringLiteral("no identity key for the recipient");
        return std::nullopt;
    }
    std::copy(peer.identityKey.begin(), peer.identityKey.end(), ed25519.begin());
    const auto recipient = crypto::signal::IdentityPublicKey::fromEd25519(ed25519);
    if (!recipient) {
        *problem = recipient.error().message;
        return std::nullopt;
    }
    auto sealed = crypto::signal::sealSender(*me_->keys, crypto::view(certificate_),
                                             crypto::signal::MessageType::Probe,
                                             crypto::view(content), *recipient);
    if (!sealed) {
        *problem = sealed.error().message;
        return std::nullopt;
    }
    return crypto::qbytes(*sealed);
}

// ---- blocking -----------------------------------------------------------------------------

void SignalChannel::blockedSomeone() {
    // A new access key, for the relay first: once it took it, the blocked person's key is
    // refused and the people we accepted are given the new one (a ProfileUpdate each).
    QByteArray fresh(static_cast<qsizetype>(relay::kAccessKeyBytes), Qt::Uninitialized);
    randombytes_buf(fresh.data(), static_cast<std::size_t>(fresh.size()));
    store_.write(
        [fresh](Repositories& r) { return r.settings.set(kAccessKeyPending, fresh); }, this,
        [this](StoreResult<void> kept) {
            if (!kept) {
                qCWarning(lcCore) << "cannot keep a new access key:" << kept.error().message;
                return;
            }
            sendAccessKey();
        });
}

void SignalChannel::sendAccessKey() {
    if (!me_ || !isConnected()) {
        return;  // at the next connection
    }
    store_.read([](Repositories& r) { return r.settings.get(kAccessKeyPending); }, this,
                [this](StoreResult<std::optional<QByteArray>> pending) {
                    if (!pending || !*pending ||
                        (*pending)->size() != static_cast<qsizetype>(relay::kAccessKeyBytes)) {
                        return;
                    }
                    const QByteArray key = **pending;
                    account().setAccessKey(key).then(
                        this, [this, key](Expected<void, TransportError> told) {
                            if (!told) {
                                qCInfo(lcCore) << "the relay did not take the new access key yet:"
                                               << told.error().message;
                                return;  // again at the next connection
                            }
                            keyAccepted(key);
                        });
                });
}

void SignalChannel::keyAccepted(const QByteArray& key) {
    store_.write(
        [key](Repositories& r) -> StoreResult<int> {
            TANDEM_TRY_ASSIGN(const auto pending, r.settings.get(kAccessKeyPending));
            if (!pending || *pending != key) {
                return -1;  // replaced again meanwhile: that one is sent next
            }
            TANDEM_TRY(replaceAccessKey(r, key));
            TANDEM_TRY(r.settings.remove(kAccessKeyPending));
            return people::tellAccepted(r, Mode::Signal, nowMs());
        },
        this,
        [this, key](StoreResult<int> told) {
            if (!told) {
                qCWarning(lcCore) << "cannot keep the new access key:" << told.error().message;
                return;
            }
            if (*told < 0) {
                sendAccessKey();
                return;
            }
            if (me_) {
                me_->accessKey = key;
            }
            emit wake();  // the ProfileUpdates that carry it
        });
}

}  // namespace tandem::core
