// Signal mode end to end, accounts and what users see: numbers kept private unless shared, a
// contact who registered again, a message that cannot be read, read receipts turned off, and
// a wrong registration code; real profiles and a real tandem-relayd on loopback.
#include <sodium.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/Messenger.h"
#include "app/core/UserSettings.h"
#include "app/core/signal/SignalRegistration.h"
#include "tests/e2e/SignalE2eUser.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;
using core::Messenger;
using User = test::SignalE2eUser;
using test::networkOf;

class SignalAccountsEndToEndTest : public QObject {
    Q_OBJECT

    QTemporaryDir scratch_;

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void numbersStayPrivateUnlessShared() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const auto network = networkOf(relay, scratch_.filePath(QStringLiteral("n6.json")));
        User carol(QStringLiteral("+4915100000003"));  // keeps her number to herself
        User dave(QStringLiteral("+4915100000004"));   // shares his
        User erin(QStringLiteral("+4915100000005"));   // keeps hers too
        for (User* u : {&carol, &dave, &erin}) {
            u->open(true);
            u->registerWith(network, u == &dave);
            u->start();
        }
        QString from;
        QObject::connect(dave.messenger.get(), &Messenger::messageReceived,
                         [&](const Message&, const QString& sender, Mode) { from = sender; });

        // Carol knows Dave's number; Dave learns only Carol's account id.
        QVERIFY(test::await(carol.messenger->sendText(Mode::Signal, dave.phone, "hi, it's carol"))
                    .has_value());
        QVERIFY(QTest::qWaitFor([&] { return dave.received.size() == 1; }, 20000));
        const QString carolId = from;
        QVERIFY(carolId.startsWith(QStringLiteral("aci:")));
        QCOMPARE(dave.contacts().size(), std::size_t{1});
        QCOMPARE(dave.contacts()[0].address, carolId);
        // Dave replies to the id; it reaches Carol in her conversation with his number.
        QVERIFY(
            test::await(dave.messenger->sendText(Mode::Signal, carolId, "hi carol")).has_value());
        QVERIFY(QTest::qWaitFor([&] { return carol.received.size() == 1; }, 20000));
        QCOMPARE(carol.history(dave.phone), (QStringList{"hi, it's carol", "hi carol"}));
        QCOMPARE(carol.contacts().size(), std::size_t{1});
        // Carol's number is nowhere in Dave's profile: not in his contacts, not in the
        // certificate-bearing messages he stored.
        for (const Contact& c : dave.contacts()) {
            QVERIFY(c.address != carol.phone);
        }

        // Dave shares his number: Erin, who never saved it, sees it.
        QString erinFrom;
        QObject::connect(erin.messenger.get(), &Messenger::messageReceived,
                         [&](const Message&, const QString& sender, Mode) { erinFrom = sender; });
        QVERIFY(test::await(dave.messenger->sendText(Mode::Signal, erin.phone, "hello erin"))
                    .has_value());
        QVERIFY(QTest::qWaitFor([&] { return erin.received.size() == 1; }, 20000));
        QCOMPARE(erinFrom, dave.phone);

        // Erin answers (Dave saved her number before): one conversation on his side.
        QVERIFY(test::await(erin.messenger->sendText(Mode::Signal, dave.phone, "hello dave"))
                    .has_value());
        QVERIFY(QTest::qWaitFor([&] { return dave.received.size() == 2; }, 20000));
        QCOMPARE(dave.history(erin.phone), (QStringList{"hello erin", "hello dave"}));
        QCOMPARE(from, erin.phone);  // his saved number: it learned her id from her bundle

        // Dave saves Carol's number after the fact (she told him in person): the id-only
        // conversation folds into it once the relay confirms the number is that account.
        QVERIFY(test::await(dave.messenger->addContact(Mode::Signal, carol.phone, "Carol"))
                    .has_value());
        QVERIFY(QTest::qWaitFor([&] { return dave.contacts().size() == 2; }, 20000));
        QCOMPARE(dave.history(carol.phone), (QStringList{"hi, it's carol", "hi carol"}));
        QVERIFY(dave.history(carolId).isEmpty());
        // ... and the conversation goes on, both ways, with the merged sessions.
        QVERIFY(test::await(dave.messenger->sendText(Mode::Signal, carol.phone, "saved you"))
                    .has_value());
        QVERIFY(QTest::qWaitFor([&] { return carol.received.size() == 2; }, 20000));
        QVERIFY(
            test::await(carol.messenger->sendText(Mode::Signal, dave.phone, "great")).has_value());
        QVERIFY(QTest::qWaitFor([&] { return dave.received.size() == 3; }, 20000));
        QCOMPARE(dave.history(carol.phone).last(), QStringLiteral("great"));

        // A profile from before account ids: Dave's contact for Carol has no id yet. Her next
        // message, naming only her id and waiting at the relay while he is offline, still
        // reaches that conversation (by her identity key, or by the lookup on connecting).
        dave.stop();
        QVERIFY(test::await(dave.store->write([](Repositories& r) {
                    return r.db.exec("UPDATE contacts SET service_id = NULL");
                })).has_value());
        QVERIFY(test::await(carol.messenger->sendText(Mode::Signal, dave.phone, "still me"))
                    .has_value());
        QVERIFY(QTest::qWaitFor([&] { return carol.countWithStatus(MessageStatus::Sent) >= 1; },
                                20000));
        dave.received.clear();
        dave.start();
        QVERIFY(QTest::qWaitFor([&] { return dave.received.size() == 1; }, 20000));
        QCOMPARE(dave.history(carol.phone).last(), QStringLiteral("still me"));
        QCOMPARE(dave.contacts().size(), std::size_t{2});
    }

    // Bob registers his number again (a new identity key). Alice's session is stale: the relay
    // refuses what she seals for the old key, her core fetches Bob's new keys, marks the
    // identity change and seals again; every message reaches Bob, readable, in order. Before,
    // she saw "sent" while Bob could never open them.
    void aContactWhoRegisteredAgainGetsWhatIsSentAfter() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const auto network = networkOf(relay, scratch_.filePath(QStringLiteral("n9.json")));
        User alice(QStringLiteral("+4915100000091"));
        User bob(QStringLiteral("+4915100000092"));
        for (User* u : {&alice, &bob}) {
            u->open(true);
            u->registerWith(network, true);
            u->start();
        }
        QVERIFY(test::await(alice.messenger->sendText(Mode::Signal, bob.phone, "one")).has_value());
        QVERIFY(QTest::qWaitFor([&] { return bob.received.size() == 1; }, 20000));
        QVERIFY(test::await(bob.messenger->sendText(Mode::Signal, alice.phone, "two")).has_value());
        QVERIFY(QTest::qWaitFor([&] { return alice.received.size() == 1; }, 20000));
        const QByteArray oldKey = alice.contacts().at(0).identityKey;
        QCOMPARE(oldKey.size(), 32);

        // Bob again, with a new identity (tandemctl init signal --force does this).
        bob.stop();
        bob.registerWith(network, true);
        bob.start();
        QSignalSpy changed(alice.messenger.get(), &Messenger::identityChanged);
        for (const char* text : {"three", "four", "five"}) {
            QVERIFY(
                test::await(alice.messenger->sendText(Mode::Signal, bob.phone, text)).has_value());
        }
        QVERIFY2(QTest::qWaitFor([&] { return bob.received.size() == 4; }, 30000),
                 qPrintable(bob.received.join(u',')));
        QCOMPARE(bob.received, (QStringList{"one", "three", "four", "five"}));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(1).toString(), bob.phone);
        const Contact seen = alice.contacts().at(0);
        QVERIFY(seen.identityKey != oldKey);
        QVERIFY(seen.identityChangedAt.has_value());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return alice.countWithStatus(MessageStatus::Failed) == 0 &&
                       alice.countWithStatus(MessageStatus::Pending) == 0;
            },
            20000));
        // And Bob answers on the new session.
        QVERIFY(test::await(bob.messenger->sendText(Mode::Signal, alice.phone, "six")).has_value());
        QVERIFY(QTest::qWaitFor([&] { return alice.received.size() == 2; }, 20000));
        QCOMPARE(alice.received.last(), QStringLiteral("six"));
    }

    // A message that cannot be read is said, with its sender, and `tandemctl receive` exits 1
    // (it printed nothing and exited 0 before). And nothing is sent to oneself: the relay
    // would take it and it would never arrive.
    void whatCannotBeReadIsSaidWithItsSender() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const auto network = networkOf(relay, scratch_.filePath(QStringLiteral("n10.json")));
        User alice(QStringLiteral("+4915100000093"));
        User bob(QStringLiteral("+4915100000094"));
        for (User* u : {&alice, &bob}) {
            u->open(true);
            u->registerWith(network, true);
            u->start();
        }
        const auto toSelf = test::await(alice.messenger->sendText(Mode::Signal, alice.phone, "me"));
        QVERIFY(!toSelf && toSelf.error().message.contains(QStringLiteral("your own address")));
        // Nor to a Session ID whose key nobody holds (all zeros): it was reported sent.
        const QString zeros = QStringLiteral("05") + QString(64, u'0');
        QVERIFY(!Messenger::modeOf(zeros).has_value());
        QVERIFY(!test::await(alice.messenger->sendText(Mode::Session, zeros, "x")).has_value());

        QVERIFY(test::await(alice.messenger->sendText(Mode::Signal, bob.phone, "one")).has_value());
        QVERIFY(QTest::qWaitFor([&] { return bob.received.size() == 1; }, 20000));
        QVERIFY(test::await(bob.messenger->sendText(Mode::Signal, alice.phone, "ack")).has_value());
        QVERIFY(QTest::qWaitFor([&] { return alice.received.size() == 1; }, 20000));
        // Bob loses his sessions (a restored backup, say): Alice's next message is one he
        // cannot decrypt, though the sealed envelope still names her.
        bob.stop();
        QVERIFY(test::await(bob.store->write([](Repositories& r) {
                    return r.sessions.removeMode(Mode::Signal);
                })).has_value());
        QVERIFY(test::await(alice.messenger->sendText(Mode::Signal, bob.phone, "two")).has_value());
        QVERIFY(QTest::qWaitFor([&] { return alice.countWithStatus(MessageStatus::Sent) >= 1; },
                                20000));
        bob.store.reset();  // tandemctl opens the profile now
        QProcess ctl;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("pw"));
        ctl.setProcessEnvironment(env);
        ctl.start(test::binDirOr(QStringLiteral("tandemctl")),
                  {QStringLiteral("--profile"), bob.dir.path(), QStringLiteral("receive"),
                   QStringLiteral("--json"), QStringLiteral("--wait"), QStringLiteral("2")});
        QVERIFY(ctl.waitForFinished(60000));
        const QString out = QString::fromUtf8(ctl.readAllStandardOutput());
        const QString err = QString::fromUtf8(ctl.readAllStandardError());
        QCOMPARE(ctl.exitCode(), 1);
        QJsonObject record;
        for (const QString& line : out.split(u'\n', Qt::SkipEmptyParts)) {
            const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
            if (o.contains(QStringLiteral("error"))) {
                record = o;
            }
        }
        QVERIFY2(!record[QStringLiteral("error")].toString().isEmpty(), qPrintable(out));
        QCOMPARE(record[QStringLiteral("from")].toString(), alice.phone);
        QCOMPARE(record[QStringLiteral("mode")].toString(), QStringLiteral("signal"));
        QVERIFY2(
            err.contains(
                QStringLiteral("a message from %1 (signal) could not be read").arg(alice.phone)) &&
                // "two", and Alice's delivery receipt for "ack"
                err.contains(QStringLiteral("2 message(s) could not be read")),
            qPrintable(QString(err).replace(u'\n', u'|')));
    }

    // With read receipts turned off, what Bob reads is marked read on his side only: Alice's
    // message stays delivered. Turned on again, the next one he reads shows as read to her.
    void readReceiptsTurnedOffAreNotSent() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const auto network = networkOf(relay, scratch_.filePath(QStringLiteral("rr.json")));
        User alice(QStringLiteral("+4915100000031"));
        User bob(QStringLiteral("+4915100000032"));
        for (User* u : {&alice, &bob}) {
            u->open(true);
            u->registerWith(network);
            u->start();
        }
        const auto setReceipts = [&](bool on) {
            QVERIFY(test::await(bob.store->write([on](Repositories& r) {
                        return tandem::core::UserSettings::setReadReceipts(r, on);
                    })).has_value());
        };
        // Bob reads his conversation with Alice (the one her messages are in: he may not
        // know her number).
        const auto bobReads = [&] {
            const auto conversation = test::await(bob.store->read([](Repositories& r) {
                return r.db.queryInt(
                    "SELECT max(conversation_id) FROM messages WHERE direction = 1");
            }));
            return conversation && *conversation > 0
                       ? test::await(bob.messenger->markRead(*conversation)).value_or(-1)
                       : -1;
        };
        const auto outbox = [&] {
            return test::await(bob.store->read([](Repositories& r) {
                       return r.db.queryInt("SELECT count(*) FROM outbox");
                   }))
                .value();
        };

        setReceipts(false);
        QVERIFY(
            test::await(alice.messenger->sendText(Mode::Signal, bob.phone, QStringLiteral("r0")))
                .has_value());
        QVERIFY(QTest::qWaitFor(
            [&] { return alice.countWithStatus(MessageStatus::Delivered) == 1; }, 20000));
        QCOMPARE(bobReads(), 1);
        QCOMPARE(outbox(), std::int64_t{0});  // nothing queued for her
        QTest::qWait(1500);                   // a receipt would be back by now
        QCOMPARE(alice.countWithStatus(MessageStatus::Read), std::int64_t{0});
        QCOMPARE(alice.countWithStatus(MessageStatus::Delivered), std::int64_t{1});
        QCOMPARE(bob.countWithStatus(MessageStatus::Read), std::int64_t{1});  // read on his side

        // Read receipts go only to someone bob accepted (docs/people.md): alice wrote first.
        const auto aliceId = test::await(bob.store->read([](Repositories& r) {
            return r.db.queryInt(
                "SELECT contact_id FROM conversations WHERE id = "
                "(SELECT max(conversation_id) FROM messages WHERE direction = 1)");
        }));
        QVERIFY(aliceId && *aliceId > 0);
        QVERIFY(test::await(bob.messenger->people().accept(*aliceId)).has_value());
        QVERIFY(QTest::qWaitFor([&] { return outbox() == 0; }, 20000));  // our profile went

        setReceipts(true);
        QVERIFY(
            test::await(alice.messenger->sendText(Mode::Signal, bob.phone, QStringLiteral("r1")))
                .has_value());
        QVERIFY(QTest::qWaitFor(
            [&] { return alice.countWithStatus(MessageStatus::Delivered) == 2; }, 20000));
        QCOMPARE(bobReads(), 1);
        QVERIFY(QTest::qWaitFor([&] { return alice.countWithStatus(MessageStatus::Read) == 1; },
                                20000));
        QCOMPARE(alice.countWithStatus(MessageStatus::Delivered), std::int64_t{1});  // r0 stays
    }

    // Blocking in Signal mode ends the blocked person's sealed-sender access (docs/people.md):
    // alice's access key is replaced and the relay told; carol, still accepted, gets the new
    // key with alice's next message and reaches her sealed; bob's old key is refused, his send
    // goes again as an identified one, and alice drops it unread.
    void blockingEndsSealedSenderAccess() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const auto network = networkOf(relay, scratch_.filePath(QStringLiteral("block.json")));
        User alice(QStringLiteral("+4915100000041"));
        User bob(QStringLiteral("+4915100000042"));
        User carol(QStringLiteral("+4915100000043"));
        for (User* u : {&alice, &bob, &carol}) {
            u->open(true);
            u->registerWith(network, /*sharePhone=*/true);
            u->start();
        }
        for (User* other : {&bob, &carol}) {
            QVERIFY(test::await(alice.messenger->addContact(Mode::Signal, other->phone, {}))
                        .has_value());
            QVERIFY(test::await(other->messenger->addContact(Mode::Signal, alice.phone, {}))
                        .has_value());
        }
        const auto send = [](User& from, const QString& to, const QString& text) {
            QVERIFY(test::await(from.messenger->sendText(Mode::Signal, to, text)).has_value());
        };
        const auto keyFor = [](User& u, const QString& address) {
            const auto c = u.contact(address);
            return c ? c->accessKey : QByteArray();
        };
        send(alice, bob.phone, QStringLiteral("a1"));
        send(alice, carol.phone, QStringLiteral("a2"));
        QVERIFY(QTest::qWaitFor([&] { return keyFor(bob, alice.phone).size() == 16; }, 20000));
        QVERIFY(QTest::qWaitFor([&] { return keyFor(carol, alice.phone).size() == 16; }, 20000));
        const QByteArray oldKey = keyFor(bob, alice.phone);
        QCOMPARE(keyFor(carol, alice.phone), oldKey);

        QVERIFY(
            test::await(alice.messenger->people().block(alice.contact(bob.phone)->id)).has_value());
        // The relay took the new key.
        QVERIFY(QTest::qWaitFor(
            [&] {
                const auto unsent = test::await(alice.store->read([](Repositories& r) {
                    return r.settings.get(QStringLiteral("signal.access_key_pending"));
                }));
                return unsent && !unsent->has_value();
            },
            20000));
        send(alice, carol.phone, QStringLiteral("a3"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QByteArray now = keyFor(carol, alice.phone);
                return now.size() == 16 && now != oldKey;
            },
            20000));

        send(bob, alice.phone, QStringLiteral("b-after-block"));
        send(carol, alice.phone, QStringLiteral("c-after-block"));
        QVERIFY(QTest::qWaitFor(
            [&] { return alice.received.contains(QStringLiteral("c-after-block")); }, 20000));
        // bob's old key was refused: his client forgot it (the send went identified).
        QVERIFY(QTest::qWaitFor([&] { return keyFor(bob, alice.phone).isEmpty(); }, 20000));
        QTest::qWait(1500);
        QVERIFY(!alice.received.contains(QStringLiteral("b-after-block")));
        QVERIFY(!alice.history(bob.phone).contains(QStringLiteral("b-after-block")));
    }

    void registrationWithAWrongCodeFails() {
        test::RelayProcess relay(QStringLiteral("file"));
        QVERIFY(relay.start());
        const auto network = networkOf(relay, scratch_.filePath(QStringLiteral("n5.json")));
        User carol(QStringLiteral("+4915100000003"));
        carol.open(true);
        core::SignalRegistration registration(*carol.store, network, carol.phone);
        const auto requested = test::await(registration.requestCode());
        QVERIFY(requested.has_value());
        QVERIFY(*requested);  // a code is needed
        const QString code = relay.lastCode(carol.phone);
        const auto wrong = test::await(
            registration.complete(code == QLatin1String("123456") ? "654321" : "123456"));
        QVERIFY(!wrong.has_value());
        QVERIFY(wrong.error().message.contains(QStringLiteral("code")));
        const auto account = test::await(
            carol.store->read([](Repositories& r) { return r.accounts.get(Mode::Signal); }));
        QVERIFY(!account->has_value());  // nothing stored
        QVERIFY(test::await(registration.complete(code)).has_value());
    }
};

QTEST_GUILESS_MAIN(SignalAccountsEndToEndTest)
#include "tst_signal_e2e_accounts.moc"
