#include "app/core/Messenger.h"

#include <limits>

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QPromise>
#include <QThread>

#include <tandem/common/Redact.h>

#include "app/core/ContentHandler.h"
#include "app/core/ConversationService.h"
#include "app/core/CoreLog.h"
#include "app/core/Guarded.h"
#include "app/core/UserSettings.h"
#include "tandem/common/Clock.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

// A future that has its value already (QtFuture::makeReadyFuture, typed for the call sites).
template <class T>
QFuture<CoreResult<T>> ready(CoreResult<T> value) {
    return QtFuture::makeReadyFuture(std::move(value));
}

}  // namespace

Messenger::Messenger(Store& store, QObject* parent, ChannelFactory factory)
    : QObject(parent),
      store_(store),
      factory_(factory ? std::move(factory) : ChannelFactory(makeChannel)),
      outbox_(std::make_unique<Outbox>(store, channels_)),
      inbox_(std::make_unique<Inbox>(store, channels_)),
      probes_(std::make_unique<LatencyProbes>(store, channels_)),
      stickers_(std::make_unique<StickerService>(store, channels_)),
      attachments_(std::make_unique<AttachmentService>(store, channels_)),
      profiles_(std::make_unique<ProfileService>(store, channels_)),
      people_(std::make_unique<PeopleService>(store)) {
    connect(outbox_.get(), &Outbox::messageUpdated, this, &Messenger::messageUpdated);
    connect(outbox_.get(), &Outbox::problem, this, &Messenger::problem);
    connect(outbox_.get(), &Outbox::settled, this, &Messenger::checkIdle);
    connect(inbox_.get(), &Inbox::messageReceived, this, &Messenger::messageReceived);
    // A sticker from a pack that is not here: its image is fetched from the network it came
    // through, and the message shown again when it is.
    connect(inbox_.get(), &Inbox::messageReceived, this,
            [this](const Message& m, const QString&, Mode mode) {
                if (m.kind == MessageKind::Sticker && m.stickerId) {
                    stickers_->fetchSticker(m.stickerPackId, *m.stickerId, mode)
                        .then(guarded(this, [this, m](CoreResult<bool> fetched) {
                            if (!fetched) {
                                qCInfo(lcCore) << "a received sticker could not be fetched:"
                                               << fetched.error().message;
                            } else if (*fetched) {
                                emit messageUpdated(m);
                            }
                            checkIdle();
                        }));
                }
            });
    // A received file is downloaded at once, through the mode it came in; one that came with
    // a message request waits until the request is accepted (docs/people.md).
    connect(inbox_.get(), &Inbox::messageReceived, this,
            [this](const Message& m, const QString&, Mode) {
                if (m.attachment) {
                    attachments_->received(m.id);
                }
            });
    connect(attachments_.get(), &AttachmentService::messageUpdated, this,
            &Messenger::messageUpdated);
    connect(attachments_.get(), &AttachmentService::settled, this, &Messenger::checkIdle);
    // Every chunk of a file is stored: its message goes like any other.
    connect(attachments_.get(), &AttachmentService::uploaded, this, [this](qint64 messageId) {
        outbox_->release(messageId).then(guarded(this, [](CoreResult<void> queued) {
            if (!queued) {
                qCWarning(lcCore) << "cannot queue a message whose file is uploaded:"
                                  << queued.error().message;
            }
        }));
    });
    connect(inbox_.get(), &Inbox::messagesUpdated, this,
            [this](const std::vector<Message>& updated) {
                for (const Message& m : updated) {
                    emit messageUpdated(m);
                }
            });
    connect(inbox_.get(), &Inbox::latencySamplesChanged, this, &Messenger::latencySamplesChanged);
    connect(inbox_.get(), &Inbox::queued, outbox_.get(), &Outbox::process);
    connect(inbox_.get(), &Inbox::probeSeen, probes_.get(), &LatencyProbes::seen);
    connect(inbox_.get(), &Inbox::receiveFailed, this, &Messenger::receiveFailed);
    connect(inbox_.get(), &Inbox::identityChanged, this, &Messenger::identityChanged);
    connect(inbox_.get(), &Inbox::problem, this, &Messenger::problem);
    connect(inbox_.get(), &Inbox::settled, this, &Messenger::checkIdle);
    connectPeople();
    connect(probes_.get(), &LatencyProbes::progress, this, &Messenger::probeProgress);
    connect(probes_.get(), &LatencyProbes::sampled, this, &Messenger::latencySampled);
    connect(probes_.get(), &LatencyProbes::samplesChanged, this, &Messenger::latencySamplesChanged);
}

void Messenger::connectPeople() {
    connect(inbox_.get(), &Inbox::profileAnnounced, profiles_.get(), &ProfileService::fetchWanted);
    connect(profiles_.get(), &ProfileService::queued, outbox_.get(), &Outbox::process);
    connect(profiles_.get(), &ProfileService::contactChanged, this, &Messenger::contactChanged);
    connect(profiles_.get(), &ProfileService::settled, this, &Messenger::checkIdle);
    connect(people_.get(), &PeopleService::queued, outbox_.get(), &Outbox::process);
    connect(people_.get(), &PeopleService::contactChanged, this, &Messenger::contactChanged);
    // Files that came with a request are fetched once it is accepted, however it was.
    connect(people_.get(), &PeopleService::requestAccepted, attachments_.get(),
            &AttachmentService::resume);
    connect(outbox_.get(), &Outbox::requestAccepted, attachments_.get(),
            &AttachmentService::resume);
    connect(people_.get(), &PeopleService::contactRemoved, this, &Messenger::contactRemoved);
    connect(people_.get(), &PeopleService::unblockedSomeone, outbox_.get(), &Outbox::process);
    // Whoever was blocked keeps only keys that open nothing new: our profile moves to a new
    // record; in Signal mode our access key is replaced too (given to the others).
    connect(people_.get(), &PeopleService::blockedSomeone, this, [this](Mode mode) {
        profiles_->rotate(mode);
        if (ModeChannel* c = channels_[mode]) {
            c->blockedSomeone();
        }
    });
}

Messenger::~Messenger() {
    // Fails the network requests still waiting, while their continuations can run (Qt 6.4
    // asserts on a QFuture continuation whose context is gone).
    stop();
    // Every store task this Messenger started has finished once this no-op has: none can
    // then be posting its continuation to this object while it is being destroyed (Store
    // drops continuations whose context is already gone, but cannot make that check and the
    // post one atomic step).
    store_.post([] {}).waitForFinished();
    // The parts go before the channels they hold.
    people_.reset();
    profiles_.reset();
    attachments_.reset();
    stickers_.reset();
    probes_.reset();
    inbox_.reset();
    outbox_.reset();
}

void Messenger::checkThread() const {
    Q_ASSERT_X(QThread::currentThread() == thread(), "Messenger",
               "the core is used from a thread other than its own");
}

QFuture<CoreResult<void>> Messenger::start() {
    checkThread();
    // The packs shipped with the app are there from the first start, with no network.
    stickers_->installBuiltins().then(guarded(this, [](CoreResult<int> installed) {
        if (!installed) {
            qCWarning(lcCore) << "cannot install the built-in sticker packs:"
                              << installed.error().message;
        }
    }));
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
        std::int64_t outbox = 0;
    };
    auto promise = std::make_shared<QPromise<CoreResult<void>>>();
    promise->start();
    store_.read(
        [](Repositories& r) -> StoreResult<Loaded> {
            Loaded out;
            TANDEM_TRY_ASSIGN(out.network, r.settings.get(QStringLiteral("network")));
            TANDEM_TRY_ASSIGN(out.outbox, r.outbox.count());
            return out;
        },
        this,
        [this, promise](StoreResult<Loaded> loaded) {
            const auto fail = [promise](CoreError error) {
                promise->addResult(unexpected(std::move(error)));
                promise->finish();
            };
            if (!loaded) {
                fail(fromStore(loaded.error()));
                return;
            }
            outbox_->setPending(loaded->outbox);
            std::optional<NetworkConfig> network;
            if (loaded->network) {
                auto config = NetworkConfig::parse(*loaded->network);
                if (!config) {
                    fail({CoreErrorCode::InvalidArgument,
                          QStringLiteral("the profile's network settings are damaged: %1")
                              .arg(config.error())});
                    return;
                }
                network = std::move(config).value();
            }
            // Every mode's channel loads its account; those without one are dropped.
            struct Starting {
                int left = 0;
                std::optional<CoreError> error;
            };
            auto starting = std::make_shared<Starting>();
            for (const Mode mode : {Mode::Signal, Mode::Session}) {
                if (channels_[mode] != nullptr) {
                    continue;  // started before
                }
                std::unique_ptr<ModeChannel> made = factory_(mode, store_, network, options_);
                if (!made) {
                    continue;
                }
                // Owned by this object until it is adopted (or dropped: no account).
                ModeChannel* channel = made.release();
                channel->setParent(this);
                ++starting->left;
                channel->start().then(
                    guarded(this, [this, channel, starting, promise](CoreResult<bool> account) {
                        if (account && *account) {
                            adopt(std::unique_ptr<ModeChannel>(channel));
                        } else {
                            if (!account) {
                                starting->error = account.error();
                            }
                            channel->deleteLater();
                        }
                        if (--starting->left > 0) {
                            return;
                        }
                        outbox_->process();
                        if (starting->error) {
                            promise->addResult(unexpected(*starting->error));
                        } else {
                            promise->addResult(CoreResult<void>());
                        }
                        promise->finish();
                    }));
            }
            if (starting->left == 0) {
                outbox_->process();
                promise->addResult(CoreResult<void>());
                promise->finish();
            }
        });
    return promise->future();
}

void Messenger::adopt(std::unique_ptr<ModeChannel> channel) {
    ModeChannel& c = *channel;
    c.setParent(nullptr);
    connect(
        &c, &ModeChannel::statusChanged, this,
        [this, mode = c.mode()](const transport::TransportStatus& s) {
            emit connectionChanged(mode, s);
            // Transfers cut by the network going away go on; the profile is published and
            // contacts' profiles fetched.
            if (s.state == transport::TransportStatus::State::Online) {
                attachments_->resume(mode);
                profiles_->publish(mode);
                profiles_->fetchWanted();
            }
            // Installed packs pick up their creators' new versions (at most every
            // StickerService::kRefreshEveryMs).
            if (s.state == transport::TransportStatus::State::Online && autoRefreshStickers_) {
                stickers_->refreshInstalled(mode).then(guarded(this, [](CoreResult<int> updated) {
                    if (!updated) {
                        qCInfo(lcCore) << "cannot look for new sticker pack versions:"
                                       << updated.error().message;
                    }
                }));
            }
        });
    connect(
        &c, &ModeChannel::identityChanged, this,
        [this, mode = c.mode()](const QString& address) { emit identityChanged(mode, address); });
    outbox_->attach(c);
    inbox_->attach(c);
    probes_->attach(c);
    channels_.add(std::move(channel));
}

void Messenger::stop() {
    probes_->cancel(QStringLiteral("stopped"));
    attachments_->stop();
    channels_.forEach([](ModeChannel& c) { c.stop(); });
}

bool Messenger::hasAccount(Mode mode) const {
    return channels_[mode] != nullptr;
}

bool Messenger::isConnected(Mode mode) const {
    const ModeChannel* c = channels_[mode];
    return c != nullptr && c->isConnected();
}

transport::TransportStatus Messenger::status(Mode mode) const {
    const ModeChannel* c = channels_[mode];
    const transport::Transport* t = c != nullptr ? c->transport() : nullptr;
    return t != nullptr ? t->status() : transport::TransportStatus{};
}

bool Messenger::isIdle() const {
    return inbox_->isIdle() && outbox_->isIdle() && stickers_->isIdle() && attachments_->isIdle() &&
           profiles_->isIdle();
}

void Messenger::checkIdle() {
    if (isIdle()) {
        emit idle();
    }
}

void Messenger::resumeOutbox() {
    checkThread();
    outbox_->process();
}

QFuture<CoreResult<bool>> Messenger::retry(std::int64_t messageId) {
    checkThread();
    // A message whose file did not finish uploading is uploaded again (from the chunks already
    // stored), then queued; any other goes back to the outbox.
    auto promise = std::make_shared<QPromise<CoreResult<bool>>>();
    promise->start();
    store_.write(
        [messageId](Repositories& r) -> StoreResult<bool> {
            const std::int64_t now = nowMs();
            TANDEM_TRY_ASSIGN(const auto m, r.messages.findById(messageId));
            if (!m || !m->attachment || m->direction != Direction::Outgoing ||
                m->status != MessageStatus::Failed) {
                return false;
            }
            // Blobs are kept 30 days: an older upload is done again, whole.
            const bool stale = m->attachment->state == TransferState::Uploaded &&
                               now - m->sentAt > AttachmentService::kReuploadAfterMs;
            if (m->attachment->state == TransferState::Uploaded && !stale) {
                return false;  // the outbox sends it again as it is
            }
            if (stale) {
                TANDEM_TRY(r.attachments.setProgress(messageId, 0, QByteArray()));
                TANDEM_TRY(r.outbox.removeForMessage(messageId));
            }
            TANDEM_TRY(r.attachments.setState(messageId, TransferState::Uploading, {}, true));
            TANDEM_TRY(r.messages.updateStatus(messageId, MessageStatus::Pending, now));
            return true;
        },
        this,
        [this, messageId, promise](StoreResult<bool> uploadAgain) {
            if (uploadAgain && *uploadAgain) {
                attachments_->upload(messageId);
                store_.read([messageId](Repositories& r) { return r.messages.get(messageId); },
                            this,
                            [this](StoreResult<Message> m) {
                                if (m) {
                                    emit messageUpdated(*m);
                                }
                            });
                promise->addResult(CoreResult<bool>(true));
                promise->finish();
                return;
            }
            outbox_->retry(messageId).then(guarded(this, [promise](CoreResult<bool> retried) {
                promise->addResult(std::move(retried));
                promise->finish();
            }));
        });
    return promise->future();
}

QFuture<CoreResult<Message>> Messenger::sendAttachment(Mode mode, const QString& given,
                                                       const QString& path,
                                                       const QString& caption) {
    checkThread();
    auto address = recipient(mode, given);
    if (!address) {
        return ready<Message>(unexpected(std::move(address).error()));
    }
    return queueFile(Outbox::ByAddress{mode, *address}, path, caption);
}

QFuture<CoreResult<Message>> Messenger::sendAttachment(std::int64_t conversationId,
                                                       const QString& path,
                                                       const QString& caption) {
    checkThread();
    return queueFile(conversationId, path, caption);
}

QFuture<CoreResult<Message>> Messenger::queueFile(const Outbox::Recipient& to, const QString& path,
                                                  const QString& caption) {
    QString text;
    if (!caption.isEmpty()) {
        auto valid = ConversationService::validateText(caption);
        if (!valid) {
            return ready<Message>(unexpected(fromStore(valid.error())));
        }
        text = *valid;
    }
    auto promise = std::make_shared<QPromise<CoreResult<Message>>>();
    promise->start();
    auto fail = [promise](CoreError error) {
        promise->addResult(unexpected(std::move(error)));
        promise->finish();
    };
    attachments_->prepare(path).then(
        guarded(this, [this, to, text, promise, fail](CoreResult<Attachment> prepared) {
            if (!prepared) {
                fail(prepared.error());
                return;
            }
            const QString copy =
                AttachmentService::folderOf(store_.folder()) + u'/' + prepared->localFile;
            outbox_->queue(to, Outbox::FileChoice{*prepared, text})
                .then(guarded(this, [this, promise, fail, copy](CoreResult<Message> queued) {
                    if (!queued) {
                        QFile::remove(copy);  // nothing names it
                        fail(queued.error());
                        return;
                    }
                    attachments_->upload(queued->id);
                    promise->addResult(std::move(queued));
                    promise->finish();
                }));
        }));
    return promise->future();
}

QFuture<CoreResult<Messenger::ProbeResult>> Messenger::runProbes(const ProbeOptions& options) {
    checkThread();
    return probes_->run(options);
}

QFuture<CoreResult<Contact>> Messenger::addContact(Mode mode, const QString& given,
                                                   const std::optional<QString>& name) {
    checkThread();
    const QString address = normalizedAddress(given);
    if (const auto unusable = unusableSessionId(address)) {
        return ready<Contact>(coreError(CoreErrorCode::InvalidArgument, *unusable));
    }
    if (modeOf(address) != mode) {
        return ready<Contact>(
            coreError(CoreErrorCode::InvalidArgument,
                      QCoreApplication::translate("Addresses", "“%1” is not a %2 address")
                          .arg(address.left(80), addressKind(mode))));
    }
    if (name) {
        if (auto valid = ConversationService::validateName(*name); !valid) {
            return ready<Contact>(unexpected(fromStore(valid.error())));
        }
    }
    return store_.write(
        [mode, address, name](Repositories& r) -> StoreResult<Contact> {
            TANDEM_TRY_ASSIGN(Contact contact, contactForAddress(r, mode, address, nowMs()));
            if (!contact.accepted) {  // adding someone accepts their request
                TANDEM_TRY(r.contacts.setAccepted(contact.id, true));
                contact.accepted = true;
            }
            if (name && contact.displayName != *name) {
                TANDEM_TRY(r.contacts.rename(contact.id, *name));
                contact.displayName = *name;
            }
            TANDEM_TRY(r.conversations.forContact(contact.id, nowMs()));
            return contact;
        },
        this,
        [this, mode](StoreResult<Contact> r) -> CoreResult<Contact> {
            if (!r) {
                return unexpected(fromStore(r.error()));
            }
            if (ModeChannel* c = channels_[mode]) {
                c->contactAdded();
            }
            attachments_->resume(mode);  // adding someone accepts their request: their files
            return std::move(r).value();
        });
}

std::optional<CoreError> Messenger::refuseText(Mode mode, const QString& address) const {
    const ModeChannel* c = channels_[mode];
    if (c == nullptr) {
        return CoreError{CoreErrorCode::NotRegistered, noAccountHint(mode)};
    }
    if (c->isOwnAddress(address)) {
        // The network would take it and never deliver it: nothing is sent to oneself.
        return CoreError{CoreErrorCode::InvalidArgument,
                         QStringLiteral("that is your own address: what you write to yourself "
                                        "goes to Note to Self (tandemctl send --to self)")};
    }
    return std::nullopt;
}

CoreResult<QString> Messenger::recipient(Mode mode, const QString& given) const {
    const QString address = normalizedAddress(given);
    if (const auto unusable = unusableSessionId(address)) {
        return coreError(CoreErrorCode::InvalidArgument, *unusable);
    }
    if (modeOf(address) != mode) {
        return coreError(CoreErrorCode::InvalidArgument,
                         QStringLiteral("\"%1\" is not a valid recipient").arg(address.left(80)));
    }
    if (auto refused = refuseText(mode, address)) {
        return unexpected(std::move(*refused));
    }
    return address;
}

QFuture<CoreResult<Message>> Messenger::sendText(Mode mode, const QString& given,
                                                 const QString& text) {
    checkThread();
    auto address = recipient(mode, given);
    if (!address) {
        return ready<Message>(unexpected(std::move(address).error()));
    }
    auto valid = ConversationService::validateText(text);
    if (!valid) {
        return ready<Message>(unexpected(fromStore(valid.error())));
    }
    return outbox_->queueText(Outbox::ByAddress{mode, *address}, *valid);
}

QFuture<CoreResult<Message>> Messenger::sendText(std::int64_t conversationId, const QString& text) {
    checkThread();
    auto valid = ConversationService::validateText(text);
    if (!valid) {
        return ready<Message>(unexpected(fromStore(valid.error())));
    }
    return outbox_->queueText(conversationId, *valid);
}

QFuture<CoreResult<Message>> Messenger::sendSticker(Mode mode, const QString& given,
                                                    const QByteArray& packId,
                                                    std::int64_t stickerId) {
    checkThread();
    auto address = recipient(mode, given);
    if (!address) {
        return ready<Message>(unexpected(std::move(address).error()));
    }
    return outbox_->queue(Outbox::ByAddress{mode, *address},
                          Outbox::StickerChoice{packId, stickerId});
}

QFuture<CoreResult<Message>> Messenger::sendSticker(std::int64_t conversationId,
                                                    const QByteArray& packId,
                                                    std::int64_t stickerId) {
    checkThread();
    return outbox_->queue(conversationId, Outbox::StickerChoice{packId, stickerId});
}

QFuture<CoreResult<int>> Messenger::markRead(std::int64_t conversationId) {
    checkThread();
    return store_.write(
        [conversationId](Repositories& r) -> StoreResult<int> {
            const std::int64_t now = nowMs();
            TANDEM_TRY_ASSIGN(
                const auto refs,
                r.messages.markRead(conversationId, std::numeric_limits<std::int64_t>::max(), now));
            TANDEM_TRY_ASSIGN(const Conversation conversation, r.conversations.get(conversationId));
            TANDEM_TRY_ASSIGN(const bool tell, UserSettings::readReceiptsOn(r));
            // Note to Self has no one to tell; nor has a user who keeps what they read to
            // themselves; and a message request's sender learns nothing until it is accepted.
            bool accepted = false;
            if (conversation.contactId) {
                TANDEM_TRY_ASSIGN(const Contact contact, r.contacts.get(*conversation.contactId));
                accepted = people::sharesWith(contact);
            }
            if (accepted && tell) {
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
                outbox_->process();
            }
            return *marked;
        });
}

}  // namespace tandem::core
