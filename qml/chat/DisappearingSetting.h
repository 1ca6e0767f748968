// DisappearingSetting: one conversation's disappearing-message timer for the chat header's
// menu — read from the store, changed through core::disappearing::change (the setting, a line
// in the chat, the update queued for the peer), which the core then sends.
#pragma once

#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include "qml/core/StoreFeed.h"

namespace tandem::gui {

class DisappearingSetting : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::StoreFeed* feed READ feed WRITE setFeed NOTIFY feedChanged)
    Q_PROPERTY(qint64 conversationId READ conversationId WRITE setConversationId NOTIFY
                   conversationIdChanged)
    Q_PROPERTY(int seconds READ seconds NOTIFY changed)
    Q_PROPERTY(bool afterSend READ afterSend NOTIFY changed)
    // Whether the start rule can be chosen (Session mode; Signal counts from reading, Note to
    // Self from the send).
    Q_PROPERTY(bool ruleChoice READ ruleChoice NOTIFY changed)
    Q_PROPERTY(QString label READ label NOTIFY changed)              // "1h", "" when off
    Q_PROPERTY(QString description READ description NOTIFY changed)  // "1 hour", "off"

public:
    explicit DisappearingSetting(QObject* parent = nullptr);

    [[nodiscard]] StoreFeed* feed() const { return feed_; }
    void setFeed(StoreFeed* feed);
    [[nodiscard]] qint64 conversationId() const { return conversationId_; }
    void setConversationId(qint64 id);
    [[nodiscard]] int seconds() const { return seconds_; }
    [[nodiscard]] bool afterSend() const { return afterSend_; }
    [[nodiscard]] bool ruleChoice() const { return ruleChoice_; }
    [[nodiscard]] QString label() const;
    [[nodiscard]] QString description() const;

    // Sets the timer (0: off; else 5 s to 4 weeks) and the rule; `failed` says why not.
    Q_INVOKABLE void set(int seconds, bool afterSend);

signals:
    void feedChanged();
    void conversationIdChanged();
    void changed();
    void failed(const QString& message);

private:
    void read();

    QPointer<StoreFeed> feed_;
    qint64 conversationId_ = 0;
    int seconds_ = 0;
    bool afterSend_ = false;
    bool ruleChoice_ = false;
    std::uint64_t generation_ = 0;
};

}  // namespace tandem::gui
