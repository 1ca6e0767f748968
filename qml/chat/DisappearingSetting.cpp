#include "qml/chat/DisappearingSetting.h"

#include <QDateTime>

#include "app/core/Disappearing.h"

namespace tandem::gui {

using namespace tandem::storage;
namespace disappearing = core::disappearing;

DisappearingSetting::DisappearingSetting(QObject* parent) : QObject(parent) {}

void DisappearingSetting::setFeed(StoreFeed* feed) {
    if (!StoreFeed::rebind(this, feed_, feed, [this](StoreFeed& f) {
            connect(&f, &StoreFeed::conversationChanged, this, [this](qint64 id) {
                if (id == conversationId_) {
                    read();
                }
            });
            connect(&f, &StoreFeed::readyChanged, this, &DisappearingSetting::read);
        })) {
        return;
    }
    emit feedChanged();
    read();
}

void DisappearingSetting::setConversationId(qint64 id) {
    if (id == conversationId_) {
        return;
    }
    conversationId_ = id;
    emit conversationIdChanged();
    read();
}

QString DisappearingSetting::label() const {
    return disappearing::shortLabel(seconds_);
}

QString DisappearingSetting::description() const {
    return disappearing::describe(seconds_);
}

void DisappearingSetting::read() {
    const std::uint64_t generation = ++generation_;
    if (!feed_ || !feed_->ready() || conversationId_ <= 0) {
        return;
    }
    feed_->store().read([id = conversationId_](Repositories& r) { return r.conversations.get(id); },
                        this,
                        [this, generation](StoreResult<Conversation> c) {
                            if (generation != generation_ || !c) {
                                return;
                            }
                            seconds_ = static_cast<int>(c->expireTimer);
                            afterSend_ = c->expireRule == ExpireRule::AfterSend;
                            ruleChoice_ = c->contactId.has_value() && c->mode == Mode::Session;
                            emit changed();
                        });
}

void DisappearingSetting::set(int seconds, bool afterSend) {
    if (!feed_ || !feed_->ready() || conversationId_ <= 0) {
        return;
    }
    feed_->store().write(
        [id = conversationId_, seconds, afterSend](Repositories& r) {
            return disappearing::change(r, id, seconds,
                                        afterSend ? ExpireRule::AfterSend : ExpireRule::AfterRead,
                                        QDateTime::currentMSecsSinceEpoch());
        },
        this,
        [this, id = conversationId_](StoreResult<std::optional<Message>> notice) {
            if (!notice) {
                emit failed(notice.error().message);
                return;
            }
            if (*notice && feed_) {
                emit feed_->conversationChanged(id);  // the line, and this setting read again
                feed_->queuedToSend();                // the core sends the change
            }
        });
}

}  // namespace tandem::gui
