#include <limits>
// Every repository against a real SQLCipher database: the behaviour callers rely on, the
// limits, and the rules (dedupe, forward-only status, timer versions, cascades).
#include <sodium.h>

#include <QTemporaryDir>
#include <QTest>

#include "storage/Database.h"
#include "storage/Limits.h"
#include "storage/Repositories.h"
#include "storage/Schema.h"

using namespace tandem;
using namespace tandem::storage;

namespace {

template <class T>
T ok(StoreResult<T> result) {
    if (!result) {
        qFatal("unexpected error: %s", qPrintable(result.error().message));
    }
    if constexpr (!std::is_void_v<T>) {
        return std::move(result).value();
    }
}

template <class T>
StoreErrorCode errorOf(const StoreResult<T>& result) {
    if (result) {
        qFatal("expected an error");
    }
    return result.error().code;
}

SharedSecret secret(const char* text) {
    return makeSecret(SecretBytes::fromString(text));
}

Message textMessage(std::int64_t conversationId, const QString& body, Direction direction,
                    std::int64_t sentAt) {
    Message m;
    m.conversationId = conversationId;
    m.uid = MessageUid::random();
    m.direction = direction;
    m.body = body;
    m.status = direction == Direction::Outgoing ? MessageStatus::Pending : MessageStatus::Received;
    m.sentAt = sentAt;
    return m;
}

}  // namespace

class RepositoriesTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<Database> db_;
    std::unique_ptr<Repositories> r_;
    int counter_ = 0;

    Contact contact(Mode mode = Mode::Signal,
                    const QString& address = QStringLiteral("+15550001")) {
        return ok(r_->contacts.add(mode, address, QStringLiteral("Bob"), 100));
    }

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void init() {
        SecretBytes key(32);
        randombytes_buf(key.data(), key.size());
        DatabaseOptions options;
        options.create = true;
        db_ = ok(
            Database::open(dir_.filePath(QStringLiteral("r%1.db").arg(++counter_)), &key, options));
        ok(createFreshSchema(*db_));
        r_ = std::make_unique<Repositories>(*db_);
    }

    void cleanup() {
        r_.reset();
        db_.reset();
    }

    // ---- accounts ------------------------------------------------------------------------

    void accountsOnePerMode() {
        QVERIFY(!ok(r_->accounts.get(Mode::Signal)).has_value());
        Account a;
        a.mode = Mode::Signal;
        a.address = QStringLiteral("+4915112345678");
        a.identityPublic = QByteArray(33, 'p');
        a.identitySecret = secret("identity-secret-32-bytes-long!!!");
        a.createdAt = 5;
        ok(r_->accounts.put(a));
        a.address = QStringLiteral("+4915199999999");  // re-registration replaces
        ok(r_->accounts.put(a));
        Account s;
        s.mode = Mode::Session;
        s.address = QStringLiteral("05") + QString(64, u'a');
        s.identityPublic = QByteArray(32, 'x');
        s.identitySecret = secret("x25519");
        s.signingPublic = QByteArray(32, 'e');
        s.signingSecret = secret("ed25519 seed");
        ok(r_->accounts.put(s));
        const auto all = ok(r_->accounts.all());
        QCOMPARE(all.size(), std::size_t{2});
        const auto signal = ok(r_->accounts.get(Mode::Signal));
        QCOMPARE(signal->address, QStringLiteral("+4915199999999"));
        QVERIFY(signal->identitySecret->equals(a.identitySecret->span()));
        QVERIFY(!signal->signingSecret);
        const auto session = ok(r_->accounts.get(Mode::Session));
        QVERIFY(session->signingSecret->equals(s.signingSecret->span()));
        QVERIFY(ok(r_->accounts.remove(Mode::Signal)));
        QVERIFY(!ok(r_->accounts.remove(Mode::Signal)));
    }

    void accountsNeedKeys() {
        Account a;
        a.address = QStringLiteral("+1555");
        QCOMPARE(errorOf(r_->accounts.put(a)), StoreErrorCode::InvalidArgument);
    }

    // ---- contacts ------------------------------------------------------------------------

    void contactsAreUniquePerModeAndAddress() {
        const Contact a = contact();
        const Contact again = ok(r_->contacts.add(Mode::Signal, a.address, QString(), 999));
        QCOMPARE(again.id, a.id);
        QCOMPARE(again.createdAt, std::int64_t{100});
        const Contact other = contact(Mode::Session, a.address);
        QVERIFY(other.id != a.id);
        QCOMPARE(ok(r_->contacts.list(Mode::Signal)).size(), std::size_t{1});
        QVERIFY(!ok(r_->contacts.find(Mode::Signal, QStringLiteral("+1999"))).has_value());
    }

    void contactLimits() {
        QCOMPARE(errorOf(r_->contacts.add(Mode::Signal, QString(), QString(), 1)),
                 StoreErrorCode::InvalidArgument);
        QCOMPARE(errorOf(r_->contacts.add(Mode::Signal, QString(limits::kMaxAddressChars + 1, u'1'),
                                          QString(), 1)),
                 StoreErrorCode::InvalidArgument);
        const Contact c = contact();
        QCOMPARE(
            errorOf(r_->contacts.rename(c.id, QString(limits::kMaxDisplayNameChars + 1, u'x'))),
            StoreErrorCode::InvalidArgument);
        ok(r_->contacts.rename(c.id, QStringLiteral("Bobby")));
        QCOMPARE(ok(r_->contacts.get(c.id)).displayName, QStringLiteral("Bobby"));
        QCOMPARE(errorOf(r_->contacts.rename(4242, QStringLiteral("x"))), StoreErrorCode::NotFound);
    }

    void identityKeyChangesUnverify() {
        const Contact c = contact();
        QCOMPARE(errorOf(r_->contacts.setVerification(c.id, Verification::Verified)),
                 StoreErrorCode::InvalidArgument);
        QCOMPARE(ok(r_->contacts.saveIdentityKey(c.id, QByteArray(33, 'a'), 200)),
                 IdentityChange::First);
        QCOMPARE(ok(r_->contacts.saveIdentityKey(c.id, QByteArray(33, 'a'), 300)),
                 IdentityChange::Unchanged);
        ok(r_->contacts.setVerification(c.id, Verification::Verified));
        QCOMPARE(ok(r_->contacts.saveIdentityKey(c.id, QByteArray(33, 'b'), 400)),
                 IdentityChange::Changed);
        const Contact after = ok(r_->contacts.get(c.id));
        QCOMPARE(after.verification, Verification::Unverified);
        QCOMPARE(after.identityChangedAt.value_or(0), std::int64_t{400});
        QCOMPARE(after.identityKey, QByteArray(33, 'b'));
        ok(r_->contacts.setBlocked(c.id, true));
        QVERIFY(ok(r_->contacts.get(c.id)).blocked);
        ok(r_->contacts.setAccessKey(c.id, QByteArray(16, 'k')));
        QCOMPARE(ok(r_->contacts.get(c.id)).accessKey, QByteArray(16, 'k'));
    }

    void serviceIdsAreUniqueAndContactsMerge() {
        const QString aci = QStringLiteral("aci:") + QString(32, u'a');
        const Contact byNumber = contact();
        const Contact byId = ok(r_->contacts.add(Mode::Signal, aci, QString(), 100));
        QVERIFY(ok(r_->contacts.setServiceId(byId.id, aci)));
        QVERIFY(ok(r_->contacts.setServiceId(byId.id, aci)));  // again: no change, fine
        QCOMPARE(ok(r_->contacts.findByServiceId(Mode::Signal, aci))->id, byId.id);
        QVERIFY(!ok(r_->contacts.findByServiceId(Mode::Session, aci)).has_value());
        // Held by one contact: another cannot take it (and the index refuses it too).
        QVERIFY(!ok(r_->contacts.setServiceId(byNumber.id, aci)));
        QVERIFY(ok(r_->contacts.get(byNumber.id)).serviceId.isEmpty());
        QCOMPARE(errorOf(db_->exec("UPDATE contacts SET service_id = '" + aci.toStdString() +
                                   "' WHERE id = " + std::to_string(byNumber.id))),
                 StoreErrorCode::Constraint);
        QCOMPARE(errorOf(r_->contacts.setServiceId(byNumber.id, QString())),
                 StoreErrorCode::InvalidArgument);

        // The id-only contact wrote first; merging folds its messages and queue in.
        const Conversation idConv = ok(r_->conversations.forContact(byId.id, 1));
        const Conversation numberConv = ok(r_->conversations.forContact(byNumber.id, 1));
        ok(r_->messages.insert(textMessage(idConv.id, "first, by id", Direction::Incoming, 10)));
        ok(r_->messages.insert(
            textMessage(numberConv.id, "to the number", Direction::Outgoing, 20)));
        OutboxItem receipt;
        receipt.conversationId = idConv.id;
        receipt.kind = OutboxKind::DeliveryReceipt;
        receipt.payload = QByteArray("r");
        const auto queued = ok(r_->outbox.enqueue(receipt));
        ok(r_->contacts.setAccessKey(byId.id, QByteArray(16, 'k')));
        ok(r_->contacts.saveIdentityKey(byId.id, QByteArray(32, 'i'), 30));

        const Contact merged = ok(r_->contacts.mergeInto(byId.id, byNumber.id, 40));
        QCOMPARE(merged.id, byNumber.id);
        QCOMPARE(merged.address, byNumber.address);
        QCOMPARE(merged.serviceId, aci);
        QCOMPARE(merged.accessKey, QByteArray(16, 'k'));
        QCOMPARE(merged.identityKey, QByteArray(32, 'i'));
        QVERIFY(!ok(r_->contacts.find(Mode::Signal, aci)).has_value());
        const auto messages = ok(r_->messages.newest(numberConv.id, 10));
        QCOMPARE(messages.size(), std::size_t{2});
        QCOMPARE(messages[0].body, QStringLiteral("first, by id"));
        QCOMPARE(ok(r_->outbox.get(queued)).conversationId, numberConv.id);
        QCOMPARE(errorOf(r_->conversations.get(idConv.id)), StoreErrorCode::NotFound);
        QCOMPARE(errorOf(r_->contacts.mergeInto(byNumber.id, byNumber.id, 50)),
                 StoreErrorCode::InvalidArgument);

        // Found by identity key only while it has no service id.
        const Contact other = contact(Mode::Signal, QStringLiteral("+15550009"));
        ok(r_->contacts.saveIdentityKey(other.id, QByteArray(32, 'o'), 60));
        QCOMPARE(
            ok(r_->contacts.findUnresolvedByIdentityKey(Mode::Signal, QByteArray(32, 'o')))->id,
            other.id);
        QVERIFY(!ok(r_->contacts.findUnresolvedByIdentityKey(Mode::Signal, QByteArray(32, 'i')))
                     .has_value());  // merged.identityKey, but it has a service id
        QVERIFY(
            ok(r_->contacts.setServiceId(other.id, QStringLiteral("aci:") + QString(32, u'b'))));
        QVERIFY(!ok(r_->contacts.findUnresolvedByIdentityKey(Mode::Signal, QByteArray(32, 'o')))
                     .has_value());
    }

    // ---- conversations -------------------------------------------------------------------

    void noteToSelfIsUniqueAndModeless() {
        QVERIFY(!ok(r_->conversations.findNoteToSelf()).has_value());
        const Conversation a = ok(r_->conversations.noteToSelf(1));
        const Conversation b = ok(r_->conversations.noteToSelf(2));
        QCOMPARE(a.id, b.id);
        QCOMPARE(a.kind, ConversationKind::NoteToSelf);
        QVERIFY(!a.mode.has_value());
        // The schema itself refuses a second one.
        QCOMPARE(errorOf(db_->exec("INSERT INTO conversations (kind, created_at) VALUES (2, 0);")),
                 StoreErrorCode::Constraint);
    }

    void conversationFollowsItsContactsMode() {
        const Contact c = contact(Mode::Session, QStringLiteral("05") + QString(64, u'b'));
        const Conversation conv = ok(r_->conversations.forContact(c.id, 5));
        QCOMPARE(conv.mode.value(), Mode::Session);
        QCOMPARE(ok(r_->conversations.forContact(c.id, 6)).id, conv.id);
        QCOMPARE(errorOf(r_->conversations.forContact(777, 1)), StoreErrorCode::NotFound);
    }

    void conversationListShowsLastMessageAndUnread() {
        const Conversation self = ok(r_->conversations.noteToSelf(1));
        const Contact bob = contact();
        const Contact carol = contact(Mode::Signal, QStringLiteral("+15550002"));
        const Contact dave = contact(Mode::Session, QStringLiteral("05") + QString(64, u'd'));
        const Conversation withBob = ok(r_->conversations.forContact(bob.id, 2));
        const Conversation withCarol = ok(r_->conversations.forContact(carol.id, 3));
        ok(r_->conversations.forContact(dave.id, 4));
        ok(r_->messages.insert(textMessage(withBob.id, "hi bob", Direction::Outgoing, 10)));
        ok(r_->messages.insert(textMessage(withCarol.id, "from carol 1", Direction::Incoming, 11)));
        ok(r_->messages.insert(textMessage(withCarol.id, "from carol 2", Direction::Incoming, 12)));
        ok(r_->messages.insert(textMessage(withBob.id, "bob again", Direction::Incoming, 13)));

        const auto signal = ok(r_->conversations.list(Mode::Signal));
        QCOMPARE(signal.size(), std::size_t{3});          // Bob, Carol, Note to Self; not Dave
        QCOMPARE(signal[0].conversation.id, withBob.id);  // newest activity first
        QCOMPARE(signal[0].lastMessage->body, QStringLiteral("bob again"));
        QCOMPARE(signal[0].unread, std::int64_t{1});
        QCOMPARE(signal[0].contact->address, bob.address);
        QCOMPARE(signal[1].conversation.id, withCarol.id);
        QCOMPARE(signal[1].unread, std::int64_t{2});
        QCOMPARE(signal[2].conversation.id, self.id);
        QVERIFY(!signal[2].lastMessage.has_value());
        const auto session = ok(r_->conversations.list(Mode::Session));
        QCOMPARE(session.size(), std::size_t{2});  // Dave and Note to Self
        QCOMPARE(ok(r_->conversations.list(std::nullopt)).size(), std::size_t{4});
    }

    void expireTimerVersionsConverge() {
        const Conversation conv = ok(r_->conversations.noteToSelf(1));
        QVERIFY(ok(r_->conversations.setExpireTimer(conv.id, 3600, 1)));
        QVERIFY(!ok(r_->conversations.setExpireTimer(conv.id, 60, 0)));    // older
        QVERIFY(!ok(r_->conversations.setExpireTimer(conv.id, 60, 1)));    // same version, smaller
        QVERIFY(ok(r_->conversations.setExpireTimer(conv.id, 86400, 1)));  // tie: larger wins
        QVERIFY(ok(r_->conversations.setExpireTimer(conv.id, 0, 2)));      // newer turns it off
        const Conversation after = ok(r_->conversations.get(conv.id));
        QCOMPARE(after.expireTimer, std::int64_t{0});
        QCOMPARE(after.expireTimerVersion, std::int64_t{2});
        QCOMPARE(errorOf(r_->conversations.setExpireTimer(conv.id, -1, 3)),
                 StoreErrorCode::InvalidArgument);
        QCOMPARE(errorOf(r_->conversations.setExpireTimer(9999, 5, 9)), StoreErrorCode::NotFound);
    }

    void draftsArchiveMute() {
        const Conversation conv = ok(r_->conversations.noteToSelf(1));
        ok(r_->conversations.setDraft(conv.id, QStringLiteral("half-typed ✍")));
        ok(r_->conversations.setArchived(conv.id, true));
        ok(r_->conversations.setMutedUntil(conv.id, 12345));
        const Conversation after = ok(r_->conversations.get(conv.id));
        QCOMPARE(after.draft, QStringLiteral("half-typed ✍"));
        QVERIFY(after.archived);
        QCOMPARE(after.mutedUntil, std::int64_t{12345});
        QCOMPARE(
            errorOf(r_->conversations.setDraft(conv.id, QString(limits::kMaxDraftBytes + 1, u'x'))),
            StoreErrorCode::InvalidArgument);
    }

    void removingAContactRemovesItsConversationMessagesAndOutbox() {
        const Contact c = contact();
        const Conversation conv = ok(r_->conversations.forContact(c.id, 1));
        const auto inserted =
            ok(r_->messages.insert(textMessage(conv.id, "x", Direction::Outgoing, 1)));
        OutboxItem item;
        item.conversationId = conv.id;
        item.messageId = inserted.id;
        item.payload = "p";
        ok(r_->outbox.enqueue(item));
        QVERIFY(ok(r_->contacts.remove(c.id)));
        QCOMPARE(errorOf(r_->conversations.get(conv.id)), StoreErrorCode::NotFound);
        QCOMPARE(errorOf(r_->messages.get(inserted.id)), StoreErrorCode::NotFound);
        QCOMPARE(ok(r_->outbox.count()), std::int64_t{0});
    }

    // ---- messages ------------------------------------------------------------------------

    void aUidIsStoredOnce() {
        const Conversation conv = ok(r_->conversations.noteToSelf(1));
        const Message m = textMessage(conv.id, "once", Direction::Incoming, 1);
        const InsertResult first = ok(r_->messages.insert(m));
        QVERIFY(first.inserted);
        Message again = m;
        again.body = QStringLiteral("a replay with other content");
        const InsertResult second = ok(r_->messages.insert(again));
        QVERIFY(!second.inserted);
        QCOMPARE(second.id, first.id);
        QCOMPARE(ok(r_->messages.count(conv.id)), std::int64_t{1});
        QCOMPARE(ok(r_->messages.get(first.id)).body, QStringLiteral("once"));
        QCOMPARE(ok(r_->messages.findByUid(m.uid))->id, first.id);
    }

    void messageFieldsRoundTrip() {
        const Conversation conv = ok(r_->conversations.noteToSelf(1));
        Message m =
            textMessage(conv.id, QStringLiteral("emoji 🚲 and\nnewline"), Direction::Outgoing, 42);
        m.kind = MessageKind::Sticker;
        m.stickerPackId = QByteArray(16, 's');
        m.stickerId = 3;
        m.expireTimer = 30;
        m.expireStart = 50;
        const auto id = ok(r_->messages.insert(m)).id;
        const Message back = ok(r_->messages.get(id));
        QCOMPARE(back.body, m.body);
        QCOMPARE(back.kind, MessageKind::Sticker);
        QCOMPARE(back.stickerPackId, m.stickerPackId);
        QCOMPARE(back.stickerId.value(), std::int64_t{3});
        QCOMPARE(back.uid, m.uid);
        QCOMPARE(back.sentAt, std::int64_t{42});
        QCOMPARE(back.expiresAt.value(), std::int64_t{50 + 30 * 1000});
    }

    void messageLimitsAndConsistency() {
        const Conversation conv = ok(r_->conversations.noteToSelf(1));
        QCOMPARE(errorOf(r_->messages.insert(textMessage(
                     conv.id, QString(limits::kMaxTextBytes + 1, u'x'), Direction::Outgoing, 1))),
                 StoreErrorCode::InvalidArgument);
        // Multi-byte characters count in bytes: 30k × 3 bytes is over the limit.
        QCOMPARE(errorOf(r_->messages.insert(
                     textMessage(conv.id, QString(30000, QChar(0x20AC)), Direction::Outgoing, 1))),
                 StoreErrorCode::InvalidArgument);
        Message wrong = textMessage(conv.id, "x", Direction::Incoming, 1);
        wrong.status = MessageStatus::Sent;
        QCOMPARE(errorOf(r_->messages.insert(wrong)), StoreErrorCode::InvalidArgument);
        QCOMPARE(errorOf(r_->messages.insert(textMessage(999, "x", Direction::Outgoing, 1))),
                 StoreErrorCode::Constraint);  // no such conversation
    }

    void pagesAreOldestFirstAndComplete() {
        const Conversation conv = ok(r_->conversations.noteToSelf(1));
        const Conversation other = ok(r_->conversations.forContact(contact().id, 1));
        std::vector<std::int64_t> ids;
        for (int i = 0; i < 250; ++i) {
            ids.push_back(ok(r_->messages.insert(
                                 textMessage(conv.id, QString::number(i), Direction::Outgoing, i)))
                              .id);
            ok(r_->messages.insert(textMessage(other.id, "noise", Direction::Outgoing, i)));
        }
        const auto newest = ok(r_->messages.newest(conv.id, 50));
        QCOMPARE(newest.size(), std::size_t{50});
        QCOMPARE(newest.front().body, QStringLiteral("200"));
        QCOMPARE(newest.back().body, QStringLiteral("249"));
        const auto before = ok(r_->messages.before(conv.id, newest.front().id, 50));
        QCOMPARE(before.front().body, QStringLiteral("150"));
        QCOMPARE(before.back().body, QStringLiteral("199"));
        std::vector<std::int64_t> walked;
        std::int64_t after = 0;
        while (true) {
            const auto page = ok(r_->messages.after(conv.id, after, 64));
            if (page.empty()) {
                break;
            }
            for (const Message& m : page) {
                walked.push_back(m.id);
            }
            after = page.back().id;
        }
        QCOMPARE(walked, ids);
        QCOMPARE(errorOf(r_->messages.newest(conv.id, 0)), StoreErrorCode::InvalidArgument);
        QCOMPARE(errorOf(r_->messages.newest(conv.id, limits::kMaxPageSize + 1)),
                 StoreErrorCode::InvalidArgument);
    }

    void statusOnlyMovesForward() {
        const Conversation conv = ok(r_->conversations.noteToSelf(1));
        const auto id =
            ok(r_->messages.insert(textMessage(conv.id, "x", Direction::Outgoing, 1))).id;
        QVERIFY(ok(r_->messages.updateStatus(id, MessageStatus::Failed, 5)));
        QCOMPARE(ok(r_->messages.get(id)).failedAt.value(), std::int64_t{5});
        QVERIFY(ok(r_->messages.updateStatus(id, MessageStatus::Pending, 6)));  // retry
        QVERIFY(!ok(r_->messages.get(id)).failedAt.has_value());
        QVERIFY(ok(r_->messages.updateStatus(id, MessageStatus::Sent, 7)));
        QVERIFY(!ok(r_->messages.updateStatus(id, MessageStatus::Failed, 8)));  // accepted already
        QVERIFY(ok(r_->messages.updateStatus(id, MessageStatus::Read, 9)));     // delivered skipped
        QVERIFY(!ok(r_->messages.updateStatus(id, MessageStatus::Delivered, 10)));  // late receipt
        const Message m = ok(r_->messages.get(id));
        QCOMPARE(m.status, MessageStatus::Read);
        QCOMPARE(m.acceptedAt.value(), std::int64_t{7});
        QCOMPARE(m.readAt.value(), std::int64_t{9});
        QVERIFY(!m.deliveredAt.has_value());

        const auto in =
            ok(r_->messages.insert(textMessage(conv.id, "y", Direction::Incoming, 1))).id;
        QVERIFY(!ok(r_->messages.updateStatus(in, MessageStatus::Sent, 2)));
        QVERIFY(ok(r_->messages.updateStatus(in, MessageStatus::Read, 3)));
        QVERIFY(!ok(r_->messages.updateStatus(in, MessageStatus::Read, 4)));
    }

    void transitionTable() {
        using S = MessageStatus;
        QVERIFY(isForwardTransition(Direction::Outgoing, S::Pending, S::Sent));
        QVERIFY(isForwardTransition(Direction::Outgoing, S::Sent, S::Delivered));
        QVERIFY(isForwardTransition(Direction::Outgoing, S::Failed, S::Delivered));
        QVERIFY(!isForwardTransition(Direction::Outgoing, S::Read, S::Sent));
        QVERIFY(!isForwardTransition(Direction::Outgoing, S::Sent, S::Pending));
        QVERIFY(!isForwardTransition(Direction::Outgoing, S::Pending, S::Received));
        QVERIFY(!isForwardTransition(Direction::Incoming, S::Read, S::Received));
    }

    void markReadStartsTheRecipientsCountdown() {
        const Conversation conv = ok(r_->conversations.forContact(contact().id, 1));
        Message timed = textMessage(conv.id, "vanishing", Direction::Incoming, 1);
        timed.expireTimer = 60;
        const auto timedId = ok(r_->messages.insert(timed)).id;
        const auto plainId =
            ok(r_->messages.insert(textMessage(conv.id, "stays", Direction::Incoming, 2))).id;
        const auto laterId =
            ok(r_->messages.insert(textMessage(conv.id, "later", Direction::Incoming, 3))).id;
        QVERIFY(!ok(r_->messages.get(timedId)).expiresAt.has_value());  // not read: no countdown
        QCOMPARE(ok(r_->messages.unreadCount(conv.id)), std::int64_t{3});

        const auto changed = ok(r_->messages.markRead(conv.id, plainId, 1000));
        QCOMPARE(changed.size(), std::size_t{2});
        QCOMPARE(changed[0].uid, timed.uid);
        const Message read = ok(r_->messages.get(timedId));
        QCOMPARE(read.status, MessageStatus::Read);
        QCOMPARE(read.expireStart.value(), std::int64_t{1000});
        QCOMPARE(read.expiresAt.value(), std::int64_t{61000});
        QVERIFY(!ok(r_->messages.get(plainId)).expiresAt.has_value());
        QCOMPARE(ok(r_->messages.get(laterId)).status, MessageStatus::Received);
        QCOMPARE(ok(r_->messages.unreadCount(conv.id)), std::int64_t{1});
        QVERIFY(ok(r_->messages.markRead(conv.id, plainId, 2000)).empty());  // idempotent
    }

    void expiredMessagesAreDeleted() {
        const Conversation conv = ok(r_->conversations.noteToSelf(1));
        QVERIFY(!ok(r_->messages.nextExpiry()).has_value());
        std::vector<std::int64_t> ids;
        for (int i = 0; i < 3; ++i) {
            Message m = textMessage(conv.id, "t", Direction::Outgoing, i);
            m.expireTimer = 10 * (i + 1);
            ids.push_back(ok(r_->messages.insert(m)).id);
            ok(r_->messages.startExpiry(ids.back(), 0));
        }
        const auto keeper =
            ok(r_->messages.insert(textMessage(conv.id, "k", Direction::Outgoing, 9))).id;
        ok(r_->messages.startExpiry(ids[0], 5000));  // already started: no change
        QCOMPARE(ok(r_->messages.nextExpiry()).value(), std::int64_t{10000});
        const auto gone = ok(r_->messages.deleteExpired(20000));
        QCOMPARE(gone.size(), std::size_t{2});
        QCOMPARE(gone[0].conversationId, conv.id);
        QCOMPARE(ok(r_->messages.nextExpiry()).value(), std::int64_t{30000});
        QCOMPARE(ok(r_->messages.count(conv.id)), std::int64_t{2});
        QVERIFY(ok(r_->messages.get(keeper)).body == QStringLiteral("k"));
        QVERIFY(ok(r_->messages.remove(keeper)));
        QVERIFY(!ok(r_->messages.remove(keeper)));
    }

    // ---- outbox --------------------------------------------------------------------------

    void outboxSchedulesRetries() {
        const Conversation conv = ok(r_->conversations.noteToSelf(1));
        const auto msg =
            ok(r_->messages.insert(textMessage(conv.id, "x", Direction::Outgoing, 1))).id;
        OutboxItem a;
        a.conversationId = conv.id;
        a.messageId = msg;
        a.payload = QByteArray("payload-a");
        a.nextAttemptAt = 100;
        OutboxItem receipt;
        receipt.conversationId = conv.id;
        receipt.kind = OutboxKind::ReadReceipt;
        receipt.payload = QByteArray("r");
        receipt.nextAttemptAt = 50;
        const auto idA = ok(r_->outbox.enqueue(a));
        const auto idR = ok(r_->outbox.enqueue(receipt));
        QCOMPARE(ok(r_->outbox.due(60, 10)).size(), std::size_t{1});
        QCOMPARE(ok(r_->outbox.due(100, 10)).size(), std::size_t{2});
        ok(r_->outbox.setPayload(idA, QByteArray("sealed")));
        QCOMPARE(ok(r_->outbox.get(idA)).payload, QByteArray("sealed"));
        ok(r_->outbox.recordFailure(idA, QStringLiteral("network down"), 500));
        const OutboxItem failed = ok(r_->outbox.get(idA));
        QCOMPARE(failed.attempts, std::int64_t{1});
        QCOMPARE(failed.lastError, QStringLiteral("network down"));
        QCOMPARE(ok(r_->outbox.due(100, 10)).size(), std::size_t{1});
        // A connection came back: what waited out a backoff is due now, attempts kept.
        QCOMPARE(ok(r_->outbox.retryNow(100)), 1);
        QCOMPARE(ok(r_->outbox.due(100, 10)).size(), std::size_t{2});
        QCOMPARE(ok(r_->outbox.get(idA)).attempts, std::int64_t{1});
        QCOMPARE(ok(r_->outbox.retryNow(100)), 0);
        QCOMPARE(ok(r_->outbox.all(10)).front().id, idA);  // replay order: oldest first
        QCOMPARE(ok(r_->outbox.removeForMessage(msg)), 1);
        QVERIFY(ok(r_->outbox.remove(idR)));
        QCOMPARE(ok(r_->outbox.count()), std::int64_t{0});
        OutboxItem huge = a;
        huge.payload = QByteArray(limits::kMaxOutboxPayloadBytes + 1, 'x');
        QCOMPARE(errorOf(r_->outbox.enqueue(huge)), StoreErrorCode::InvalidArgument);
    }

    // ---- crypto sessions and prekeys ------------------------------------------------------

    void cryptoSessionsPerDevice() {
        const QString bob = QStringLiteral("+15550001");
        QVERIFY(!ok(r_->sessions.load(Mode::Signal, bob, 1)));
        ok(r_->sessions.store(Mode::Signal, bob, 1, SecretBytes::fromString("state-1"), 1));
        ok(r_->sessions.store(Mode::Signal, bob, 2, SecretBytes::fromString("state-2"), 1));
        ok(r_->sessions.store(Mode::Signal, bob, 1, SecretBytes::fromString("state-1b"), 2));
        QVERIFY(ok(r_->sessions.load(Mode::Signal, bob, 1))
                    ->equals(SecretBytes::fromString("state-1b").span()));
        QCOMPARE(ok(r_->sessions.devices(Mode::Signal, bob)), (std::vector<std::int64_t>{1, 2}));
        QVERIFY(ok(r_->sessions.devices(Mode::Session, bob)).empty());
        QCOMPARE(ok(r_->sessions.removeAll(Mode::Signal, bob)), 2);
        QCOMPARE(errorOf(r_->sessions.store(Mode::Signal, bob, 1,
                                            SecretBytes(limits::kMaxSessionStateBytes + 1), 3)),
                 StoreErrorCode::InvalidArgument);
    }

    void oneTimePrekeysAreTakenOnce() {
        for (int id = 1; id <= 5; ++id) {
            Prekey p;
            p.kind = PrekeyKind::OneTime;
            p.keyId = id;
            p.publicKey = QByteArray(33, static_cast<char>(id));
            p.secretKey = secret("secret");
            ok(r_->prekeys.put(p));
        }
        Prekey duplicate;
        duplicate.keyId = 3;
        duplicate.publicKey = "k";
        duplicate.secretKey = secret("s");
        QCOMPARE(errorOf(r_->prekeys.put(duplicate)), StoreErrorCode::Constraint);
        Prekey unsignedSigned;
        unsignedSigned.kind = PrekeyKind::Signed;
        unsignedSigned.keyId = 1;
        unsignedSigned.publicKey = "k";
        unsignedSigned.secretKey = secret("s");
        QCOMPARE(errorOf(r_->prekeys.put(unsignedSigned)), StoreErrorCode::InvalidArgument);
        unsignedSigned.signature = QByteArray(64, 'g');
        ok(r_->prekeys.put(unsignedSigned));
        unsignedSigned.keyId = 2;
        ok(r_->prekeys.put(unsignedSigned));
        QCOMPARE(ok(r_->prekeys.latestSigned())->keyId, std::int64_t{2});

        QCOMPARE(ok(r_->prekeys.count(PrekeyKind::OneTime)), std::int64_t{5});
        QCOMPARE(ok(r_->prekeys.maxKeyId(PrekeyKind::OneTime)), std::int64_t{5});
        const auto taken = ok(r_->prekeys.take(3));
        QVERIFY(taken.has_value());
        QCOMPARE(taken->publicKey, QByteArray(33, 3));
        QVERIFY(taken->secretKey->equals(SecretBytes::fromString("secret").span()));
        QVERIFY(!ok(r_->prekeys.take(3)).has_value());
        QCOMPARE(ok(r_->prekeys.count(PrekeyKind::OneTime)), std::int64_t{4});
        QCOMPARE(ok(r_->prekeys.notUploaded(PrekeyKind::OneTime, 10)).size(), std::size_t{4});
        ok(r_->prekeys.markUploaded(PrekeyKind::OneTime, {1, 2}));
        QCOMPARE(ok(r_->prekeys.notUploaded(PrekeyKind::OneTime, 10)).size(), std::size_t{2});
    }

    // ---- stickers --------------------------------------------------------------------------

    void stickerPacksKeepTheirStickersWhenUpdated() {
        StickerPack pack;
        pack.packId = QByteArray(16, 'i');
        pack.packKey = makeSecret(SecretBytes(32));
        pack.title = QStringLiteral("Cats");
        pack.origin = StickerOrigin::Created;
        pack.createdAt = 1;
        ok(r_->stickers.putPack(pack));
        Sticker s;
        s.packId = pack.packId;
        s.stickerId = 0;
        s.emoji = QStringLiteral("🐱");
        s.contentType = QStringLiteral("image/png");
        s.image = QByteArray("\x89PNG fake image bytes", 21);
        ok(r_->stickers.putSticker(s));
        s.stickerId = 1;
        s.image.clear();  // listed in the manifest, not downloaded yet
        ok(r_->stickers.putSticker(s));

        pack.title = QStringLiteral("Cats, vol. 2");
        pack.installed = true;
        ok(r_->stickers.putPack(pack));  // must not cascade-delete the stickers
        const auto listed = ok(r_->stickers.stickers(pack.packId));
        QCOMPARE(listed.size(), std::size_t{2});
        QVERIFY(listed[0].hasImage);
        QVERIFY(listed[0].image.isEmpty());  // listing does not load image bytes
        QVERIFY(!listed[1].hasImage);
        QCOMPARE(ok(r_->stickers.sticker(pack.packId, 0))->image,
                 QByteArray("\x89PNG fake image bytes", 21));
        QCOMPARE(ok(r_->stickers.pack(pack.packId))->title, QStringLiteral("Cats, vol. 2"));
        QCOMPARE(ok(r_->stickers.packs(true)).size(), std::size_t{1});
        ok(r_->stickers.setInstalled(pack.packId, false));
        QVERIFY(ok(r_->stickers.packs(true)).empty());
        ok(r_->stickers.setPublished(pack.packId, 77));
        QCOMPARE(ok(r_->stickers.pack(pack.packId))->publishedAt.value(), std::int64_t{77});
        QVERIFY(ok(r_->stickers.removePack(pack.packId)));
        QVERIFY(ok(r_->stickers.stickers(pack.packId)).empty());
    }

    void stickerLimits() {
        StickerPack pack;
        pack.packId = QByteArray(8, 'x');
        pack.packKey = makeSecret(SecretBytes(32));
        QCOMPARE(errorOf(r_->stickers.putPack(pack)), StoreErrorCode::InvalidArgument);
        pack.packId = QByteArray(16, 'x');
        pack.packKey = makeSecret(SecretBytes(31));
        QCOMPARE(errorOf(r_->stickers.putPack(pack)), StoreErrorCode::InvalidArgument);
        pack.packKey = makeSecret(SecretBytes(32));
        ok(r_->stickers.putPack(pack));
        Sticker s;
        s.packId = pack.packId;
        s.image = QByteArray(limits::kMaxStickerImageBytes + 1, 'i');
        QCOMPARE(errorOf(r_->stickers.putSticker(s)), StoreErrorCode::InvalidArgument);
        s.image = QByteArray(limits::kMaxStickerImageBytes, 'i');
        ok(r_->stickers.putSticker(s));
        QCOMPARE(errorOf(r_->stickers.setInstalled(QByteArray(16, 'n'), true)),
                 StoreErrorCode::NotFound);
    }

    // ---- latency and settings --------------------------------------------------------------

    void latencySamples() {
        for (int i = 0; i < 10; ++i) {
            LatencySample s;
            s.transport = i % 2 == 0 ? Mode::Signal : Mode::Session;
            s.sentAt = 1000 + i;
            s.roundTripUs = 2000 + i;
            s.oneWayUs = 1000 + i;
            s.size = 160;
            s.probeRun = i < 4 ? std::optional<std::int64_t>(7) : std::nullopt;
            s.path = s.transport == Mode::Session ? QStringLiteral("n1>n2>n3") : QString();
            ok(r_->latency.add(s));
        }
        LatencySample lost;
        lost.transport = Mode::Session;
        lost.sentAt = 2000;
        lost.lost = true;
        ok(r_->latency.add(lost));
        LatencySample bad;
        bad.sentAt = 1;
        QCOMPARE(errorOf(r_->latency.add(bad)), StoreErrorCode::InvalidArgument);
        QCOMPARE(ok(r_->latency.count(Mode::Signal)), std::int64_t{5});
        QCOMPARE(ok(r_->latency.count(Mode::Session)), std::int64_t{6});
        QCOMPARE(ok(r_->latency.count(std::nullopt)), std::int64_t{11});
        const auto onion = ok(r_->latency.samples(Mode::Session, 1005, 100));
        QCOMPARE(onion.size(), std::size_t{4});  // 1005, 1007, 1009, lost
        QVERIFY(onion.back().lost);
        QVERIFY(!onion.back().roundTripUs.has_value());
        QCOMPARE(onion.front().path, QStringLiteral("n1>n2>n3"));
        QCOMPARE(ok(r_->latency.probeRun(7, 100)).size(), std::size_t{4});
        // The newest first, a page at a time.
        const auto newest = ok(r_->latency.newest(std::numeric_limits<std::int64_t>::max(), 3));
        QCOMPARE(newest.size(), std::size_t{3});
        QVERIFY(newest[0].lost);
        QCOMPARE(newest[1].sentAt, std::int64_t{1009});
        const auto older = ok(r_->latency.newest(newest.back().id, 100));
        QCOMPARE(older.size(), std::size_t{8});
        QCOMPARE(older.back().sentAt, std::int64_t{1000});
        QCOMPARE(ok(r_->latency.deleteOlderThan(1005)), 5);
        QCOMPARE(ok(r_->latency.count(std::nullopt)), std::int64_t{6});
    }

    void settings() {
        QVERIFY(!ok(r_->settings.get(QStringLiteral("mode"))).has_value());
        ok(r_->settings.set(QStringLiteral("mode"), "session"));
        ok(r_->settings.set(QStringLiteral("mode"), "signal"));
        QCOMPARE(ok(r_->settings.get(QStringLiteral("mode"))).value(), QByteArray("signal"));
        QVERIFY(ok(r_->settings.remove(QStringLiteral("mode"))));
        QCOMPARE(errorOf(r_->settings.set(QStringLiteral("x"),
                                          QByteArray(limits::kMaxSettingBytes + 1, 'v'))),
                 StoreErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(RepositoriesTest)
#include "tst_repositories.moc"
