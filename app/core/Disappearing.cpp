#include "app/core/Disappearing.h"

#include <algorithm>
#include <limits>

#include <QCoreApplication>
#include <QStringList>

#include "app/core/ContentHandler.h"
#include "app/core/UserSettings.h"
#include "proto/ContentCodec.h"
#include "storage/Limits.h"

namespace tandem::core::disappearing {

using namespace tandem::storage;

namespace {

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kWeek = 7 * kDay;

// A peer's version is taken up to here: one far above it could otherwise leave no room for
// the versions after it.
constexpr std::int64_t kMaxVersion = std::numeric_limits<std::int64_t>::max() / 2;

// The app's translation; tandemctl installs none, so it prints the English.
QString tr(const char* text) {
    return QCoreApplication::translate("Disappearing", text);
}

}  // namespace

std::int64_t clampSeconds(std::uint64_t seconds) {
    if (seconds == 0) {
        return 0;
    }
    return static_cast<std::int64_t>(
        std::clamp<std::uint64_t>(seconds, limits::kMinExpireTimerSeconds,
                                  static_cast<std::uint64_t>(limits::kMaxExpireTimerSeconds)));
}

ExpireRule allowedRule(const Conversation& conversation, ExpireRule wanted) {
    if (!conversation.contactId) {
        return ExpireRule::AfterSend;
    }
    if (conversation.mode == Mode::Signal) {
        return ExpireRule::AfterRead;
    }
    return wanted;
}

std::optional<std::int64_t> parseDuration(const QString& given, QString* error) {
    const QString text = given.trimmed().toLower();
    if (text == QLatin1String("off") || text == QLatin1String("0")) {
        return 0;
    }
    static const std::array<std::pair<QChar, std::int64_t>, 5> kUnits = {
        {{u's', 1}, {u'm', kMinute}, {u'h', kHour}, {u'd', kDay}, {u'w', kWeek}}};
    std::int64_t unit = 1;
    QString number = text;
    for (const auto& [suffix, seconds] : kUnits) {
        if (text.endsWith(suffix)) {
            unit = seconds;
            number.chop(1);
            break;
        }
    }
    bool ok = false;
    const qlonglong n = number.toLongLong(&ok);
    const bool digitsOnly = !number.isEmpty() && std::all_of(number.begin(), number.end(),
                                                             [](QChar c) { return c.isDigit(); });
    if (!ok || !digitsOnly) {
        *error = QStringLiteral(
                     "\"%1\" is not a timer: give off, 5s, 30s, 5m, 1h, 8h, 1d, 1w, 4w or a number "
                     "of seconds")
                     .arg(given.left(40));
        return std::nullopt;
    }
    if (n > limits::kMaxExpireTimerSeconds / unit || n * unit < limits::kMinExpireTimerSeconds) {
        *error = QStringLiteral("a timer lies between 5 seconds and 4 weeks (or is off)");
        return std::nullopt;
    }
    return n * unit;
}

QString describe(std::int64_t seconds) {
    if (seconds <= 0) {
        return QCoreApplication::translate("Disappearing", "off");
    }
    struct Unit {
        std::int64_t seconds;
        const char* one;
        const char* many;
    };
    static constexpr std::array<Unit, 5> kNames = {
        {{kWeek, QT_TRANSLATE_NOOP("Disappearing", "1 week"),
          QT_TRANSLATE_NOOP("Disappearing", "%1 weeks")},
         {kDay, QT_TRANSLATE_NOOP("Disappearing", "1 day"),
          QT_TRANSLATE_NOOP("Disappearing", "%1 days")},
         {kHour, QT_TRANSLATE_NOOP("Disappearing", "1 hour"),
          QT_TRANSLATE_NOOP("Disappearing", "%1 hours")},
         {kMinute, QT_TRANSLATE_NOOP("Disappearing", "1 minute"),
          QT_TRANSLATE_NOOP("Disappearing", "%1 minutes")},
         {1, QT_TRANSLATE_NOOP("Disappearing", "1 second"),
          QT_TRANSLATE_NOOP("Disappearing", "%1 seconds")}}};
    for (const Unit& unit : kNames) {
        if (seconds % unit.seconds == 0) {
            const std::int64_t n = seconds / unit.seconds;
            return n == 1 ? tr(unit.one) : tr(unit.many).arg(n);
        }
    }
    return QCoreApplication::translate("Disappearing", "%1 seconds").arg(seconds);
}

QString shortLabel(std::int64_t seconds) {
    if (seconds <= 0) {
        return {};
    }
    for (const auto& [unit, suffix] : {std::pair{kWeek, "w"}, std::pair{kDay, "d"},
                                       std::pair{kHour, "h"}, std::pair{kMinute, "m"}}) {
        if (seconds % unit == 0) {
            return QString::number(seconds / unit) + QLatin1String(suffix);
        }
    }
    return QString::number(seconds) + u's';
}

QString ruleName(ExpireRule rule) {
    return rule == ExpireRule::AfterSend ? QStringLiteral("after-send")
                                         : QStringLiteral("after-read");
}

QString noticeBody(const Setting& setting) {
    return QStringLiteral("disappearing:%1:%2:%3")
        .arg(setting.seconds)
        .arg(static_cast<int>(setting.rule))
        .arg(setting.version);
}

std::optional<Setting> parseNotice(const QString& body) {
    const QStringList parts = body.split(u':');
    if (parts.size() != 4 || parts[0] != QLatin1String("disappearing")) {
        return std::nullopt;
    }
    bool secondsOk = false;
    bool ruleOk = false;
    bool versionOk = false;
    Setting s;
    s.seconds = parts[1].toLongLong(&secondsOk);
    const int rule = parts[2].toInt(&ruleOk);
    s.version = parts[3].toLongLong(&versionOk);
    if (!secondsOk || !ruleOk || !versionOk || (rule != 0 && rule != 1) || s.seconds < 0) {
        return std::nullopt;
    }
    s.rule = static_cast<ExpireRule>(rule);
    return s;
}

QString noticeText(const Message& notice, const QString& who) {
    const auto setting = parseNotice(notice.body);
    if (!setting) {
        return QCoreApplication::translate("Disappearing", "Disappearing messages changed");
    }
    const bool mine = notice.direction == Direction::Outgoing;
    if (setting->seconds == 0) {
        return mine ? QCoreApplication::translate("Disappearing",
                                                  "You turned off disappearing messages")
                    : QCoreApplication::translate("Disappearing",
                                                  "%1 turned off disappearing messages")
                          .arg(who);
    }
    const QString duration = describe(setting->seconds);
    if (setting->rule == ExpireRule::AfterSend) {
        return mine ? QCoreApplication::translate("Disappearing",
                                                  "You set disappearing messages to %1 after send")
                          .arg(duration)
                    : QCoreApplication::translate("Disappearing",
                                                  "%1 set disappearing messages to %2 after send")
                          .arg(who, duration);
    }
    return mine ? QCoreApplication::translate("Disappearing", "You set disappearing messages to %1")
                      .arg(duration)
                : QCoreApplication::translate("Disappearing", "%1 set disappearing messages to %2")
                      .arg(who, duration);
}

QByteArray updateContent(const MessageUid& uid, std::int64_t now, const Setting& setting) {
    proto::Content content;
    content.set_uid(uid.toByteArray().toStdString());
    content.set_sent_at_ms(static_cast<std::uint64_t>(now));
    auto* update = content.mutable_expire_timer_update();
    update->set_seconds(static_cast<std::uint32_t>(setting.seconds));
    update->set_version(static_cast<std::uint64_t>(setting.version));
    update->set_rule(setting.rule == ExpireRule::AfterSend ? proto::ExpireTimerUpdate::AFTER_SEND
                                                           : proto::ExpireTimerUpdate::AFTER_READ);
    return proto::encodeContent(content);
}

std::int64_t networkExpiry(const proto::Content& content) {
    const std::int64_t seconds = clampSeconds(content.expire_timer_s());
    if (seconds == 0 || !content.expire_after_send()) {
        return 0;
    }
    return static_cast<std::int64_t>(content.sent_at_ms()) + seconds * 1000;
}

std::int64_t networkExpiry(const QByteArray& bytes) {
    proto::Content content;
    if (!content.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size()))) {
        return 0;
    }
    return networkExpiry(content);
}

StoreResult<std::optional<Message>> change(Repositories& r, std::int64_t conversationId,
                                           std::int64_t seconds, ExpireRule wanted,
                                           std::int64_t now) {
    if (seconds != 0 &&
        (seconds < limits::kMinExpireTimerSeconds || seconds > limits::kMaxExpireTimerSeconds)) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("a timer lies between 5 seconds and 4 weeks (or is off)"));
    }
    TANDEM_TRY_ASSIGN(const Conversation conversation, r.conversations.get(conversationId));
    // Off has no rule: always stored as after-read, so two sides that turned it off agree.
    const ExpireRule rule =
        seconds == 0 ? ExpireRule::AfterRead : allowedRule(conversation, wanted);
    if (conversation.expireTimer == seconds && (seconds == 0 || conversation.expireRule == rule)) {
        return std::optional<Message>();  // as it is already: no line, nothing sent
    }
    const Setting setting{seconds, rule, conversation.expireTimerVersion + 1};
    TANDEM_TRY_ASSIGN(const bool applied, r.conversations.setExpireTimer(conversationId, seconds,
                                                                         rule, setting.version));
    if (!applied) {
        return storeError(StoreErrorCode::Io, QStringLiteral("the timer could not be changed"));
    }
    Message notice;
    notice.conversationId = conversationId;
    notice.uid = MessageUid::generate(now);
    notice.direction = Direction::Outgoing;
    notice.kind = MessageKind::Notice;
    notice.body = noticeBody(setting);
    notice.status = conversation.contactId ? MessageStatus::Pending : MessageStatus::Sent;
    notice.sentAt = now;
    TANDEM_TRY_ASSIGN(const InsertResult inserted, r.messages.insert(notice));
    if (conversation.contactId) {
        TANDEM_TRY(enqueueContent(r, conversationId, inserted.id, OutboxKind::Message,
                                  updateContent(notice.uid, now, setting), now));
    }
    TANDEM_TRY_ASSIGN(Message stored, r.messages.get(inserted.id));
    return std::optional<Message>(std::move(stored));
}

StoreResult<std::optional<Message>> applyUpdate(Repositories& r, Mode mode, const Contact& from,
                                                const MessageUid& uid,
                                                const proto::ExpireTimerUpdate& update,
                                                std::int64_t now) {
    (void)mode;
    TANDEM_TRY_ASSIGN(const Conversation conversation, r.conversations.forContact(from.id, now));
    Setting setting;
    setting.seconds = clampSeconds(update.seconds());
    setting.rule =
        setting.seconds == 0
            ? ExpireRule::AfterRead
            : allowedRule(conversation, update.rule() == proto::ExpireTimerUpdate::AFTER_SEND
                                            ? ExpireRule::AfterSend
                                            : ExpireRule::AfterRead);
    setting.version = static_cast<std::int64_t>(
        std::min<std::uint64_t>(update.version(), static_cast<std::uint64_t>(kMaxVersion)));
    TANDEM_TRY_ASSIGN(const bool applied,
                      r.conversations.setExpireTimer(conversation.id, setting.seconds, setting.rule,
                                                     setting.version));
    if (!applied) {
        return std::optional<Message>();  // older, or weaker than one made at the same time
    }
    Message notice;
    notice.conversationId = conversation.id;
    notice.uid = uid;
    notice.direction = Direction::Incoming;
    notice.kind = MessageKind::Notice;
    notice.body = noticeBody(setting);
    notice.status = MessageStatus::Read;  // a line, not something to read: never unread
    notice.sentAt = now;
    notice.receivedAt = now;
    notice.readAt = now;
    TANDEM_TRY_ASSIGN(const InsertResult inserted, r.messages.insert(notice));
    if (!inserted.inserted) {
        return std::optional<Message>();
    }
    TANDEM_TRY_ASSIGN(Message stored, r.messages.get(inserted.id));
    return std::optional<Message>(std::move(stored));
}

StoreResult<Conversation> startedByUser(Repositories& r, const Conversation& conversation,
                                        std::int64_t now) {
    if (conversation.expireTimerVersion != 0 || !conversation.contactId) {
        return conversation;  // set before (or Note to Self, which has no peer to agree with)
    }
    TANDEM_TRY_ASSIGN(const std::int64_t seconds, UserSettings::defaultTimerOf(r));
    if (seconds == 0) {
        return conversation;
    }
    TANDEM_TRY_ASSIGN(const auto newest, r.messages.newest(conversation.id, 1));
    if (!newest.empty()) {
        return conversation;  // a conversation already under way keeps what it has
    }
    TANDEM_TRY(change(r, conversation.id, seconds, ExpireRule::AfterRead, now));
    return r.conversations.get(conversation.id);
}

bool startReceived(Message& m, Mode mode, const proto::Content& content, std::int64_t now) {
    m.expireTimer = clampSeconds(content.expire_timer_s());
    if (m.expireTimer == 0 || mode != Mode::Session || !content.expire_after_send()) {
        return true;  // no timer, or it starts when the message is read
    }
    const std::int64_t start = std::min(static_cast<std::int64_t>(content.sent_at_ms()), now);
    m.expireStart = start;
    return start + m.expireTimer * 1000 > now;
}

}  // namespace tandem::core::disappearing
