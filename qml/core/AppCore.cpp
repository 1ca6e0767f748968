#include "qml/core/AppCore.h"

#include <QDateTime>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QStandardPaths>

#include <tandem/common/Redact.h>

#include "app/core/ConversationService.h"
#include "app/core/LatencyStats.h"
#include "app/core/Messenger.h"
#include "app/core/NetworkConfig.h"
#include "app/core/UserSettings.h"

Q_LOGGING_CATEGORY(lcApp, "tandem.app", QtWarningMsg)

namespace tandem::gui {

using namespace tandem::storage;

namespace {

constexpr int kMinPassphrase = 8;

SecretBytes secretOf(const QString& text) {
    QByteArray utf8 = text.toUtf8();
    SecretBytes out = SecretBytes::fromString(
        std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
    utf8.fill('\0');
    return out;
}

QString describe(const StoreError& e) {
    if (e.code == StoreErrorCode::WrongPassphrase) {
        return QObject::tr("That passphrase does not open this profile. Check it and try again.");
    }
    return e.message;
}

}  // namespace

AppCore::AppCore(QString profileDir, QObject* parent)
    : QObject(parent),
      profileDir_(std::move(profileDir)),
      signalStatus_(
          Mode::Signal,
          {.name = tr("Signal mode"),
           .noAccount = tr("No Signal-mode account in this profile"),
           .connected = tr("Connected to the relay"),
           .newChatHint = tr("New chat: +phone number"),
           .addressShape = tr("A phone number in international format, like +4915123456789.")}),
      sessionStatus_(Mode::Session,
                     {.name = tr("Session mode"),
                      .noAccount = tr("No Session ID in this profile"),
                      .connected = tr("Connected through an onion path"),
                      .newChatHint = tr("New chat: Session ID"),
                      .addressShape = tr("A Session ID: 66 characters starting with 05.")}),
      feed_(store_) {
    connect(&feed_, &StoreFeed::conversationChanged, this, &AppCore::countUnread);
    // A contact verified, or a new safety number accepted: what was held for them goes now.
    connect(&feed_, &StoreFeed::contactEdited, this, [this] {
        if (messenger_ != nullptr) {
            QMetaObject::invokeMethod(messenger_, &core::Messenger::resumeOutbox);
        }
    });
    hadProfile_ = Profile::exists(profileDir_);
    state_ = hadProfile_ ? State::Locked : State::NoProfile;
    coreThread_.setObjectName(QStringLiteral("tandem-core"));
    setup_ = new AccountSetupFlow(store_,
                                  {[this]() -> QObject* { return messenger_; },
                                   [this](Mode mode) { return statusOf(mode).hasAccount(); }},
                                  this);
    connect(setup_, &AccountSetupFlow::accountAdded, this, &AppCore::accountsAdded);
}

AppCore::~AppCore() {
    stopCore();
    if (store_.isOpen()) {
        store_.close().waitForFinished();
    }
}

void AppCore::setPreviews(bool previews) {
    if (previews != previews_) {
        previews_ = previews;
        emit previewsChanged();
        keep([previews](Repositories& r) { return core::UserSettings::setPreviews(r, previews); });
    }
}

void AppCore::setReadReceipts(bool on) {
    if (on != readReceipts_) {
        readReceipts_ = on;
        emit readReceiptsChanged();
        keep([on](Repositories& r) { return core::UserSettings::setReadReceipts(r, on); });
    }
}

// A setting of the profile's, written when the profile is open.
void AppCore::keep(std::function<StoreResult<void>(Repositories&)> write) {
    if (store_.isOpen()) {
        store_.write(std::move(write));
    }
}

void AppCore::countUnread() {
    if (state_ != State::Ready) {
        return;
    }
    store_.read([](Repositories& r) { return r.messages.unreadTotal(); }, this,
                [this](StoreResult<std::int64_t> count) {
                    if (count && *count != unreadTotal_) {
                        unreadTotal_ = static_cast<int>(*count);
                        emit unreadTotalChanged();
                    }
                });
}

void AppCore::accountsAdded() {
    stopCore();
    opened();  // reads the accounts again and starts the core with them
}

void AppCore::setState(State state, const QString& error) {
    const bool errorMoved = error != error_;
    error_ = error;
    if (state != state_) {
        state_ = state;
        emit stateChanged();
    }
    if (errorMoved) {
        emit errorChanged();
    }
}

QString AppCore::profileName() const {
    return QFileInfo(profileDir_).fileName();
}

QString AppCore::mode() const {
    return status()->modeName();
}

void AppCore::setMode(const QString& mode) {
    const Mode wanted = mode == QLatin1String("session") ? Mode::Session : Mode::Signal;
    if (wanted == mode_) {
        return;
    }
    mode_ = wanted;
    feed_.setMode(mode_);
    emit modeChanged();
    emit accountsChanged();
    // Remembered for the next start.
    keep([wanted](Repositories& r) { return core::UserSettings::setShownMode(r, wanted); });
}

void AppCore::createProfile(const QString& passphrase) {
    if (state_ != State::NoProfile && state_ != State::Failed) {
        return;
    }
    if (passphrase.size() < kMinPassphrase) {
        setState(state_, tr("Choose a passphrase of at least %1 characters.").arg(kMinPassphrase));
        return;
    }
    setState(State::Opening);
    store_.create(profileDir_, Credentials::withPassphrase(secretOf(passphrase)))
        .then(this, [this](StoreResult<void> created) {
            if (!created) {
                setState(State::NoProfile, describe(created.error()));
                return;
            }
            opened();
        });
}

void AppCore::unlock(const QString& passphrase) {
    if (state_ != State::Locked) {
        return;
    }
    if (passphrase.isEmpty()) {
        setState(State::Locked, tr("Enter your passphrase."));
        return;
    }
    setState(State::Opening);
    store_.open(profileDir_, Credentials::withPassphrase(secretOf(passphrase)))
        .then(this, [this](StoreResult<void> result) {
            if (!result) {
                // A wrong passphrase (or a damaged profile) is said as such; the profile is
                // untouched and the user can try again.
                setState(State::Locked, describe(result.error()));
                return;
            }
            opened();
        });
}

void AppCore::opened() {
    struct Loaded {
        std::vector<Account> accounts;
        core::UserSettings settings;
    };
    store_.read(
        [](Repositories& r) -> StoreResult<Loaded> {
            Loaded out;
            TANDEM_TRY_ASSIGN(out.accounts, r.accounts.all());
            TANDEM_TRY_ASSIGN(out.settings, core::UserSettings::load(r));
            return out;
        },
        this,
        [this](StoreResult<Loaded> loaded) {
            if (!loaded) {
                setState(State::Failed, describe(loaded.error()));
                return;
            }
            for (const Account& a : loaded->accounts) {
                statusOf(a.mode).setAddress(a.address);
            }
            // The remembered mode; else the one this profile has an account for.
            if (loaded->settings.shownMode) {
                mode_ = *loaded->settings.shownMode;
            } else if (!hasSignal() && hasSession()) {
                mode_ = Mode::Session;
            }
            if (loaded->settings.previews != previews_) {
                previews_ = loaded->settings.previews;
                emit previewsChanged();
            }
            if (loaded->settings.readReceipts != readReceipts_) {
                readReceipts_ = loaded->settings.readReceipts;
                emit readReceiptsChanged();
            }
            feed_.setMode(mode_);
            emit modeChanged();
            emit accountsChanged();
            startCore();
            feed_.setReady(true);
            setState(State::Ready);
            countUnread();
        });
}

void AppCore::startCore() {
    if (messenger_ != nullptr) {
        return;
    }
    ++coreGeneration_;
    coreThread_.start();
    // Made on the core thread, so its timers and everything it creates belong there.
    auto* anchor = new QObject;
    anchor->moveToThread(&coreThread_);
    core::Messenger* messenger = nullptr;
    QMetaObject::invokeMethod(
        anchor,
        [this, anchor, &messenger] {
            messenger = new core::Messenger(store_);
            delete anchor;  // on its own thread
        },
        Qt::BlockingQueuedConnection);
    messenger_ = messenger;
    // Everything the Messenger reports runs on the core thread first and reaches this object
    // as plain values.
    const auto toGui = [this](auto fn) { QMetaObject::invokeMethod(this, std::move(fn)); };
    connect(messenger, &core::Messenger::messageReceived, messenger,
            [toGui, this](const Message& m, const QString& from, Mode) {
                toGui([this, id = m.conversationId, from, body = m.body] {
                    emit feed_.conversationChanged(id);
                    // The name the user gave the sender, if any.
                    store_.read(
                        [id](Repositories& r) -> StoreResult<QString> {
                            TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.get(id));
                            if (!c.contactId) {
                                return QString();
                            }
                            TANDEM_TRY_ASSIGN(const Contact contact, r.contacts.get(*c.contactId));
                            return contact.displayName;
                        },
                        this,
                        [this, id, from, body](StoreResult<QString> name) {
                            emit messageArrived(id, name && !name->isEmpty() ? *name : from, body);
                        });
                });
            });
    connect(messenger, &core::Messenger::messageUpdated, messenger,
            [toGui, this](const Message& m) {
                toGui([this, id = m.conversationId] { emit feed_.conversationChanged(id); });
            });
    connect(messenger, &core::Messenger::problem, messenger,
            [toGui, this](const QString& p) { toGui([this, p] { emit sendFailed(p); }); });
    // A message that could not be read is acknowledged (the network would bring it again and
    // again): the user is told, not left to wonder.
    connect(messenger, &core::Messenger::receiveFailed, messenger,
            [toGui, this](Mode, const QString& from, const QString& why) {
                toGui([this, from, why] {
                    emit sendFailed(
                        from.isEmpty()
                            ? tr("A message could not be read: %1").arg(why)
                            : tr("A message from %1 could not be read: %2").arg(redact(from), why));
                });
            });
    connect(messenger, &core::Messenger::identityChanged, messenger,
            [toGui, this](Mode, const QString& address) {
                toGui([this, address] { emit feed_.identityChanged(address); });
            });
    connect(messenger, &core::Messenger::connectionChanged, messenger,
            [toGui, this, messenger, generation = coreGeneration_](
                Mode mode, const transport::TransportStatus& s) {
                const bool up = messenger->isConnected(mode);
                toGui([this, mode, up, detail = s.detail, path = s.path, generation] {
                    if (generation == coreGeneration_) {  // not a core that was stopped since
                        statusOf(mode).setConnection(up, detail, path);
                    }
                });
            });
    connect(messenger, &core::Messenger::latencySamplesChanged, messenger,
            [toGui, this] { toGui([this] { emit feed_.latencySamplesChanged(); }); });
    connect(messenger, &core::Messenger::probeProgress, messenger,
            [toGui, this](qint64, int done, int total) {
                toGui([this, done, total] { emit probeProgress(done, total); });
            });
    connect(messenger, &core::Messenger::latencySampled, messenger,
            [toGui, this](const LatencySample& sample) {
                const auto ms = [](const std::optional<std::int64_t>& us) {
                    return us ? static_cast<double>(*us) / 1000.0 : -1.0;
                };
                toGui([this, transport = core::transportName(sample.transport),
                       sentAt = sample.sentAt, rt = sample.lost ? -1.0 : ms(sample.roundTripUs),
                       ow = sample.lost ? -1.0 : ms(sample.oneWayUs)] {
                    emit feed_.latencySampled(transport, sentAt, rt, ow);
                });
            });
    QMetaObject::invokeMethod(messenger, [messenger] {
        messenger->start().then([](core::CoreResult<void> started) {
            if (!started) {
                qCWarning(lcApp) << "the core did not start:" << started.error().message;
            }
        });
    });
}

bool AppCore::runProbes(int count, int size, int intervalMs) {
    if (messenger_ == nullptr || probing_ ||
        (!signalStatus_.connected() && !sessionStatus_.connected())) {
        return false;
    }
    core::Messenger::ProbeOptions options;
    options.to = QStringLiteral("self");
    options.count = count;
    options.size = size;
    options.intervalMs = intervalMs;
    for (const ModeStatus* status : {&signalStatus_, &sessionStatus_}) {
        if (status->connected()) {
            options.modes.push_back(status->mode());
        }
    }
    setProbing(true);
    QPointer<AppCore> self(this);
    QMetaObject::invokeMethod(messenger_, [messenger = messenger_, options, self] {
        // The sync form: the result is posted back to this object (it may be gone by then).
        messenger->runProbes(options)
            .then([self](core::CoreResult<core::Messenger::ProbeResult> result) {
                const bool ok = result.has_value();
                QString message;
                if (ok) {
                    const auto lost = std::count_if(result->samples.begin(), result->samples.end(),
                                                    [](const LatencySample& s) { return s.lost; });
                    message = tr("probes %1, lost %2").arg(result->samples.size()).arg(lost);
                } else {
                    message = result.error().message;
                }
                QMetaObject::invokeMethod(self, [self, ok, message] {
                    if (self) {
                        self->setProbing(false);
                        emit self->probeFinished(ok, message);
                    }
                });
            })
            .onCanceled([self] {  // the core went (its promise was dropped unfinished)
                QMetaObject::invokeMethod(self, [self] {
                    if (self) {
                        self->setProbing(false);
                    }
                });
            });
    });
    return true;
}

void AppCore::setProbing(bool probing) {
    if (probing_ != probing) {
        probing_ = probing;
        emit probingChanged();
    }
}

void AppCore::stopCore() {
    if (messenger_ == nullptr) {
        return;
    }
    core::Messenger* messenger = std::exchange(messenger_, nullptr);
    setProbing(false);  // a run ends with its core
    ++coreGeneration_;  // what the stopped core reported late is not shown
    signalStatus_.reset();
    sessionStatus_.reset();
    setup_->coreStopped();
    // Destroyed on its own thread (its transports' sockets belong to it), before the store.
    QMetaObject::invokeMethod(
        messenger, [messenger] { delete messenger; }, Qt::BlockingQueuedConnection);
    coreThread_.quit();
    coreThread_.wait();
}

void AppCore::sendText(const QString& address, const QString& text) {
    queueText([mode = mode_, address, text](core::Messenger& messenger) {
        return messenger.sendText(mode, address, text);
    });
}

void AppCore::sendToConversation(qint64 conversationId, const QString& text) {
    queueText([conversationId, text](core::Messenger& messenger) {
        return messenger.sendText(conversationId, text);
    });
}

void AppCore::queueText(std::function<QFuture<core::CoreResult<Message>>(core::Messenger&)> send) {
    if (messenger_ == nullptr) {
        emit sendFailed(
            tr("Tandem is restarting its connection; the message was not sent. "
               "Send it again in a moment."));
        return;
    }
    core::Messenger* messenger = messenger_;
    QMetaObject::invokeMethod(messenger, [this, messenger, send = std::move(send)] {
        send(*messenger).then([this](core::CoreResult<Message> queued) {
            if (!queued) {
                QMetaObject::invokeMethod(
                    this, [this, why = queued.error().message] { emit sendFailed(why); });
                return;
            }
            QMetaObject::invokeMethod(
                this, [this, id = queued->conversationId] { emit feed_.conversationChanged(id); });
        });
    });
}

void AppCore::retry(qint64 messageId) {
    if (messenger_ == nullptr) {
        return;
    }
    core::Messenger* messenger = messenger_;
    QMetaObject::invokeMethod(messenger, [messenger, messageId] {
        messenger->retry(messageId).then([](core::CoreResult<bool> done) {
            if (!done) {
                qCWarning(lcApp) << "cannot retry a message:" << done.error().message;
            }
        });
    });
}

void AppCore::openNoteToSelf() {
    if (state_ != State::Ready) {
        return;
    }
    store_.write(
        [](Repositories& r) {
            return r.conversations.noteToSelf(QDateTime::currentMSecsSinceEpoch());
        },
        this,
        [this](StoreResult<Conversation> conversation) {
            if (conversation) {
                emit feed_.conversationChanged(conversation->id);
                emit noteToSelfOpened(conversation->id);
            }
        });
}

void AppCore::sendNoteToSelf(const QString& text) {
    if (state_ != State::Ready) {
        return;
    }
    core::ConversationService(store_).sendNoteToSelf(text).then(
        this, [this](StoreResult<Message> stored) {
            if (!stored) {
                emit sendFailed(stored.error().message);
                return;
            }
            emit feed_.conversationChanged(stored->conversationId);
        });
}

void AppCore::markRead(qint64 conversationId) {
    if (messenger_ == nullptr || conversationId <= 0) {
        return;
    }
    core::Messenger* messenger = messenger_;
    QMetaObject::invokeMethod(messenger, [this, messenger, conversationId] {
        messenger->markRead(conversationId)
            .then([this, conversationId](core::CoreResult<int> marked) {
                if (marked && *marked > 0) {
                    QMetaObject::invokeMethod(this, [this, conversationId] {
                        emit feed_.conversationChanged(conversationId);
                    });
                }
            });
    });
}

QString AppCore::checkAddress(const QString& address) const {
    const QString given = address.trimmed().toLower();
    if (given.isEmpty()) {
        return QString();
    }
    if (core::Messenger::modeOf(given) != mode_) {
        return status()->words().addressShape;
    }
    if (given == myAddress()) {
        return tr("That is you. Use Note to Self.");
    }
    return QString();
}

}  // namespace tandem::gui
