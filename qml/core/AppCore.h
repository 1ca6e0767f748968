// AppCore: what the QML interface sees of the core — the profile (create, unlock: its
// ProfileSession, whose state and calls are passed on here as they are), the mode
// the user looks at, the accounts and connection of each mode, and sending. QML only
// presents; every decision is here or below.
//
// Threads: the Store runs its own storage thread; the Messenger (and with it both transports)
// lives on a core thread this object starts, so neither network nor disk ever runs on the GUI
// thread. Calls into the Messenger are queued to the core thread; what it reports comes back
// as plain values queued to the GUI thread, where the models read the store for themselves.
#pragma once

#include <deque>
#include <functional>
#include <memory>

#include <QFuture>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include "app/core/CoreError.h"
#include "app/core/ExpiryScheduler.h"
#include "qml/core/AccountSetupFlow.h"
#include "qml/core/CoreThread.h"
#include "qml/core/ModeStatus.h"
#include "qml/core/ProfileSession.h"
#include "qml/core/StoreFeed.h"
#include "qml/core/TransferProgress.h"
#include "storage/Store.h"
#include "storage/Types.h"

namespace tandem::core {
class Messenger;
class SignalRegistration;
}  // namespace tandem::core

namespace tandem::gui {

class AppCore : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the app creates its AppCore")

    Q_PROPERTY(tandem::gui::ProfileSession::State state READ state NOTIFY stateChanged)
    // Whether the profile existed when the app started (Opening then means unlocking, not
    // creating).
    Q_PROPERTY(bool hadProfile READ hadProfile CONSTANT)
    // Whether the profile's key is kept in the OS keychain (tandemctl create --keychain, or
    // moved there): it opens without a passphrase (unlockWithKeychain), as Signal Desktop
    // does.
    Q_PROPERTY(bool keychain READ keychain NOTIFY keychainChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString profileDir READ profileDir CONSTANT)
    // The profile folder's name: tells two windows apart (the demo's alice and bob).
    Q_PROPERTY(QString profileName READ profileName CONSTANT)
    // "signal" or "session": the mode whose identity, contacts and conversations are shown.
    Q_PROPERTY(QString mode READ mode WRITE setMode NOTIFY modeChanged)
    Q_PROPERTY(bool hasSignal READ hasSignal NOTIFY accountsChanged)
    Q_PROPERTY(bool hasSession READ hasSession NOTIFY accountsChanged)
    // The account and connection of the mode the user looks at (one object per mode).
    Q_PROPERTY(tandem::gui::ModeStatus* status READ status NOTIFY modeChanged)
    // What the models and views read: the store, the mode, what changed.
    Q_PROPERTY(tandem::gui::StoreFeed* feed READ feed CONSTANT)
    // Account set-up (the set-up page's steps).
    Q_PROPERTY(tandem::gui::AccountSetupFlow* setup READ setup CONSTANT)
    // Notifications show the sender and the text, or only that a message came (remembered).
    Q_PROPERTY(bool previews READ previews WRITE setPreviews NOTIFY previewsChanged)
    // Whether contacts are told when their messages are read (kept in the profile).
    Q_PROPERTY(bool readReceipts READ readReceipts WRITE setReadReceipts NOTIFY readReceiptsChanged)
    // The disappearing-message timer of conversations the user starts (seconds, 0: off).
    Q_PROPERTY(int defaultTimer READ defaultTimer WRITE setDefaultTimer NOTIFY defaultTimerChanged)
    // The timers menus offer: {seconds, text}, off first.
    Q_PROPERTY(QVariantList timerPresets READ timerPresets NOTIFY languageChanged)
    // Unread incoming messages in all conversations of both modes (the tray's badge).
    Q_PROPERTY(int unreadTotal READ unreadTotal NOTIFY unreadTotalChanged)
    // A conversation to open once the list is there (tandem --open ADDRESS), then cleared.
    Q_PROPERTY(QString openAtStart READ openAtStart WRITE setOpenAtStart NOTIFY openAtStartChanged)
    // A sticker pack link to show once the profile is open (tandem tandem://stickers/…), then
    // cleared.
    Q_PROPERTY(QString linkAtStart READ linkAtStart WRITE setLinkAtStart NOTIFY linkAtStartChanged)
    // A latency comparison is running (runProbes).
    Q_PROPERTY(bool probing READ probing NOTIFY probingChanged)

public:
    // QML names the states ProfileSession.Ready, …
    using State = ProfileSession::State;

    explicit AppCore(QString profileDir, QObject* parent = nullptr);
    ~AppCore() override;

    [[nodiscard]] State state() const { return profile_.state(); }
    [[nodiscard]] bool hadProfile() const { return profile_.hadProfile(); }
    [[nodiscard]] bool keychain() const { return profile_.keychain(); }
    [[nodiscard]] QString error() const { return profile_.error(); }
    [[nodiscard]] QString profileDir() const { return profile_.profileDir(); }
    [[nodiscard]] QString profileName() const;
    [[nodiscard]] QString mode() const;
    void setMode(const QString& mode);
    [[nodiscard]] storage::Mode currentMode() const { return mode_; }
    [[nodiscard]] bool hasSignal() const { return signalStatus_.hasAccount(); }
    [[nodiscard]] bool hasSession() const { return sessionStatus_.hasAccount(); }
    [[nodiscard]] ModeStatus* status() const { return &statusOf(mode_); }
    [[nodiscard]] ModeStatus& statusOf(storage::Mode mode) const {
        return mode == storage::Mode::Signal ? signalStatus_ : sessionStatus_;
    }
    [[nodiscard]] StoreFeed* feed() const { return &feed_; }
    // This profile's address in the current mode (phone number or Session ID), or empty.
    [[nodiscard]] QString myAddress() const { return status()->address(); }
    [[nodiscard]] bool connected() const { return status()->connected(); }

    // The profile's opening (ProfileSession): create with a passphrase, unlock with one, or
    // with the key the OS keychain holds.
    Q_INVOKABLE void createProfile(const QString& passphrase) {
        profile_.createProfile(passphrase);
    }
    Q_INVOKABLE void createProfileWithKeychain() { profile_.createProfileWithKeychain(); }
    // Settings moved the key into the keychain or back under a passphrase.
    Q_INVOKABLE void readProtection() { profile_.readProtection(); }
    Q_INVOKABLE void unlock(const QString& passphrase) { profile_.unlock(passphrase); }
    Q_INVOKABLE void unlockWithKeychain() { profile_.unlockWithKeychain(); }
    // Queues a text to an address of the current mode (the conversation is created if new).
    Q_INVOKABLE void sendText(const QString& address, const QString& text);
    // Queues a text to a conversation of the list.
    Q_INVOKABLE void sendToConversation(qint64 conversationId, const QString& text);
    // Queues a sticker (its pack id in hex) to a conversation of the list, or to an address
    // of the current mode.
    Q_INVOKABLE void sendSticker(qint64 conversationId, const QString& packId, qint64 stickerId);
    Q_INVOKABLE void sendStickerTo(const QString& address, const QString& packId, qint64 stickerId);
    // Sends a file (a local file's URL, as a file dialog or a drop gives it) with a caption
    // (may be empty) to a conversation of the list, or to an address of the current mode. A
    // file the core refuses (too large, empty, unreadable) comes back as sendFailed.
    Q_INVOKABLE void sendAttachment(qint64 conversationId, const QUrl& file,
                                    const QString& caption);
    Q_INVOKABLE void sendAttachmentTo(const QString& address, const QUrl& file,
                                      const QString& caption);
    // Sends a failed message again.
    Q_INVOKABLE void retry(qint64 messageId);
    // Note to Self: opened (created if new) with noteToSelfOpened(id); texts stay here.
    Q_INVOKABLE void openNoteToSelf();
    Q_INVOKABLE void sendNoteToSelf(const QString& text);
    // The user has seen this conversation: its messages are read (a read receipt goes out).
    Q_INVOKABLE void markRead(qint64 conversationId);
    // Latency comparison (docs/latency.md): `count` probes to our own account through every
    // mode this profile has, interleaved; probeProgress while it runs, probeFinished at the
    // end (the samples are in the store then). False if one is running or nothing is connected.
    Q_INVOKABLE bool runProbes(int count, int size = 0, int intervalMs = 200);
    [[nodiscard]] bool probing() const { return probing_; }
    // Empty if `address` can be written to in the current mode, else why not (for the
    // new-conversation field, validated as it is typed).
    Q_INVOKABLE QString checkAddress(const QString& address) const;

    [[nodiscard]] AccountSetupFlow* setup() const { return setup_; }
    [[nodiscard]] bool previews() const { return previews_; }
    void setPreviews(bool previews);
    [[nodiscard]] bool readReceipts() const { return readReceipts_; }
    void setReadReceipts(bool on);
    [[nodiscard]] int defaultTimer() const { return defaultTimer_; }
    [[nodiscard]] static QVariantList timerPresets();
    // "1 hour", "90 seconds", "off".
    Q_INVOKABLE static QString describeTimer(int seconds);
    void setDefaultTimer(int seconds);
    [[nodiscard]] int unreadTotal() const { return unreadTotal_; }
    [[nodiscard]] QString openAtStart() const { return openAtStart_; }
    void setOpenAtStart(const QString& address) {
        if (address != openAtStart_) {
            openAtStart_ = address;
            profile_.setOpenAtStart(address);  // read ahead as the profile opens
            emit openAtStartChanged();
        }
    }

    [[nodiscard]] QString linkAtStart() const { return linkAtStart_; }
    void setLinkAtStart(const QString& link) {
        if (link != linkAtStart_) {
            linkAtStart_ = link;
            emit linkAtStartChanged();
        }
    }
    // The Messenger's thread, for the features' own calls into the core (CoreThread::call).
    [[nodiscard]] CoreThread& coreThread() { return core_; }

    // The open store (Ready).
    [[nodiscard]] storage::Store& store() { return store_; }

    // A private folder (mode 0700, made on first use) for the files the user opens: they
    // are decrypted there (into <folder>/<message id>/) for the desktop's application, and
    // removed with it when the app quits — or when their message disappears. Empty if it
    // cannot be made.
    [[nodiscard]] QString openedFilesFolder();

signals:
    void stateChanged();
    void keychainChanged();
    // The language was switched: words the core made (timer presets) are made again.
    void languageChanged();
    void errorChanged();
    void modeChanged();
    void accountsChanged();
    void sendFailed(const QString& reason);
    void noteToSelfOpened(qint64 conversationId);
    void previewsChanged();
    void readReceiptsChanged();
    void defaultTimerChanged();
    void openAtStartChanged();
    void linkAtStartChanged();
    void unreadTotalChanged();
    // A message arrived: who sent it (their name, else their address) and its text.
    // `disappearing`: the message has a timer (its text is not put where it cannot be taken
    // back from, like a desktop notification).
    void messageArrived(qint64 conversationId, const QString& sender, const QString& text,
                        bool disappearing);
    void probingChanged();
    void probeProgress(int done, int total);
    // `ok` false with the reason; samples `count` probes (lost ones included).
    void probeFinished(bool ok, const QString& message);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // What a mode's status says, in the language installed now.
    static ModeStatus::Words wordsOf(storage::Mode mode);
    // The profile is open (or read again after accounts were added): the core starts on it.
    void opened(const ProfileSession::Contents& contents);
    void loadAccounts();
    void startCore();
    void stopCore();
    // The core again, with the accounts now in the profile.
    void accountsAdded();
    // Queues what `send` queues on the core thread; sendFailed or conversationChanged after.
    void queueText(CoreThread::Send send);
    // The local path of a file URL; empty (and sendFailed) for anything else.
    QString localFile(const QUrl& file);
    // Files are handed to the core one after the other, each once the one before is stored,
    // so several sent at once are stored (and shown) in the order they were chosen.
    void queueFile(CoreThread::Send send);
    void sendNextFile();
    void wireCore();

    storage::Store store_;
    ProfileSession profile_;  // after the store it opens
    storage::Mode mode_ = storage::Mode::Signal;
    // Account and connection per mode, as the core thread last reported them.
    mutable ModeStatus signalStatus_;
    mutable ModeStatus sessionStatus_;
    mutable StoreFeed feed_;
    core::ExpiryScheduler expiry_;  // disappearing messages, deleted on time
    CoreThread core_;               // the Messenger on its thread; stopped before the store closes
    TransferProgress progress_;     // attachments' progress, throttled for the views
    std::unique_ptr<QTemporaryDir> openedFiles_;
    std::deque<CoreThread::Send> files_;  // files waiting for the one before to be stored
    bool fileInCore_ = false;
    AccountSetupFlow* setup_;
    bool previews_ = true;
    bool readReceipts_ = true;
    int defaultTimer_ = 0;
    int unreadTotal_ = 0;
    QString openAtStart_;
    QString linkAtStart_;
    bool probing_ = false;
    void setProbing(bool probing);
    void keep(std::function<storage::StoreResult<void>(storage::Repositories&)> write);
    void countUnread();
};

}  // namespace tandem::gui
