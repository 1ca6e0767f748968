#include "qml/core/AppCore.h"

#include <cerrno>
#include <csignal>
#include <set>
#include <unistd.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QStandardPaths>

#include "app/core/ConversationService.h"
#include "app/core/Disappearing.h"
#include "app/core/Messenger.h"
#include "app/core/NetworkConfig.h"
#include "app/core/UserSettings.h"

Q_LOGGING_CATEGORY(lcApp, "tandem.app", QtWarningMsg)

namespace tandem::gui {

using namespace tandem::storage;

ModeStatus::Words AppCore::wordsOf(Mode mode) {
    if (mode == Mode::Signal) {
        return {.name = tr("Signal mode"),
                .noAccount = tr("No Signal-mode account in this profile"),
                .connected = tr("Connected to the relay"),
                .newChatHint = tr("New chat: +phone number"),
                .addressShape = tr("A phone number in international format, like +4915123456789.")};
    }
    return {.name = tr("Session mode"),
            .noAccount = tr("No Session ID in this profile"),
            .connected = tr("Connected through an onion path"),
            .newChatHint = tr("New chat: Session ID"),
            .addressShape = tr("A Session ID: 66 characters starting with 05.")};
}

AppCore::AppCore(QString profileDir, QObject* parent)
    : QObject(parent),
      profile_(store_, std::move(profileDir)),
      signalStatus_(Mode::Signal, wordsOf(Mode::Signal)),
      sessionStatus_(Mode::Session, wordsOf(Mode::Session)),
      feed_(store_),
      expiry_(store_),
      core_(store_) {
    // The language changed in Settings: each mode's words again (QML retranslates itself).
    QCoreApplication::instance()->installEventFilter(this);
    // Disappearing messages: one timer for the soonest, read again after every change; what
    // expired leaves the views and the conversation list's previews.
    connect(&feed_, &StoreFeed::conversationChanged, &expiry_, &core::ExpiryScheduler::refresh);
    connect(&expiry_, &core::ExpiryScheduler::expired, this,
            [this](const std::vector<MessageRef>& gone) {
                QList<qint64> ids;
                std::set<qint64> conversations;
                for (const MessageRef& m : gone) {
                    ids.push_back(m.id);
                    conversations.insert(m.conversationId);
                }
                emit feed_.messagesExpired(ids);
                // A disappearing file the user opened goes from the private folder too.
                if (openedFiles_) {
                    for (const qint64 id : ids) {
                        QDir(openedFiles_->filePath(QString::number(id))).removeRecursively();
                    }
                }
                for (const qint64 c : conversations) {
                    emit feed_.conversationChanged(c);
                }
            });
    connect(&feed_, &StoreFeed::outboxChanged, &core_, &CoreThread::resumeOutbox);
    connect(&feed_, &StoreFeed::conversationChanged, this, &AppCore::countUnread);
    // A contact verified, or a new safety number accepted: what was held for them goes now.
    connect(&feed_, &StoreFeed::contactEdited, &core_, &CoreThread::resumeOutbox);
    wireCore();
    // The profile opened (or read again): the app starts on it, then the session is Ready.
    connect(&profile_, &ProfileSession::opened, this, &AppCore::opened);
    connect(&profile_, &ProfileSession::stateChanged, this, &AppCore::stateChanged);
    connect(&profile_, &ProfileSession::stateChanged, this, &AppCore::countUnread);
    // What the first screen was offered is the profile's as it opened: not kept past it
    // (FirstScreen.h).
    connect(&profile_, &ProfileSession::stateChanged, this, [this] { feed_.dropFirstScreen(); });
    connect(&profile_, &ProfileSession::errorChanged, this, &AppCore::errorChanged);
    connect(&profile_, &ProfileSession::keychainChanged, this, &AppCore::keychainChanged);
    // Said by the change itself (PassphraseChange), even if Settings was closed meanwhile.
    connect(&feed_, &StoreFeed::keyProtectionChanged, &profile_, &ProfileSession::readProtection);
    setup_ = new AccountSetupFlow(store_,
                                  {[this]() -> QObject* { return core_.messenger(); },
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

QVariantList AppCore::timerPresets() {
    QVariantList out;
    out.push_back(QVariantMap{{QStringLiteral("seconds"), 0},
                              {QStringLiteral("text"), core::disappearing::describe(0)}});
    for (const std::int64_t s : core::disappearing::kPresets) {
        out.push_back(QVariantMap{{QStringLiteral("seconds"), static_cast<int>(s)},
                                  {QStringLiteral("text"), core::disappearing::describe(s)}});
    }
    return out;
}

QString AppCore::describeTimer(int seconds) {
    return core::disappearing::describe(seconds);
}

void AppCore::setDefaultTimer(int seconds) {
    if (seconds != defaultTimer_) {
        defaultTimer_ = seconds;
        emit defaultTimerChanged();
        keep(
            [seconds](Repositories& r) { return core::UserSettings::setDefaultTimer(r, seconds); });
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
    if (profile_.state() != State::Ready) {
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
    profile_.reload();  // reads the accounts again; opened() starts the core with them
}

QString AppCore::profileName() const {
    return QFileInfo(profile_.profileDir()).fileName();
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

void AppCore::opened(const ProfileSession::Contents& contents) {
    for (const Account& a : contents.accounts) {
        statusOf(a.mode).setAddress(a.address);
    }
    // The remembered mode; else the one this profile has an account for.
    if (contents.settings.shownMode) {
        mode_ = *contents.settings.shownMode;
    } else if (!hasSignal() && hasSession()) {
        mode_ = Mode::Session;
    }
    if (contents.settings.previews != previews_) {
        previews_ = contents.settings.previews;
        emit previewsChanged();
    }
    if (contents.settings.defaultTimer != defaultTimer_) {
        defaultTimer_ = static_cast<int>(contents.settings.defaultTimer);
        emit defaultTimerChanged();
    }
    if (contents.settings.readReceipts != readReceipts_) {
        readReceipts_ = contents.settings.readReceipts;
        emit readReceiptsChanged();
    }
    feed_.setMode(mode_);
    emit modeChanged();
    emit accountsChanged();
    startCore();
    expiry_.start();
    // The views take their first reads from it as the feed says ready (a view made later
    // reads for itself).
    if (contents.first) {
        feed_.offerFirstScreen(*contents.first);
    }
    feed_.setReady(true);
}

// What the core thread reports, on this (the GUI) thread.
void AppCore::wireCore() {
    connect(&core_, &CoreThread::conversationChanged, &feed_, &StoreFeed::conversationChanged);
    connect(&core_, &CoreThread::identityChanged, &feed_, &StoreFeed::identityChanged);
    connect(&core_, &CoreThread::peopleChanged, &feed_, &StoreFeed::peopleChanged);
    connect(&core_, &CoreThread::latencySamplesChanged, &feed_, &StoreFeed::latencySamplesChanged);
    connect(&core_, &CoreThread::latencySampled, &feed_, &StoreFeed::latencySampled);
    connect(&core_, &CoreThread::stickerPacksChanged, &feed_, &StoreFeed::stickerPacksChanged);
    connect(&core_, &CoreThread::stickerFetched, &feed_, &StoreFeed::stickerFetched);
    connect(&core_, &CoreThread::attachmentProgress, &progress_, &TransferProgress::report);
    connect(&progress_, &TransferProgress::progressed, &feed_, &StoreFeed::attachmentProgress);
    connect(&core_, &CoreThread::problem, this, &AppCore::sendFailed);
    connect(&core_, &CoreThread::probeProgress, this, &AppCore::probeProgress);
    connect(&core_, &CoreThread::probeFinished, this, [this](bool ok, const QString& message) {
        setProbing(false);
        emit probeFinished(ok, message);
    });
    connect(&core_, &CoreThread::probeAbandoned, this, [this] { setProbing(false); });
    connect(&core_, &CoreThread::connectionChanged, this,
            [this](Mode mode, bool up, const QString& detail, const QStringList& path) {
                statusOf(mode).setConnection(up, detail, path);
            });
    connect(&core_, &CoreThread::messageReceived, this,
            [this](qint64 id, const QString& from, const QString& body, bool disappearing) {
                // Notified under the sender's name (the user's for them, else their profile's);
                // a message request shows neither its sender's name nor its text
                // (docs/people.md).
                struct Sender {
                    QString name;
                    bool request = false;
                };
                store_.read(
                    [id](Repositories& r) -> StoreResult<Sender> {
                        TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.get(id));
                        if (!c.contactId) {
                            return Sender{};
                        }
                        TANDEM_TRY_ASSIGN(const Contact contact, r.contacts.get(*c.contactId));
                        return Sender{contact.shownName(), !contact.accepted};
                    },
                    this,
                    [this, id, from, body, disappearing](StoreResult<Sender> sender) {
                        // Unknown (the store did not answer): told like a request, never more.
                        if (!sender || sender->request) {
                            emit messageArrived(id, tr("Message request"),
                                                tr("Someone new wrote to you."), false);
                            return;
                        }
                        emit messageArrived(id,
                                            sender && !sender->name.isEmpty() ? sender->name : from,
                                            body, disappearing);
                    });
            });
}

void AppCore::startCore() {
    core_.start();
}

bool AppCore::runProbes(int count, int size, int intervalMs) {
    if (!core_.running() || probing_ ||
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
    if (!core_.runProbes(options)) {
        return false;
    }
    setProbing(true);
    return true;
}

void AppCore::setProbing(bool probing) {
    if (probing_ != probing) {
        probing_ = probing;
        emit probingChanged();
    }
}

void AppCore::stopCore() {
    if (!core_.running()) {
        return;
    }
    setProbing(false);  // a run ends with its core
    progress_.flush();
    // Files still waiting go with the core (its answers are not passed on after a stop).
    files_.clear();
    fileInCore_ = false;
    signalStatus_.reset();
    sessionStatus_.reset();
    setup_->coreStopped();
    core_.stop();  // before the store closes
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

void AppCore::sendSticker(qint64 conversationId, const QString& packId, qint64 stickerId) {
    queueText([conversationId, pack = QByteArray::fromHex(packId.toLatin1()),
               stickerId](core::Messenger& messenger) {
        return messenger.sendSticker(conversationId, pack, stickerId);
    });
}

void AppCore::sendStickerTo(const QString& address, const QString& packId, qint64 stickerId) {
    queueText([mode = mode_, address, pack = QByteArray::fromHex(packId.toLatin1()),
               stickerId](core::Messenger& messenger) {
        return messenger.sendSticker(mode, address, pack, stickerId);
    });
}

void AppCore::sendAttachment(qint64 conversationId, const QUrl& file, const QString& caption) {
    const QString path = localFile(file);
    if (path.isEmpty()) {
        return;
    }
    queueFile([conversationId, path, caption](core::Messenger& messenger) {
        return messenger.sendAttachment(conversationId, path, caption);
    });
}

void AppCore::sendAttachmentTo(const QString& address, const QUrl& file, const QString& caption) {
    const QString path = localFile(file);
    if (path.isEmpty()) {
        return;
    }
    queueFile([mode = mode_, address, path, caption](core::Messenger& messenger) {
        return messenger.sendAttachment(mode, address, path, caption);
    });
}

void AppCore::queueFile(CoreThread::Send send) {
    files_.push_back(std::move(send));
    sendNextFile();
}

void AppCore::sendNextFile() {
    if (fileInCore_ || files_.empty()) {
        return;
    }
    CoreThread::Send send = std::move(files_.front());
    files_.pop_front();
    fileInCore_ = true;
    const bool queued = core_.call<core::CoreResult<Message>>(
        this, std::move(send), [this](core::CoreResult<Message> stored) {
            fileInCore_ = false;
            if (stored) {
                emit feed_.conversationChanged(stored->conversationId);
            } else {
                emit sendFailed(stored.error().message);
            }
            sendNextFile();
        });
    if (!queued) {
        fileInCore_ = false;
        files_.clear();
        emit sendFailed(
            tr("Tandem is restarting its connection; the file was not sent. "
               "Send it again in a moment."));
    }
}

QString AppCore::localFile(const QUrl& file) {
    if (!file.isLocalFile() || file.toLocalFile().isEmpty()) {
        emit sendFailed(tr("Only a file on this computer can be sent."));
        return {};
    }
    return file.toLocalFile();
}

QString AppCore::openedFilesFolder() {
    if (!openedFiles_) {
        // In $XDG_RUNTIME_DIR where there is one (memory only, the user's alone, emptied at
        // logout): a crash cannot leave decrypted files on a disk. A folder is named by its
        // process; those of processes that are gone (a crash) are removed first, never those
        // of another window still running.
        QString base = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
        if (base.isEmpty()) {
            base = QDir::tempPath();
        }
        const QDir root(base);
        for (const QFileInfo& left : root.entryInfoList({QStringLiteral("tandem-opened-*")},
                                                        QDir::Dirs | QDir::NoSymLinks)) {
            bool ok = false;
            const pid_t pid = left.fileName().section(u'-', 2, 2).toInt(&ok);
            if (ok && pid > 0 && left.ownerId() == ::getuid() && ::kill(pid, 0) != 0 &&
                errno == ESRCH) {
                QDir(left.absoluteFilePath()).removeRecursively();
            }
        }
        auto dir = std::make_unique<QTemporaryDir>(
            base + QStringLiteral("/tandem-opened-%1-XXXXXX").arg(::getpid()));
        // QTemporaryDir makes it 0700 already; said again, so it does not hang on that.
        if (!dir->isValid() ||
            !QFile::setPermissions(dir->path(),
                                   QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)) {
            qCWarning(lcApp) << "no private folder for opened files";
            return {};
        }
        openedFiles_ = std::move(dir);
    }
    return openedFiles_->path();
}

void AppCore::queueText(CoreThread::Send send) {
    if (!core_.queueText(std::move(send))) {
        emit sendFailed(
            tr("Tandem is restarting its connection; the message was not sent. "
               "Send it again in a moment."));
    }
}

void AppCore::retry(qint64 messageId) {
    core_.retry(messageId);
}

void AppCore::openNoteToSelf() {
    if (profile_.state() != State::Ready) {
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
    if (profile_.state() != State::Ready) {
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
    core_.markRead(conversationId);
}

bool AppCore::eventFilter(QObject* watched, QEvent* event) {
    if (watched == QCoreApplication::instance() && event->type() == QEvent::LanguageChange) {
        signalStatus_.setWords(wordsOf(Mode::Signal));
        sessionStatus_.setWords(wordsOf(Mode::Session));
        emit languageChanged();
    }
    return QObject::eventFilter(watched, event);
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
