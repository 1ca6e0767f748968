// The core's outbox, inbox and receipts over a fake transport (tests/core/FakeChannel.h) and
// a real store: ordering, retries, dedupe, acknowledgement and restart, in well under a second.
// The same behaviour over the real relay and onion network is in tests/e2e.
#include <memory>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/ContentHandler.h"
#include "app/core/Messenger.h"
#include "app/core/UserSettings.h"
#include "tests/core/FakeChannel.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;
using core::Messenger;
using test::FakeChannel;

namespace {

constexpr auto kMe = "+15550000000";

// Processes events until `done`, at most `ms`: wakes on every event (no polling sleep).
template <class P>
bool waitUntil(P done, int ms = 10000) {  // returns as soon as done: the bound is for a loaded CI
    QTimer heartbeat;  // wakes the wait now and then even when nothing else happens
    heartbeat.start(2);
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > ms) {
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

// The texts in what the transport sent (receipts and others left out), in order.
QStringList sentTexts(const test::FakeTransport& t, const QString& to = {}) {
    QStringList texts;
    for (const auto& e : t.sent) {
        const auto content = proto::decodeContent(test::fakeContent(e.ciphertext));
        if (content && content->has_text() && (to.isEmpty() || e.recipient == to)) {
            texts << QString::fromStdString(content->text().text());
        }
    }
    return texts;
}

// The receipts in what the transport sent: type and how many uids.
std::vector<std::pair<proto::Receipt::Type, int>> sentReceipts(const test::FakeTransport& t) {
    std::vector<std::pair<proto::Receipt::Type, int>> out;
    for (const auto& e : t.sent) {
        const auto content = proto::decodeContent(test::fakeContent(e.ciphertext));
        if (content && content->has_receipt()) {
            out.emplace_back(content->receipt().type(), content->receipt().uids_size());
        }
    }
    return out;
}

}  // namespace

class CoreTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<Messenger> messenger_;
    FakeChannel* channel_ = nullptr;
    int nextNumber_ = 1;

    QString newNumber() { return QStringLiteral("+1555%1").arg(nextNumber_++, 7, 10, QChar(u'0')); }

    void startMessenger() {
        channel_ = nullptr;
        messenger_ = std::make_unique<Messenger>(
            *store_, nullptr,
            [this](Mode mode, Store& store, const std::optional<core::NetworkConfig>&,
                   const core::ChannelOptions&) -> std::unique_ptr<core::ModeChannel> {
                if (mode != Mode::Signal) {
                    return nullptr;
                }
                auto channel = std::make_unique<FakeChannel>(store, QString::fromLatin1(kMe));
                channel_ = channel.get();
                return channel;
            });
        QVERIFY(test::await(messenger_->start()).has_value());
        QVERIFY(channel_ != nullptr && channel_->fake != nullptr);
    }
    test::FakeTransport& wire() { return *channel_->fake; }

    std::vector<Message> history(Mode mode, const QString& address) {
        return test::await(store_->read([mode, address](
                                            Repositories& r) -> StoreResult<std::vector<Message>> {
                   TANDEM_TRY_ASSIGN(const auto contact, core::findContact(r, mode, address));
                   if (!contact) {
                       return std::vector<Message>{};
                   }
                   TANDEM_TRY_ASSIGN(const Conversation c,
                                     r.conversations.forContact(contact->id, 0));
                   return r.messages.newest(c.id, 100);
               }))
            .value();
    }
    std::int64_t outboxCount() {
        return test::await(store_->read([](Repositories& r) { return r.outbox.count(); })).value();
    }
    bool idle() { return messenger_->isIdle(); }

private slots:
    void initTestCase() {
        store_ = std::make_unique<Store>();
        QVERIFY(test::await(
                    store_->create(dir_.path(), test::passphrase("pw"), KdfStrength::Interactive))
                    .has_value());
        startMessenger();
    }
    void init() {
        wire().autoAccept = true;
        channel_->connectedNow = true;
    }
    void cleanupTestCase() { messenger_.reset(); }

    void textsLeaveInOrderSealedOnceAndAreSentWhenAccepted() {
        const QString bob = newNumber();
        const int seals = channel_->seals;
        for (int i = 0; i < 5; ++i) {
            QVERIFY(test::await(messenger_->sendText(Mode::Signal, bob, QString::number(i))));
        }
        QVERIFY(waitUntil([&] { return sentTexts(wire(), bob).size() == 5 && idle(); }));
        QCOMPARE(sentTexts(wire(), bob), (QStringList{"0", "1", "2", "3", "4"}));
        QCOMPARE(channel_->seals - seals, 5);
        QCOMPARE(outboxCount(), 0);
        for (const Message& m : history(Mode::Signal, bob)) {
            QCOMPARE(m.status, MessageStatus::Sent);
        }
    }

    // A text the channel could seal at once, queued while the one before it in the same
    // conversation is still being sealed by the channel, waits for it: order kept. Texts sealed
    // at once go out sealed once, as the others do.
    void aMessageSealedAtOnceDoesNotOvertakeOneStillBeingSealed() {
        const QString bob = newNumber();
        channel_->inlineSeals = true;
        channel_->holdSeals = true;
        const int seals = channel_->seals;
        QVERIFY(test::await(messenger_->sendText(Mode::Signal, bob, "seal later")));
        QVERIFY(waitUntil([&] { return channel_->heldSeals() == 1; }));
        QVERIFY(test::await(messenger_->sendText(Mode::Signal, bob, "second")));
        QTest::qWait(100);  // time enough for it to overtake, if it could
        QCOMPARE(sentTexts(wire(), bob), QStringList{});
        channel_->holdSeals = false;
        channel_->releaseSeals();
        QVERIFY(waitUntil([&] { return sentTexts(wire(), bob).size() == 2 && idle(); }));
        QCOMPARE(sentTexts(wire(), bob), (QStringList{"seal later", "second"}));
        QVERIFY(test::await(messenger_->sendText(Mode::Signal, bob, "third")));
        QVERIFY(waitUntil([&] { return sentTexts(wire(), bob).size() == 3 && idle(); }));
        QCOMPARE(sentTexts(wire(), bob).back(), QStringLiteral("third"));
        QCOMPARE(channel_->seals - seals, 2);  // "third" was sealed in its queueing transaction
        QCOMPARE(outboxCount(), 0);
        channel_->inlineSeals = false;
    }

    void aRetryableFailureHoldsItsConversationAndNotOthers() {
        const QString bob = newNumber();
        const QString carol = newNumber();
        wire().autoAccept = false;
        const std::size_t before = wire().sent.size();
        QVERIFY(test::await(messenger_->sendText(Mode::Signal, bob, "one")));
        QVERIFY(waitUntil([&] { return wire().sent.size() == before + 1; }));
        const transport::OutgoingEnvelope first = wire().sent.back();
        wire().fail(first.id, {transport::TransportError::Code::Network, "the line dropped", true});
        QVERIFY(test::await(messenger_->sendText(Mode::Signal, bob, "two")));
        QVERIFY(test::await(messenger_->sendText(Mode::Signal, carol, "hi carol")));
        QVERIFY(waitUntil([&] { return sentTexts(wire(), carol).size() == 1; }));
        // "two" waits behind "one", which waits out its backoff (a second at first).
        QCOMPARE(sentTexts(wire(), bob), QStringList{"one"});
        // A transport that reconnects makes it due at once; "two" follows it, in order.
        const int seals = channel_->seals;
        channel_->setConnected(true);
        QVERIFY(waitUntil([&] { return sentTexts(wire(), bob).size() == 3; }));
        QCOMPARE(sentTexts(wire(), bob), (QStringList{"one", "one", "two"}));
        QCOMPARE(channel_->seals - seals, 1);  // "two"; "one" goes as it was sealed
        const auto again =
            std::find_if(wire().sent.begin() + static_cast<long>(before) + 1, wire().sent.end(),
                         [&](const auto& e) { return e.id == first.id; });
        QVERIFY(again != wire().sent.end());
        QCOMPARE(again->ciphertext, first.ciphertext);
        for (const auto& e : wire().sent) {
            wire().accept(e.id);
        }
        QVERIFY(waitUntil([&] { return outboxCount() == 0 && idle(); }));
    }

    void aRefusedMessageFailsAndRetryKeepsItsUid() {
        const QString bob = newNumber();
        wire().autoAccept = false;
        QSignalSpy problems(messenger_.get(), &Messenger::problem);
        const auto sent = test::await(messenger_->sendText(Mode::Signal, bob, "refused"));
        QVERIFY(sent);
        QVERIFY(waitUntil([&] { return sentTexts(wire(), bob).size() == 1; }));
        wire().fail(wire().sent.back().id,
                    {transport::TransportError::Code::Rejected, "no such recipient", false});
        QVERIFY(waitUntil([&] {
            const auto h = history(Mode::Signal, bob);
            return h.size() == 1 && h[0].status == MessageStatus::Failed;
        }));
        // Said once the give-up's transaction is back (the status may be read before that).
        QVERIFY(waitUntil([&] { return !problems.isEmpty(); }));
        QCOMPARE(problems.last().at(0).toString(), QStringLiteral("no such recipient"));
        QCOMPARE(outboxCount(), 0);

        wire().autoAccept = true;
        QVERIFY(test::await(messenger_->retry(sent->id)).value());
        QVERIFY(
            waitUntil([&] { return history(Mode::Signal, bob)[0].status == MessageStatus::Sent; }));
        const auto content = proto::decodeContent(test::fakeContent(wire().sent.back().ciphertext));
        QVERIFY(content.has_value());
        QCOMPARE(QByteArray::fromStdString(content->uid()), sent->uid.toByteArray());
        QVERIFY(!test::await(messenger_->retry(sent->id)).value());  // sent: nothing to retry
    }

    void aDeferredSendIsNotAnAttempt() {
        const QString bob = newNumber();
        wire().autoAccept = false;
        QVERIFY(test::await(messenger_->sendText(Mode::Signal, bob, "later")));
        QVERIFY(waitUntil([&] { return sentTexts(wire(), bob).size() == 1; }));
        wire().fail(wire().sent.back().id,
                    {transport::TransportError::Code::Deferred, "behind another", true});
        // Goes again at once, without a backoff and without counting an attempt.
        QVERIFY(waitUntil([&] { return sentTexts(wire(), bob).size() == 2; }, 500));
        const auto items =
            test::await(store_->read([](Repositories& r) { return r.outbox.all(100); })).value();
        QCOMPARE(items.size(), std::size_t{1});
        QCOMPARE(items[0].attempts, 0);
        wire().accept(wire().sent.back().id);
        QVERIFY(waitUntil([&] { return outboxCount() == 0; }));
    }

    void nothingGoesWhileDisconnectedAndAllGoesOnConnect() {
        const QString bob = newNumber();
        channel_->connectedNow = false;
        QVERIFY(test::await(messenger_->sendText(Mode::Signal, bob, "queued")));
        QVERIFY(!waitUntil([&] { return !sentTexts(wire(), bob).isEmpty(); }, 50));
        channel_->setConnected(true);
        QVERIFY(waitUntil([&] { return sentTexts(wire(), bob) == QStringList{"queued"}; }));
    }

    void aMessageArrivesOnceAndIsAcknowledgedAfterItIsStored() {
        const QString dave = newNumber();
        QSignalSpy received(messenger_.get(), &Messenger::messageReceived);
        const MessageUid uid = MessageUid::generate(1000);
        const QByteArray content = core::textContent(uid, 1000, "hello twice", 0);
        const std::size_t receipts = sentReceipts(wire()).size();
        wire().deliver("s1", test::fakeEnvelope(dave, content));
        wire().deliver("s2", test::fakeEnvelope(dave, content));  // the network's second copy
        QVERIFY(waitUntil([&] { return wire().acknowledged.size() >= 2 && idle(); }));
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.at(0).at(1).toString(), dave);
        const auto h = history(Mode::Signal, dave);
        QCOMPARE(h.size(), std::size_t{1});
        QCOMPARE(h[0].body, QStringLiteral("hello twice"));
        QVERIFY(std::count(wire().acknowledged.begin(), wire().acknowledged.end(), "s1") == 1);
        QVERIFY(std::count(wire().acknowledged.begin(), wire().acknowledged.end(), "s2") == 1);
        // A delivery receipt went back for it.
        QVERIFY(waitUntil([&] { return sentReceipts(wire()).size() > receipts; }));
        QCOMPARE(sentReceipts(wire()).at(receipts).first, proto::Receipt::DELIVERY);
    }

    void whatCannotBeStoredIsNotAcknowledgedAndTheRestGoesOn() {
        const QString erin = newNumber();
        QSignalSpy failed(messenger_.get(), &Messenger::receiveFailed);
        wire().deliver("bad", "unstorable");
        wire().deliver("junk", "not an envelope at all");
        wire().deliver("good",
                       test::fakeEnvelope(erin, core::textContent(MessageUid::generate(2000), 2000,
                                                                  "after the bad ones", 0)));
        QVERIFY(waitUntil([&] { return history(Mode::Signal, erin).size() == 1 && idle(); }));
        QCOMPARE(failed.size(), 2);
        const auto& acked = wire().acknowledged;
        QVERIFY(std::find(acked.begin(), acked.end(), "bad") == acked.end());   // delivered again
        QVERIFY(std::find(acked.begin(), acked.end(), "junk") != acked.end());  // never readable
        QVERIFY(std::find(acked.begin(), acked.end(), "good") != acked.end());
    }

    void receiptsMoveTheStatusForward() {
        const QString frank = newNumber();
        const auto sent = test::await(messenger_->sendText(Mode::Signal, frank, "did you get it"));
        QVERIFY(sent);
        QVERIFY(waitUntil(
            [&] { return history(Mode::Signal, frank)[0].status == MessageStatus::Sent; }));
        wire().deliver(
            "r1", test::fakeEnvelope(
                      frank, core::receiptContent(proto::Receipt::DELIVERY, {sent->uid}, 3000)));
        QVERIFY(waitUntil(
            [&] { return history(Mode::Signal, frank)[0].status == MessageStatus::Delivered; }));
        wire().deliver("r2", test::fakeEnvelope(frank, core::receiptContent(proto::Receipt::READ,
                                                                            {sent->uid}, 3001)));
        QVERIFY(waitUntil(
            [&] { return history(Mode::Signal, frank)[0].status == MessageStatus::Read; }));
        // A late delivery receipt does not move it back.
        wire().deliver(
            "r3", test::fakeEnvelope(
                      frank, core::receiptContent(proto::Receipt::DELIVERY, {sent->uid}, 3002)));
        QVERIFY(waitUntil([&] { return idle() && wire().acknowledged.back() == "r3"; }));
        QCOMPARE(history(Mode::Signal, frank)[0].status, MessageStatus::Read);
    }

    void readingSendsOneReadReceiptUnlessTurnedOff() {
        for (const bool tell : {true, false}) {
            const QString gina = newNumber();
            QVERIFY(test::await(store_->write([tell](Repositories& r) {
                return tandem::core::UserSettings::setReadReceipts(r, tell);
            })));
            for (int i = 0; i < 3; ++i) {
                wire().deliver(
                    "g" + QByteArray::number(i) + (tell ? "t" : "f"),
                    test::fakeEnvelope(gina, core::textContent(MessageUid::generate(4000 + i),
                                                               4000 + i, "unread", 0)));
            }
            QVERIFY(waitUntil([&] { return history(Mode::Signal, gina).size() == 3 && idle(); }));
            const std::size_t before = sentReceipts(wire()).size();
            const auto conversation = history(Mode::Signal, gina)[0].conversationId;
            QCOMPARE(test::await(messenger_->markRead(conversation)).value(), 3);
            QVERIFY(waitUntil([&] { return idle(); }));
            QTest::qWait(5);
            const auto receipts = sentReceipts(wire());
            const auto reads =
                std::count_if(receipts.begin() + static_cast<long>(before), receipts.end(),
                              [](const auto& r) { return r.first == proto::Receipt::READ; });
            QCOMPARE(reads, tell ? 1 : 0);
            if (tell) {
                QCOMPARE(receipts.back().second, 3);  // one receipt for the three
            }
            QCOMPARE(test::await(messenger_->markRead(conversation)).value(), 0);
        }
    }

    void aConversationIsAddressedByItsId() {
        const QString hal = newNumber();
        const auto contact = test::await(messenger_->addContact(Mode::Signal, hal, std::nullopt));
        QVERIFY(contact);
        const auto sent = test::await(messenger_->sendText(Mode::Signal, hal, "by address"));
        QVERIFY(sent);
        QVERIFY(test::await(messenger_->sendText(sent->conversationId, "by id")));
        QVERIFY(waitUntil([&] { return sentTexts(wire(), hal).size() == 2; }));
        QCOMPARE(sentTexts(wire(), hal), (QStringList{"by address", "by id"}));
        // Nothing is sent to oneself, nor from Note to Self, nor an empty text.
        const auto own = test::await(messenger_->sendText(Mode::Signal, kMe, "me"));
        QVERIFY(!own && own.error().message.contains("your own address"));
        QVERIFY(!test::await(messenger_->sendText(sent->conversationId, "   ")));
        QVERIFY(!test::await(messenger_->sendText(987654, "nowhere")));
    }

    void aDamagedQueuedItemFailsAndHoldsUpNothing() {
        const QString jo = newNumber();
        channel_->connectedNow = false;
        const int asked = channel_->connectedAsked;
        const auto sent = test::await(messenger_->sendText(Mode::Signal, jo, "damaged"));
        QVERIFY(sent);
        // The outbox has read the item and found the channel down (a read still on its way
        // would dispatch the bytes it read before they were damaged below).
        QVERIFY(waitUntil([&] { return channel_->connectedAsked > asked; }));
        // Its queued bytes name a mode that does not exist (a damaged profile, a bug).
        QVERIFY(test::await(store_->write([id = sent->id](Repositories& r) -> StoreResult<void> {
            TANDEM_TRY_ASSIGN(const auto items, r.outbox.all(100));
            for (const OutboxItem& item : items) {
                if (item.messageId == id) {
                    proto::core::OutboxPayload payload;
                    payload.mutable_wire()->set_mode(7);
                    payload.mutable_wire()->set_envelope("x");
                    return r.outbox.setPayload(
                        item.id, QByteArray::fromStdString(payload.SerializeAsString()));
                }
            }
            return storeError(StoreErrorCode::NotFound, QStringLiteral("not queued"));
        })));
        // The outbox's read ran before this write (the store keeps their order), but its
        // answer may still wait in this thread's queue: it is handled now, while the channel
        // is down, not after — when it would send the bytes it read before the damage.
        QCoreApplication::processEvents();
        channel_->setConnected(true);
        QVERIFY(waitUntil(
            [&] { return history(Mode::Signal, jo)[0].status == MessageStatus::Failed; }));
        QVERIFY(test::await(messenger_->sendText(Mode::Signal, jo, "after it")));
        QVERIFY(waitUntil([&] { return sentTexts(wire(), jo) == QStringList{"after it"}; }));
    }

    // Last: it restarts the messenger.
    void aRestartSendsWhatWasSealedAsTheSameBytes() {
        const QString ivy = newNumber();
        wire().autoAccept = false;
        QVERIFY(test::await(messenger_->sendText(Mode::Signal, ivy, "survives")));
        QVERIFY(waitUntil([&] { return sentTexts(wire(), ivy).size() == 1; }));
        const QByteArray bytes = wire().sent.back().ciphertext;
        // Gone before the network said it took it (a crash, a closed laptop).
        messenger_.reset();
        startMessenger();
        QVERIFY(waitUntil([&] { return sentTexts(wire(), ivy).size() == 1; }));
        QCOMPARE(wire().sent.back().ciphertext, bytes);
        QCOMPARE(channel_->seals, 0);
        QVERIFY(waitUntil([&] { return outboxCount() == 0 && idle(); }));
        QCOMPARE(history(Mode::Signal, ivy)[0].status, MessageStatus::Sent);
    }
};

QTEST_GUILESS_MAIN(CoreTest)
#include "tst_core.moc"
