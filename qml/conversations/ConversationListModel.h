// ConversationListModel: the conversations of the mode the user looks at, most recent
// activity first, each with its title, last message, time and unread count. Read from the
// store on the storage thread (never on the GUI thread) whenever the core reports a change;
// several changes in a burst are read once.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include <QAbstractListModel>
#include <QPointer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include "qml/core/FirstScreen.h"
#include "qml/core/StoreFeed.h"

namespace tandem::gui {

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::StoreFeed* feed READ feed WRITE setFeed NOTIFY feedChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // Message requests (docs/people.md) are listed apart: false, the conversations without
    // them; true, the requests alone. Blocked people's conversations are in neither.
    Q_PROPERTY(bool showRequests READ showRequests WRITE setShowRequests NOTIFY showRequestsChanged)
    // How many requests wait (in either view).
    Q_PROPERTY(int requestCount READ requestCount NOTIFY requestCountChanged)

public:
    enum Role {
        ConversationIdRole = Qt::UserRole + 1,
        TitleRole,
        AddressRole,
        LastTextRole,
        LastTimeRole,      // QDateTime, invalid when there is no message
        LastTimeTextRole,  // as the list shows it (TimeText.h listTime); "" when none
        UnreadRole,
        NoteToSelfRole,
        LastOutgoingRole,
        LastStatusRole,  // storage::statusName of the last outgoing message; "" for incoming
        TimerRole,       // the disappearing-message timer, short ("1h"); "" when off
        RequestRole,     // a message request
        ContactIdRole,   // 0 for Note to Self
        AvatarRole,      // the contact's profile picture, round (a data: URL); "" for none
    };

    // Changes within this many milliseconds of each other are read once.
    static constexpr int kCoalesceMs = 30;

    explicit ConversationListModel(QObject* parent = nullptr);

    [[nodiscard]] StoreFeed* feed() const { return feed_; }
    void setFeed(StoreFeed* feed);
    [[nodiscard]] int count() const { return static_cast<int>(rows_.size()); }
    [[nodiscard]] bool showRequests() const { return showRequests_; }
    void setShowRequests(bool show);
    [[nodiscard]] int requestCount() const { return requestCount_; }

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    // The row of a conversation, or -1.
    Q_INVOKABLE int rowOf(qint64 conversationId) const;
    // The row of the conversation with this contact address, or -1.
    Q_INVOKABLE int rowOfAddress(const QString& address) const;
    // A row as {conversationId, title, address, noteToSelf} (empty if out of range).
    Q_INVOKABLE QVariantMap at(int row) const;
    Q_INVOKABLE void reload();
    // The day moved on: the times shown are read again ("21:26" becomes a weekday).
    void newDay();

signals:
    void feedChanged();
    void countChanged();
    void showRequestsChanged();
    void requestCountChanged();
    // A reload finished (tests and views wait on it).
    void loaded();

private:
    struct Row {
        qint64 id = 0;
        QString title;
        QString address;
        QString lastText;
        qint64 lastTime = 0;
        int unread = 0;
        bool noteToSelf = false;
        bool lastOutgoing = false;
        int lastStatus = 0;
        QString timer;
        bool request = false;
        qint64 contactId = 0;
        QString avatar;
        bool operator==(const Row&) const = default;
    };
    void read();
    // A read of the list (or the one made ahead as the profile opened) shown.
    void show(storage::Mode mode, bool requests, FirstScreen::List got);
    void apply(std::vector<Row> rows, bool replace);

    QPointer<StoreFeed> feed_;
    std::vector<Row> rows_;
    QTimer coalesce_;
    bool reading_ = false;
    bool again_ = false;
    std::optional<storage::Mode> shownMode_;  // the mode rows_ belong to
    bool showRequests_ = false;
    bool shownRequests_ = false;  // the view rows_ belong to
    int requestCount_ = 0;
    // Round avatars made so far: contact id → (profile version, data: URL).
    FirstScreen::Avatars avatars_;
};

}  // namespace tandem::gui
