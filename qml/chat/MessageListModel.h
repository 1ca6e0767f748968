// MessageListModel: one conversation's messages, newest first (row 0), for a ListView laid
// out bottom to top — so the view's "end" is the oldest loaded message and scrolling up asks
// fetchMore() for the page before it. Only what has been scrolled to is in memory: a
// conversation of 100 000 messages opens with its newest page, and each page is one indexed
// read on the storage thread.
//
// When the core reports a change in this conversation, the newest window is read again:
// new messages are inserted at the top of the model (the bottom of the view) and the status
// of those already shown moves (sending → sent → delivered → read, or failed).
#pragma once

#include <vector>

#include <QAbstractListModel>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include "qml/chat/AttachmentRow.h"
#include "qml/core/FirstScreen.h"
#include "qml/core/StoreFeed.h"

namespace tandem::gui {

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::StoreFeed* feed READ feed WRITE setFeed NOTIFY feedChanged)
    Q_PROPERTY(qint64 conversationId READ conversationId WRITE setConversationId NOTIFY
                   conversationIdChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // Who "they" are in setting lines ("Alice set disappearing messages to 1 hour").
    Q_PROPERTY(QString peerName READ peerName WRITE setPeerName NOTIFY peerNameChanged)

public:
    static constexpr int kFirstPage = FirstScreen::kFirstPage;
    static constexpr int kPage = 100;
    static constexpr int kRefreshWindow = 200;
    static constexpr qint64 kGroupGapMs = 3 * 60 * 1000;  // bubbles closer than this are grouped
    static constexpr int kMaxFresh = 999;  // more new ones at once: the list starts over (a page
                                           // is at most limits::kMaxPageSize rows)

    enum Role {
        MessageIdRole = Qt::UserRole + 1,
        BodyRole,
        OutgoingRole,
        StatusRole,    // storage::statusName ("pending", "sent", …); "" when incoming
        TimeRole,      // QDateTime: when sent (outgoing) or received (incoming)
        TimeTextRole,  // that time as the bubble shows it (TimeText.h clockTime)
        DayLabelRole,
        FirstOfDayRole,   // the oldest message of its day among those loaded: show the separator
        JoinsOlderRole,   // the message before it is in the same group (same side, minutes apart)
        JoinsNewerRole,   // the message after it is in the same group: no time or tail on this one
        NoticeRole,       // a setting line (a disappearing-message timer changed), not a bubble
        ExpiresAtRole,    // ms since the epoch when it disappears; 0: not counting down
        ExpireTimerRole,  // its disappearing timer in seconds (0: none)
        StickerRole,      // a sticker message: shown as its image (body is its emoji)
        StickerPackRole,  // the sticker's pack id in hex ("" when not a sticker)
        StickerIdRole,
        AttachmentRole,  // the file sent with it (AttachmentRow::toMap), or null
    };

    explicit MessageListModel(QObject* parent = nullptr);

    [[nodiscard]] StoreFeed* feed() const { return feed_; }
    void setFeed(StoreFeed* feed);
    [[nodiscard]] qint64 conversationId() const { return conversationId_; }
    void setConversationId(qint64 id);
    [[nodiscard]] int count() const { return static_cast<int>(rows_.size()); }
    [[nodiscard]] QString peerName() const { return peerName_; }
    void setPeerName(const QString& name);

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    // The day moved on: the day separators are read again ("Today" becomes "Yesterday").
    void newDay();

signals:
    void feedChanged();
    void conversationIdChanged();
    void countChanged();
    void peerNameChanged();
    void loaded();  // a read finished (tests wait on it)

private:
    struct Row {
        qint64 id = 0;
        QString body;
        bool outgoing = false;
        int status = 0;
        qint64 time = 0;
        bool notice = false;
        qint64 expiresAt = 0;
        qint64 expireTimer = 0;
        QByteArray stickerPack;  // empty: not a sticker
        qint64 stickerId = 0;
        std::optional<AttachmentRow> attachment;
    };
    static Row rowOf(const storage::Message& m);
    static bool sameGroup(const Row& older, const Row& newer);
    void appendOlder(const std::vector<storage::Message>& page);
    // The conversation's newest page, read (or read ahead) after a reset.
    void showFirstPage(const std::vector<storage::Message>& page);
    // Drops the rows of messages that disappeared.
    void removeExpired(const QList<qint64>& ids);
    // An attachment's transfer moved on (StoreFeed::attachmentProgress).
    void transferProgress(qint64 messageId, qint64 done);
    // The row of message `id`, or end (rows_ is sorted by id, descending).
    std::vector<Row>::iterator find(qint64 id);
    void reset();
    void refresh();
    [[nodiscard]] QString dayLabel(qint64 time) const;

    QPointer<StoreFeed> feed_;
    QString peerName_;
    qint64 conversationId_ = 0;
    std::vector<Row> rows_;         // newest first
    std::uint64_t generation_ = 0;  // reads for an earlier conversation are dropped
    bool fetching_ = false;
    bool exhausted_ = false;
    bool refreshing_ = false;
    bool refreshAgain_ = false;
};

}  // namespace tandem::gui
