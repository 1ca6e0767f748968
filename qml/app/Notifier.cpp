#include "qml/app/Notifier.h"

#include <QPainter>

namespace tandem::gui {

Notifier::Notifier(AppCore& core, QWindow* window, QObject* parent)
    : QObject(parent), core_(core), window_(window) {
    connect(&core_, &AppCore::messageArrived, this, &Notifier::onMessage);
    connect(&core_, &AppCore::unreadTotalChanged, this, &Notifier::updateBadge);
    // Read, expired, deleted: every such change is the conversation's (StoreFeed).
    connect(core_.feed(), &StoreFeed::conversationChanged, this, &Notifier::withdrawIfRead);
}

void Notifier::withdrawIfRead(qint64 conversationId) {
    if (notifications_ == nullptr || !notifications_->showing(conversationId) ||
        core_.state() != AppCore::State::Ready) {
        return;
    }
    core_.store().read(
        [conversationId](storage::Repositories& r) {
            return r.messages.unreadCount(conversationId);
        },
        this,
        [this, conversationId](storage::StoreResult<std::int64_t> unread) {
            if (unread && *unread == 0 && notifications_ != nullptr) {
                notifications_->withdraw(conversationId);
            }
        });
}

void Notifier::showTray() {
    desktop();
    if (tray_ != nullptr) {
        return;
    }
    tray_ = new TrayIcon(this);
    connect(tray_, &TrayIcon::activated, this, &Notifier::raiseWindow);
    // The icon with the unread count so far, and the tooltip; where the desktop has no tray,
    // nothing (asked once).
    updateBadge();
}

DesktopNotifications& Notifier::desktop() {
    if (notifications_ == nullptr) {
        notifications_ = new DesktopNotifications(this);
        connect(notifications_, &DesktopNotifications::clicked, this, &Notifier::openConversation);
    }
    return *notifications_;
}

void Notifier::raiseWindow() {
    if (window_) {
        window_->show();
        window_->raise();
        window_->requestActivate();
    }
}

void Notifier::openConversation(qint64 conversationId) {
    raiseWindow();
    if (core_.state() != AppCore::State::Ready || conversationId <= 0) {
        return;  // still locked: the window, nothing more
    }
    core_.store().read(
        [conversationId](storage::Repositories& r) { return r.conversations.get(conversationId); },
        this,
        [this](storage::StoreResult<storage::Conversation> conversation) {
            if (!conversation || !window_) {
                return;  // gone since (it disappeared, or was deleted)
            }
            // Its mode's list first (Note to Self, without a mode, is in both).
            if (conversation->mode && *conversation->mode != core_.currentMode()) {
                core_.setMode(*conversation->mode == storage::Mode::Session
                                  ? QStringLiteral("session")
                                  : QStringLiteral("signal"));
            }
            // Main.qml's showConversation: opened once it is in the list.
            QMetaObject::invokeMethod(window_, "showConversation",
                                      Q_ARG(QVariant, QVariant::fromValue(conversation->id)));
        });
}

QIcon Notifier::badgeIcon(int unread) {
    QPixmap pixmap(QIcon(QStringLiteral(":/icons/tandem.svg")).pixmap(64, 64));
    if (pixmap.isNull()) {
        pixmap = QPixmap(64, 64);
        pixmap.fill(QColor(0x2c, 0x6b, 0xed));
    }
    if (unread > 0) {
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setBrush(QColor(0xd3, 0x2f, 0x2f));
        painter.setPen(Qt::NoPen);
        const QRect badge(28, 0, 36, 36);
        painter.drawEllipse(badge);
        painter.setPen(Qt::white);
        QFont font = painter.font();
        font.setBold(true);
        font.setPixelSize(unread > 99 ? 14 : 20);
        painter.setFont(font);
        painter.drawText(badge, Qt::AlignCenter,
                         unread > 99 ? QStringLiteral("99+") : QString::number(unread));
    }
    return QIcon(pixmap);
}

QString Notifier::notificationBody(const QString& text) {
    // At most 200 characters, not cutting a surrogate pair in two.
    qsizetype end = std::min<qsizetype>(text.size(), 200);
    if (end < text.size() && end > 0 && text[end - 1].isHighSurrogate()) {
        --end;
    }
    return text.left(end).toHtmlEscaped();
}

void Notifier::updateBadge() {
    const int unread = core_.unreadTotal();
    if (tray_ != nullptr) {
        const QString tip = unread > 0 ? tr("Tandem — %n unread", "", unread) : tr("Tandem");
        if (tray_->shown()) {
            tray_->update(badgeIcon(unread), tip);
        } else if (!triedTray_) {
            triedTray_ = true;
            tray_->show(badgeIcon(unread), tip);
        }
    }
}

void Notifier::onMessage(qint64 conversationId, const QString& sender, const QString& text,
                         bool disappearing) {
    if (window_ && window_->isActive()) {
        return;  // the user is looking at Tandem
    }
    Shown shown;
    shown.conversationId = conversationId;
    if (core_.previews() && disappearing) {
        // A desktop notification cannot be taken back when the message disappears: who, not
        // what.
        shown.title = sender;
        shown.text = tr("New disappearing message");
    } else if (core_.previews()) {
        shown.title = sender;  // the summary is plain text by the specification
        shown.text = notificationBody(text);
    } else {
        // Previews off: not who, not what.
        shown.title = tr("Tandem");
        shown.text = tr("New message");
    }
    last_ = shown;
    ++count_;
    desktop().show(shown.title, shown.text, conversationId);
}

}  // namespace tandem::gui
