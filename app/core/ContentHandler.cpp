#include "app/core/ContentHandler.h"

#include <algorithm>
#include <limits>
#include <sodium.h>
#include <span>

#include "app/core/CoreLog.h"
#include "app/core/Disappearing.h"
#include "app/core/attachments/AttachmentPointer.h"
#include "proto/ContentCodec.h"
#include "storage/Limits.h"
#include "tandem/core.pb.h"
#include "transport/relay/Address.h"

namespace tandem::core {

using namespace tandem::storage;

StoreResult<std::optional<Contact>> findContact(Repositories& r, Mode mode,
                                                const QString& address) {
    if (mode == Mode::Signal && relay::parseAciAddress(address)) {
        TANDEM_TRY_ASSIGN(auto holder, r.contacts.findByServiceId(mode, address));
        if (holder) {
            return holder;
        }
    }
    return r.contacts.find(mode, address);
}

StoreResult<Contact> contactForAddress(Repositories& r, Mode mode, const QString& address,
                                       std::int64_t now, bool accepted) {
    TANDEM_TRY_ASSIGN(auto found, findContact(r, mode, address));
    if (found) {
        return *found;
    }
    TANDEM_TRY_ASSIGN(Contact contact, r.contacts.add(mode, address, QString(), now, accepted));
    if (mode == Mode::Signal && relay::parseAciAddress(address)) {
        TANDEM_TRY_ASSIGN(const bool set, r.contacts.setServiceId(contact.id, address));
        if (set) {
            contact.serviceId = address;
        }
    }
    return contact;
}

QByteArray textContent(const MessageUid& uid, std::int64_t sentAt, const QString& text,
                       std::int64_t expireTimer, bool afterSend) {
    proto::Content content;
    content.set_uid(uid.toByteArray().toStdString());
    content.set_sent_at_ms(static_cast<std::uint64_t>(sentAt));
    content.set_expire_timer_s(static_cast<std::uint32_t>(expireTimer));
    content.set_expire_after_send(expireTimer > 0 && afterSend);
    content.mutable_text()->set_text(text.toStdString());
    return proto::encodeContent(content);
}

StoreResult<QByteArray> stickerContent(Repositories& r, const MessageUid& uid, std::int64_t sentAt,
                                       const QByteArray& packId, std::int64_t stickerId,
                                       std::int64_t expireTimer, bool afterSend, QString* emoji) {
    TANDEM_TRY_ASSIGN(const auto pack, r.stickers.pack(packId));
    TANDEM_TRY_ASSIGN(const auto sticker, r.stickers.sticker(packId, stickerId));
    if (!pack || !sticker || !sticker->hasImage || !pack->packKey) {
        return storeError(StoreErrorCode::NotFound,
                          QStringLiteral("That sticker is not on this device."));
    }
    proto::Content content;
    content.set_uid(uid.toByteArray().toStdString());
    content.set_sent_at_ms(static_cast<std::uint64_t>(sentAt));
    content.set_expire_timer_s(static_cast<std::uint32_t>(expireTimer));
    content.set_expire_after_send(expireTimer > 0 && afterSend);
    auto* ref = content.mutable_sticker();
    ref->set_pack_id(packId.toStdString());
    ref->set_pack_key(std::string(reinterpret_cast<const char*>(pack->packKey->data()),  // NOLINT
                                  pack->packKey->size()));
    ref->set_sticker_id(static_cast<std::uint32_t>(stickerId));
    ref->set_emoji(sticker->emoji.toStdString());
    ref->set_pack_version(static_cast<std::uint64_t>(pack->version));
    if (emoji != nullptr) {
        *emoji = sticker->emoji;
    }
    QByteArray out = proto::encodeContent(content);
    // The pack key was copied into the encoding's buffer; clear the message's copy.
    sodium_memzero(ref->mutable_pack_key()->data(), ref->pack_key().size());
    return out;
}

StoreResult<QByteArray> fileContent(const Message& m, bool afterSend) {
    if (!m.attachment) {
        return storeError(StoreErrorCode::NotFound, QStringLiteral("The message has no file."));
    }
    auto pointer = toPointer(*m.attachment);
    if (!pointer) {
        return storeError(StoreErrorCode::InvalidArgument, pointer.error());
    }
    proto::Content content;
    content.set_uid(m.uid.toByteArray().toStdString());
    content.set_sent_at_ms(static_cast<std::uint64_t>(m.sentAt));
    content.set_expire_timer_s(static_cast<std::uint32_t>(m.expireTimer));
    content.set_expire_after_send(m.expireTimer > 0 && afterSend);
    auto* file = content.mutable_file();
    file->set_caption(m.body.toStdString());
    *file->mutable_attachment() = std::move(pointer).value();
    QByteArray out = proto::encodeContent(content);
    // The file's key was copied into the encoding's buffer; clear the message's copy.
    auto* key = file->mutable_attachment()->mutable_key();
    sodium_memzero(key->data(), key->size());
    return out;
}

StoreResult<std::optional<QByteArray>> resendContent(Repositories& r, const Message& m,
                                                     const Conversation& conversation) {
    const bool afterSend = conversation.expireRule == ExpireRule::AfterSend;
    if (m.kind == MessageKind::Notice) {
        const auto setting = disappearing::parseNotice(m.body);
        if (!setting) {
            return std::optional<QByteArray>();
        }
        return std::optional<QByteArray>(disappearing::updateContent(m.uid, m.sentAt, *setting));
    }
    if (m.attachment) {
        if (m.attachment->state != TransferState::Uploaded) {
            return std::optional<QByteArray>();
        }
        TANDEM_TRY_ASSIGN(QByteArray content, fileContent(m, afterSend));
        return std::optional<QByteArray>(std::move(content));
    }
    if (m.kind == MessageKind::Sticker) {
        auto sticker = stickerContent(r, m.uid, m.sentAt, m.stickerPackId, m.stickerId.value_or(-1),
                                      m.expireTimer, afterSend);
        if (!sticker) {
            return std::optional<QByteArray>();
        }
        return std::optional<QByteArray>(std::move(sticker).value());
    }
    return std::optional<QByteArray>(
        textContent(m.uid, m.sentAt, m.body, m.expireTimer, afterSend));
}

QByteArray profileUpdateContent(std::int64_t now) {
    proto::Content content;
    content.set_uid(MessageUid::generate(now).toByteArray().toStdString());
    content.set_sent_at_ms(static_cast<std::uint64_t>(now));
    content.mutable_profile_update();
    return proto::encodeContent(content);
}

QByteArray receiptContent(proto::Receipt::Type type, const std::vector<MessageUid>& uids,
                          std::int64_t receivedAt) {
    proto::Content content;
    content.set_uid(MessageUid::generate(receivedAt).toByteArray().toStdString());
    content.set_sent_at_ms(static_cast<std::uint64_t>(receivedAt));
    auto* receipt = content.mutable_receipt();
    receipt->set_type(type);
    receipt->set_received_at_ms(static_cast<std::uint64_t>(receivedAt));
    for (const MessageUid& uid : uids) {
        receipt->add_uids(uid.toByteArray().toStdString());
    }
    return proto::encodeContent(content);
}

StoreResult<std::int64_t> enqueueContent(Repositories& r, std::int64_t conversationId,
                                         std::optional<std::int64_t> messageId, OutboxKind kind,
                                         const QByteArray& content, std::int64_t now) {
    proto::core::OutboxPayload payload;
    payload.set_content(content.toStdString());
    return enqueuePayload(r, conversationId, messageId, kind,
                          QByteArray::fromStdString(payload.SerializeAsString()), now);
}

bool isSealedPayload(const QByteArray& payload) {
    proto::core::OutboxPayload parsed;
    return parsed.ParseFromArray(payload.constData(), static_cast<int>(payload.size())) &&
           parsed.has_wire();
}

StoreResult<std::int64_t> enqueuePayload(Repositories& r, std::int64_t conversationId,
                                         std::optional<std::int64_t> messageId, OutboxKind kind,
                                         const QByteArray& payload, std::int64_t now) {
    OutboxItem item;
    item.conversationId = conversationId;
    item.messageId = messageId;
    item.kind = kind;
    item.payload = payload;
    item.nextAttemptAt = now;
    item.createdAt = now;
    return r.outbox.enqueue(item);
}

bool probeOf(const proto::Content& content, std::int64_t contentBytes, ProbeSeen& out) {
    if (content.has_probe()) {
        out.reply = false;
        out.run = content.probe().run();
        out.sequence = content.probe().sequence();
        out.sentAtUs = static_cast<std::int64_t>(content.probe().sent_at_us());
    } else if (content.has_probe_reply()) {
        out.reply = true;
        out.run = content.probe_reply().run();
        out.sequence = content.probe_reply().sequence();
        out.sentAtUs = static_cast<std::int64_t>(content.probe_reply().sent_at_us());
        out.receivedAtUs = static_cast<std::int64_t>(content.probe_reply().received_at_us());
    } else {
        return false;
    }
    out.size = contentBytes;
    return true;
}

void takeHandled(Opened& out, HandledContent handled) {
    out.profileAnnounced = handled.profileAnnounced;
    if (handled.stored) {
        out.outcome = Opened::Outcome::Stored;
        out.message = std::move(handled.stored);
    } else if (handled.duplicate) {
        out.outcome = Opened::Outcome::Duplicate;
    } else if (!handled.updated.empty()) {
        out.outcome = Opened::Outcome::Receipt;
        out.updated = std::move(handled.updated);
    } else {
        out.outcome = Opened::Outcome::Ignored;
    }
}

namespace {

// Stores a received message (text, sticker or file) once, unless its timer ran out on the way,
// and answers it with a delivery receipt. Sets out.stored or out.duplicate; `then` runs in the
// same transaction for a message stored for the first time.
template <class Then>
StoreResult<void> storeIncoming(Repositories& r, Mode mode, const Contact& from, Message m,
                                const proto::Content& content, std::int64_t now,
                                HandledContent& out, Then then) {
    TANDEM_TRY_ASSIGN(const Conversation conversation, r.conversations.forContact(from.id, now));
    m.conversationId = conversation.id;
    m.direction = Direction::Incoming;
    m.status = MessageStatus::Received;
    m.sentAt = static_cast<std::int64_t>(content.sent_at_ms());
    m.receivedAt = now;
    if (!disappearing::startReceived(m, mode, content, now)) {
        // Its timer ran out on the way (or the sender's clock is that far behind): never
        // shown. Said without who or what.
        qCInfo(lcCore) << "a message arrived after its disappearing timer ran out";
        return {};
    }
    TANDEM_TRY_ASSIGN(const InsertResult inserted, r.messages.insert(m));
    if (!inserted.inserted) {
        out.duplicate = true;
        return {};
    }
    TANDEM_TRY(then(inserted.id));
    TANDEM_TRY_ASSIGN(out.stored, r.messages.get(inserted.id));
    TANDEM_TRY(enqueueContent(r, conversation.id, std::nullopt, OutboxKind::DeliveryReceipt,
                              receiptContent(proto::Receipt::DELIVERY, {m.uid}, now), now));
    return {};
}

// A received sticker's pack as the sender named it, unless we hold it: a sender cannot change
// the key (or anything else) of a pack that is built in, created or installed here. A pack
// known only from messages whose key never opened anything takes the latest sender's key, so a
// first message with a wrong key cannot block it.
StoreResult<void> rememberPack(Repositories& r, const proto::StickerRef& ref,
                               const QByteArray& packId, std::int64_t stickerId,
                               const QString& emoji, std::int64_t now) {
    TANDEM_TRY_ASSIGN(auto pack, r.stickers.pack(packId));
    const bool onlyReferenced = !pack || (!pack->installed && !pack->builtin && !pack->ownerSecret);
    if (onlyReferenced) {
        bool opened = false;
        if (pack) {
            TANDEM_TRY_ASSIGN(const auto listed, r.stickers.stickers(packId));
            opened = std::any_of(listed.begin(), listed.end(),
                                 [](const Sticker& s) { return s.hasImage; });
        }
        if (!pack || !opened) {
            StickerPack p = pack ? *pack : StickerPack();
            p.packId = packId;
            p.packKey = makeSecret(
                SecretBytes(reinterpret_cast<const std::uint8_t*>(ref.pack_key().data()),  // NOLINT
                            ref.pack_key().size()));
            p.origin = StickerOrigin::Installed;
            p.installed = false;
            if (!pack) {
                p.createdAt = now;
            }
            TANDEM_TRY(r.stickers.putPack(p));
        }
        TANDEM_TRY_ASSIGN(const auto known, r.stickers.sticker(packId, stickerId));
        if (!known) {
            Sticker s;
            s.packId = packId;
            s.stickerId = stickerId;
            s.emoji = emoji;
            s.contentType = QStringLiteral("image/webp");
            TANDEM_TRY(r.stickers.putSticker(s));
        }
    }
    return {};
}

StoreResult<void> nothingMore(std::int64_t) {
    return {};
}

}  // namespace

StoreResult<HandledContent> handleContent(Repositories& r, Mode mode, const Contact& from,
                                          const proto::Content& content, std::int64_t now,
                                          const QString& path) {
    HandledContent out;
    if (from.blocked) {
        return out;  // read and dropped: nothing stored, no receipt (the sender cannot tell)
    }
    const auto uid = MessageUid::fromBytes(QByteArray::fromStdString(content.uid()));
    if (!uid) {
        return out;  // decodeContent guarantees a uid; nothing to do otherwise
    }
    if (content.has_profile()) {
        // Where their profile is (docs/people.md); a malformed reference is ignored, the
        // message is not.
        const auto& ref = content.profile();
        if (ref.record_name().size() == static_cast<std::size_t>(limits::kProfileRecordNameBytes) &&
            ref.key().size() == static_cast<std::size_t>(limits::kProfileKeyBytes) &&
            ref.version() > 0 &&
            ref.version() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            TANDEM_TRY_ASSIGN(
                out.profileAnnounced,
                r.contacts.announceProfile(
                    from.id, QByteArray::fromStdString(ref.record_name()),
                    std::span(reinterpret_cast<const std::uint8_t*>(ref.key().data()),  // NOLINT
                              ref.key().size()),
                    static_cast<std::int64_t>(ref.version())));
        }
    }
    switch (content.body_case()) {
        case proto::Content::kText: {
            Message m;
            m.uid = *uid;
            m.kind = MessageKind::Text;
            m.body = captionOf(content.text().text(), limits::kMaxTextBytes);
            TANDEM_TRY(storeIncoming(r, mode, from, std::move(m), content, now, out, nothingMore));
            return out;
        }
        case proto::Content::kFile: {
            auto attachment = fromPointer(content.file().attachment());
            if (!attachment) {
                qCInfo(lcCore) << "a file message was dropped:" << attachment.error();
                return out;
            }
            Message m;
            m.uid = *uid;
            m.kind = MessageKind::Text;
            m.body = captionOf(content.file().caption(), limits::kMaxTextBytes);
            TANDEM_TRY(storeIncoming(r, mode, from, std::move(m), content, now, out,
                                     [&r, &attachment](std::int64_t id) {
                                         return r.attachments.insert(id, *attachment);
                                     }));
            return out;
        }
        case proto::Content::kSticker: {
            const auto& ref = content.sticker();
            const QByteArray packId = QByteArray::fromStdString(ref.pack_id());
            const QString emoji = QString::fromStdString(ref.emoji());
            if (packId.size() < 16 || packId.size() > 32 || ref.pack_key().size() != 32 ||
                ref.emoji().size() > 32) {
                qCInfo(lcCore) << "a sticker message with a malformed reference was dropped";
                return out;
            }
            Message m;
            m.uid = *uid;
            m.kind = MessageKind::Sticker;
            m.body = emoji;
            m.stickerPackId = packId;
            m.stickerId = ref.sticker_id();
            const std::int64_t stickerId = ref.sticker_id();
            TANDEM_TRY(storeIncoming(r, mode, from, std::move(m), content, now, out,
                                     [&](std::int64_t) -> StoreResult<void> {
                                         return rememberPack(r, ref, packId, stickerId, emoji, now);
                                     }));
            return out;
        }
        case proto::Content::kReceipt: {
            const auto& receipt = content.receipt();
            const MessageStatus status = receipt.type() == proto::Receipt::READ
                                             ? MessageStatus::Read
                                             : MessageStatus::Delivered;
            for (const std::string& raw : receipt.uids()) {
                const auto target = MessageUid::fromBytes(QByteArray::fromStdString(raw));
                if (!target) {
                    continue;
                }
                TANDEM_TRY_ASSIGN(const auto message, r.messages.findByUid(*target));
                // Only our own outgoing messages in a conversation with this contact.
                if (!message || message->direction != Direction::Outgoing) {
                    continue;
                }
                TANDEM_TRY_ASSIGN(const Conversation conversation,
                                  r.conversations.get(message->conversationId));
                if (conversation.contactId != from.id) {
                    continue;
                }
                const bool firstDelivery = !message->deliveredAt.has_value();
                TANDEM_TRY_ASSIGN(const bool moved,
                                  r.messages.updateStatus(message->id, status, now));
                if (status == MessageStatus::Delivered && firstDelivery && moved) {
                    LatencySample sample;
                    sample.transport = mode;
                    sample.messageUid = message->uid.toByteArray();
                    sample.sentAt = message->sentAt;
                    sample.oneWayUs =
                        (static_cast<std::int64_t>(receipt.received_at_ms()) - message->sentAt) *
                        1000;
                    sample.roundTripUs = (now - message->sentAt) * 1000;
                    sample.size = message->body.toUtf8().size();
                    sample.path = path.left(limits::kMaxLatencyPathChars);
                    TANDEM_TRY(r.latency.add(sample));
                }
                if (moved) {
                    TANDEM_TRY_ASSIGN(const Message updated, r.messages.get(message->id));
                    out.updated.push_back(updated);
                }
            }
            return out;
        }
        case proto::Content::kExpireTimerUpdate: {
            TANDEM_TRY_ASSIGN(
                out.stored,
                disappearing::applyUpdate(r, mode, from, *uid, content.expire_timer_update(), now));
            return out;
        }
        default:
            return out;  // probes are answered by the Messenger; nothing else is known
    }
}

}  // namespace tandem::core
