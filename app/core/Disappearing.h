// Disappearing messages (docs/disappearing.md): a conversation's timer and start rule, how two
// sides agree on it, the line a change leaves in the chat, and what a message with a timer
// carries. Both modes, the app and tandemctl use it; the store keeps the setting
// (conversations.expire_*) and each message's expiry (messages.expires_at, indexed), and
// ExpiryScheduler deletes what ran out.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include <QString>

#include "storage/Repositories.h"
#include "tandem/content.pb.h"

namespace tandem::core::disappearing {

// The timers offered in menus, in seconds; any whole number of seconds from 5 s to 4 weeks
// may be set.
inline constexpr std::array<std::int64_t, 8> kPresets = {
    5, 30, 5 * 60, 3600, 8 * 3600, 24 * 3600, 7 * 24 * 3600, 28 * 24 * 3600};

// The shortest time the networks keep a message for (a node's NodeStoreLimits::kMinTtlMs): an
// after-send message with less of its time left is not sent.
inline constexpr std::int64_t kMinNetworkTtlMs = 1000;

struct Setting {
    std::int64_t seconds = 0;  // 0: off
    storage::ExpireRule rule = storage::ExpireRule::AfterRead;
    std::int64_t version = 0;
};

// A timer as a peer or a user gave it, brought into range: 0 stays off, anything else lies
// between 5 s and 4 weeks.
std::int64_t clampSeconds(std::uint64_t seconds);

// The rule a conversation can hold. After-send for a recipient's copy is Session mode's (as in
// Session); Signal mode counts a received message from when it is read (as in Signal); Note to
// Self has no recipient, and counts from the send.
storage::ExpireRule allowedRule(const storage::Conversation& conversation,
                                storage::ExpireRule wanted);

// "off", "5s", "30s", "5m", "1h", "8h", "1d", "1w", "4w" or a number of seconds; nullopt (and
// `error` says why) for anything else or out of range.
std::optional<std::int64_t> parseDuration(const QString& text, QString* error);
// "5 seconds", "1 hour", "4 weeks", "90 seconds"; "off".
QString describe(std::int64_t seconds);
// "5s", "1h", "4w", "90s": what a bubble or the list shows beside a timer.
QString shortLabel(std::int64_t seconds);
QString ruleName(storage::ExpireRule rule);  // "after-send" / "after-read"

// A setting line in the chat (a Notice message): its stored body, read back, and shown.
QString noticeBody(const Setting& setting);
std::optional<Setting> parseNotice(const QString& body);
// "You set disappearing messages to 1 hour" / "Alice turned off disappearing messages"; `who`
// names the peer for an incoming notice.
QString noticeText(const storage::Message& notice, const QString& who);

// Content: a timer change for the peer.
QByteArray updateContent(const storage::MessageUid& uid, std::int64_t now, const Setting& setting);
// When the network should let go of a message with this content: its send plus its timer for
// an after-send message, else 0 (the network's default; the reader deletes it on receipt).
std::int64_t networkExpiry(const proto::Content& content);
std::int64_t networkExpiry(const QByteArray& content);

// Inside a write transaction. A change made here: the setting (its version one above the
// last), a line in the chat, and the update queued for the peer (ordered with the texts).
// Returns the line; nullopt when the setting is as asked already.
storage::StoreResult<std::optional<storage::Message>> change(storage::Repositories& r,
                                                             std::int64_t conversationId,
                                                             std::int64_t seconds,
                                                             storage::ExpireRule rule,
                                                             std::int64_t now);
// A peer's change: applied if it wins (ConversationRepository::setExpireTimer), then a line in
// the chat, which is returned; nullopt when an older or weaker change came late.
storage::StoreResult<std::optional<storage::Message>> applyUpdate(
    storage::Repositories& r, storage::Mode mode, const storage::Contact& from,
    const storage::MessageUid& uid, const proto::ExpireTimerUpdate& update, std::int64_t now);
// The user writes in `conversation`: if it has nothing in it yet and no timer was ever set,
// it takes the default timer from Settings (a change like change(), its line before the first
// text). Returns the conversation as it is then.
storage::StoreResult<storage::Conversation> startedByUser(storage::Repositories& r,
                                                          const storage::Conversation& conversation,
                                                          std::int64_t now);
// A received message's timer from its content: its countdown starts now for an after-send
// message (from the send; a sender's clock ahead of ours counts as now), else when it is read.
// False when it ran out before it arrived: it is not stored, never shown.
bool startReceived(storage::Message& m, storage::Mode mode, const proto::Content& content,
                   std::int64_t now);

}  // namespace tandem::core::disappearing
