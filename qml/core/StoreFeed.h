// StoreFeed: what the models and views read, and nothing else of the app — the open store,
// the mode the user looks at, and what changed in it. AppCore owns one and feeds it; a model
// takes a StoreFeed, not the app, so a test can drive it with a store and a few signals.
#pragma once

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <QObject>
#include <QPointer>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include "qml/core/FirstScreen.h"
#include "storage/Store.h"
#include "storage/Types.h"

namespace tandem::gui {

class StoreFeed : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the app's core has one: core.feed")
    Q_PROPERTY(bool ready READ ready NOTIFY readyChanged)

public:
    explicit StoreFeed(storage::Store& store, QObject* parent = nullptr)
        : QObject(parent), store_(store) {}

    // The store, open while ready() (read it on its own thread: store().read(…)).
    [[nodiscard]] storage::Store& store() const { return store_; }
    [[nodiscard]] bool ready() const { return ready_; }
    [[nodiscard]] storage::Mode mode() const { return mode_; }

    // Points a client's `slot` at `feed`: the old feed is disconnected from `client`, and
    // `wire` connects the new one (when not null). False when `feed` is already there.
    static bool rebind(QObject* client, QPointer<StoreFeed>& slot, StoreFeed* feed,
                       const std::function<void(StoreFeed&)>& wire) {
        if (feed == slot) {
            return false;
        }
        if (slot) {
            slot->disconnect(client);
        }
        slot = feed;
        if (feed != nullptr) {
            wire(*feed);
        }
        return true;
    }

    // The app's side.
    void setReady(bool ready) {
        if (ready != ready_) {
            ready_ = ready;
            emit readyChanged();
        }
    }
    void setMode(storage::Mode mode) {
        if (mode != mode_) {
            mode_ = mode;
            emit modeChanged();
        }
    }

    // The first screen, read while the profile opened (FirstScreen.h): offered from before
    // the feed says ready until dropFirstScreen() (the app's, once the state is Ready).
    void offerFirstScreen(FirstScreen first) { first_ = std::move(first); }
    void dropFirstScreen() { first_.reset(); }
    // A model's first read, when it was read ahead: the list of `mode`, or the newest page of
    // a conversation. Each is given once.
    [[nodiscard]] std::optional<FirstScreen::List> takeList(storage::Mode mode) {
        if (!ready_ || !first_ || !first_->list || first_->list->mode != mode) {
            return std::nullopt;
        }
        return std::exchange(first_->list, std::nullopt);
    }
    [[nodiscard]] std::optional<std::vector<storage::Message>> takePage(qint64 conversationId) {
        if (!ready_ || !first_ || !first_->page || first_->page->conversationId != conversationId) {
            return std::nullopt;
        }
        std::vector<storage::Message> newest = std::move(first_->page->newest);
        first_->page.reset();
        return newest;
    }

    // A view changed a contact (verified it, accepted a new safety number): messages held
    // for it may go now.
    void contactChanged(qint64 contactId) { emit contactEdited(contactId); }
    // A view queued something to send (a timer change): the core sends it.
    void queuedToSend() { emit outboxChanged(); }
    // The profile's key was moved into the keychain or under a passphrase (Settings): the app
    // reads which from the key file.
    void keyProtectionMoved() { emit keyProtectionChanged(); }

signals:
    void readyChanged();
    void modeChanged();
    // Something in this conversation changed (a message arrived, was sent, moved status).
    void conversationChanged(qint64 conversationId);
    // The contact at `address` has a new identity key: their safety number changed.
    void identityChanged(const QString& address);
    void contactEdited(qint64 contactId);
    // A contact's profile, request state or block changed, or a contact went (the core).
    void peopleChanged();
    void outboxChanged();
    void keyProtectionChanged();
    // Messages whose disappearing timer ran out are gone from the store (ExpiryScheduler).
    void messagesExpired(const QList<qint64>& messageIds);
    // Samples were added to the store (a delivery receipt, a probe run's end).
    void latencySamplesChanged();
    // One probe's sample, live, in milliseconds (roundTripMs < 0: lost).
    void latencySampled(const QString& transport, qint64 sentAt, double roundTripMs,
                        double oneWayMs);
    // Sticker packs were added, changed, hidden or removed (StickerService::packsChanged).
    void stickerPacksChanged();
    // A received sticker's image is in the store now.
    void stickerFetched(const QByteArray& packId, qint64 stickerId);
    // An attachment's transfer moved on: bytes done of total, either direction (at most ten
    // times a second per message: TransferProgress). Its state changes come as
    // conversationChanged.
    void attachmentProgress(qint64 messageId, qint64 done, qint64 total);

private:
    storage::Store& store_;
    bool ready_ = false;
    std::optional<FirstScreen> first_;
    storage::Mode mode_ = storage::Mode::Signal;
};

}  // namespace tandem::gui
