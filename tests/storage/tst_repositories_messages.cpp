// The conversation, message and outbox repositories against a real SQLCipher database: the
// behaviour callers rely on, the limits, and the rules (dedupe, forward-only status, timer
// versions, cascades). The other repositories: tst_repositories.
#include <sodium.h>

#include <QTest>

#include "storage/Database.h"
#include "storage/Limits.h"
#include "tests/storage/RepositoryFixture.h"

using namespace tandem;
using namespace tandem::storage;
using namespace tandem::test;

class MessageRepositoriesTest : public QObject, RepositoryFixture {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }
    void init() { openDatabase(); }
    void cleanup() { closeDatabase(); }

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
        constexpr auto read = ExpireRule::AfterRead;
        constexpr auto send = ExpireRule::AfterSend;
        auto& c = r_->conversations;
        QVERIFY(ok(c.setExpireTimer(conv.id, 3600, read, 1)));
        QVERIFY(!ok(c.setExpireTimer(conv.id, 60, read, 0)));     // older
        QVERIFY(!ok(c.setExpireTimer(conv.id, 86400, read, 1)));  // same version, longer
        QVERIFY(!ok(c.setExpireTimer(conv.id, 0, read, 1)));      // same version, off
        QVERIFY(!ok(c.setExpireTimer(conv.id, 3600, read, 1)));   // the same setting again
        QVERIFY(ok(c.setExpireTimer(conv.id, 3600, send, 1)));    // tie: after-send is stricter
        QVERIFY(ok(c.setExpireTimer(conv.id, 60, read, 1)));      // tie: shorter is stricter
        QCOMPARE(ok(c.get(conv.id)).expireRule, read);
        QVERIFY(ok(c.setExpireTimer(conv.id, 0, read, 2)));  // newer turns it off
        const Conversation after = ok(c.get(conv.id));
        QCOMPARE(after.expireTimer, std::int64_t{0});
        QCOMPARE(after.expireTimerVersion, std::int64_t{2});
        // Either order of the same two concurrent changes ends in the same setting.
        const Conversation other = ok(c.forContact(
            ok(r_->contacts.add(Mode::Session, QStringLiteral("05") + QString(64, QLatin1Char('a')),
                                QString(), 1))
                .id,
            1));
        QVERIFY(ok(c.setExpireTimer(other.id, 300, read, 3)));
        QVERIFY(!ok(c.setExpireTimer(other.id, 28800, send, 3)));
        QVERIFY(ok(c.setExpireTimer(after.id, 28800, send, 3)));
        QVERIFY(ok(c.setExpireTimer(after.id, 300, read, 3)));
        QCOMPARE(ok(c.get(other.id)).expireTimer, ok(c.get(after.id)).expireTimer);
        QCOMPARE(ok(c.get(other.id)).expireRule, ok(c.get(after.id)).expireRule);
        QCOMPARE(errorOf(c.setExpireTimer(conv.id, -1, read, 3)), StoreErrorCode::InvalidArgument);
        QCOMPARE(errorOf(c.setExpireTimer(conv.id, 4, read, 3)), StoreErrorCode::InvalidArgument);
        QCOMPARE(errorOf(c.setExpireTimer(conv.id, 4 * 7 * 86400 + 1, read, 3)),
                 StoreErrorCode::InvalidArgument);
        QCOMPARE(errorOf(c.setExpireTimer(9999, 5, read, 9)), StoreErrorCode::NotFound);
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

    // Every outbox write is in a commit of its own sender or receiver: a receipt's row is one
    // page (no index holds it), a message's row three (the table, the order per conversation,
    // the rows of a message); both are still found by the queries that look for them.
    void outboxRowsTouchFewPages() {
        const Contact c = contact();
        const Conversation conv = ok(r_->conversations.forContact(c.id, 1));
        const auto msg = ok(r_->messages.insert(textMessage(conv.id, "x", Direction::Outgoing, 1)));
        OutboxItem receipt;
        receipt.conversationId = conv.id;
        receipt.kind = OutboxKind::DeliveryReceipt;
        receipt.payload = QByteArray("r");
        qint64 before = walFrames();
        const auto idR = ok(r_->outbox.enqueue(receipt));  // autocommit: a commit of its own
        QCOMPARE(walFrames() - before, qint64{1});
        OutboxItem message;
        message.conversationId = conv.id;
        message.messageId = msg.id;
        message.payload = QByteArray("m");
        before = walFrames();
        const auto idM = ok(r_->outbox.enqueue(message));
        QCOMPARE(walFrames() - before, qint64{3});
        const auto idM2 = ok(r_->outbox.enqueue(message));
        QCOMPARE(ok(r_->outbox.previous(conv.id, idM2, OutboxKind::Message))->id, idM);
        QVERIFY(!ok(r_->outbox.previous(conv.id, idM, OutboxKind::Message)));
        QCOMPARE(ok(r_->outbox.previous(conv.id, idM, OutboxKind::DeliveryReceipt))->id, idR);
        // The statements of previous() (messages) and holdsMessage()/the cascade, as the
        // repository writes them, use the partial indexes (no scan of the outbox).
        const auto plan = [this](const std::string& sql) {
            Statement* stmt = ok(db_->prepare("EXPLAIN QUERY PLAN " + sql));
            QString out;
            while (ok(stmt->step())) {
                out += stmt->text(3) + u'\n';
            }
            return out;
        };
        QVERIFY(plan("SELECT id FROM outbox WHERE conversation_id = ? AND id < ? AND kind = 1 "
                     "ORDER BY id DESC LIMIT 1")
                    .contains(QStringLiteral("USING INDEX outbox_by_conversation")));
        QVERIFY(plan("SELECT count(*) FROM outbox WHERE message_id = ?")
                    .contains(QStringLiteral("INDEX outbox_by_message")));
        QVERIFY(plan("DELETE FROM outbox WHERE message_id = ?")
                    .contains(QStringLiteral("INDEX outbox_by_message")));
        QVERIFY(ok(r_->outbox.holdsMessage(msg.id)));
        QVERIFY(ok(r_->messages.remove(msg.id)));  // cascades to its two rows, not the receipt
        QCOMPARE(ok(r_->outbox.count()), std::int64_t{1});
        QVERIFY(!ok(r_->outbox.holdsMessage(msg.id)));
    }

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
};

QTEST_GUILESS_MAIN(MessageRepositoriesTest)
#include "tst_repositories_messages.moc"
