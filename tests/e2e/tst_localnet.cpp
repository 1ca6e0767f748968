// tandem-localnet and tandemctl's network commands as a user runs them: processes only.
#include <csignal>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/NetworkConfig.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

namespace {

struct Run {
    int status = -1;
    QString out;
    QString err;
};

}  // namespace

class LocalNetTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    Run tandemctl(const QString& profile, const QStringList& args, int timeoutMs = 60000,
                  const QByteArray& input = {}) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("pw"));
        p.setProcessEnvironment(env);
        p.start(tandem::test::binDirOr(QStringLiteral("tandemctl")),
                QStringList{QStringLiteral("--profile"), dir_.filePath(profile)} + args);
        p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            qFatal("tandemctl timed out: %s", qPrintable(args.join(u' ')));
        }
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    std::unique_ptr<QProcess> startLocalnet() {
        auto net = std::make_unique<QProcess>();
        if (!tandem::test::startLocalnet(*net, dir_.filePath(QStringLiteral("net")), 20000)) {
            qFatal("tandem-localnet did not become ready");
        }
        return net;
    }

    QString network() const { return dir_.filePath(QStringLiteral("net/network.json")); }

    quint16 relayPort() const {
        QFile f(network());
        f.open(QIODevice::ReadOnly);
        const QString address = QJsonDocument::fromJson(f.readAll())
                                    .object()[QStringLiteral("relay")]
                                    .toObject()[QStringLiteral("address")]
                                    .toString();
        return static_cast<quint16>(address.mid(address.lastIndexOf(u':') + 1).toUInt());
    }

    static bool portOpen(quint16 port) {
        QTcpSocket s;
        s.connectToHost(QStringLiteral("127.0.0.1"), port);
        return s.waitForConnected(1000);
    }

private slots:
    void aUsersDay() {
        auto net = startLocalnet();
        const QByteArray firstNetwork = tandem::test::readFile(network());
        const quint16 port = relayPort();
        QVERIFY(portOpen(port));

        // Nine onion nodes, each on its own 127.0.0.x, in three swarms of three, listed in a
        // directory that network.json carries signed by the network key.
        const auto config = tandem::core::NetworkConfig::load(network());
        QVERIFY2(config.has_value(), qPrintable(config ? QString() : config.error()));
        QVERIFY(config->onion.has_value());
        const auto& directory = config->onion->directory;
        QCOMPARE(directory.nodes.size(), std::size_t{9});
        QCOMPARE(directory.swarmIds().size(), std::size_t{3});
        QSet<QString> hosts;
        for (const auto& node : directory.nodes) {
            const qsizetype colon = node.address.lastIndexOf(u':');
            hosts.insert(node.address.left(colon));
            QTcpSocket s;
            s.connectToHost(node.address.left(colon), node.address.mid(colon + 1).toUShort());
            QVERIFY2(s.waitForConnected(2000), qPrintable(node.address));
        }
        QCOMPARE(hosts.size(), 9);
        QVERIFY(!hosts.contains(QStringLiteral("127.0.0.1")));

        for (const char* who : {"alice", "bob"}) {
            QCOMPARE(
                tandemctl(QLatin1String(who), {QStringLiteral("create"), QStringLiteral("--kdf"),
                                               QStringLiteral("interactive")})
                    .status,
                0);
        }
        const Run init =
            tandemctl(QStringLiteral("alice"),
                      {QStringLiteral("init"), QStringLiteral("signal"), QStringLiteral("--phone"),
                       QStringLiteral("+4915100000001"), QStringLiteral("--network"), network(),
                       QStringLiteral("--share-phone")});
        QVERIFY2(init.status == 0, qPrintable(init.err));
        QCOMPARE(
            tandemctl(QStringLiteral("bob"),
                      {QStringLiteral("init"), QStringLiteral("signal"), QStringLiteral("--phone"),
                       QStringLiteral("+4915100000002"), QStringLiteral("--network"), network()})
                .status,
            0);
        const Run who = tandemctl(QStringLiteral("alice"),
                                  {QStringLiteral("whoami"), QStringLiteral("--json")});
        const QJsonObject account = QJsonDocument::fromJson(who.out.toUtf8())
                                        .object()[QStringLiteral("accounts")]
                                        .toArray()[0]
                                        .toObject();
        QCOMPARE(account[QStringLiteral("phone")].toString(), QStringLiteral("+4915100000001"));
        QCOMPARE(account[QStringLiteral("identity_key")].toString().size(), qsizetype{66});
        QCOMPARE(account[QStringLiteral("account_id")].toString().size(), qsizetype{36});
        QVERIFY(account[QStringLiteral("phone_shared")].toBool());
        const Run bobWho = tandemctl(QStringLiteral("bob"), {QStringLiteral("whoami")});
        QVERIFY2(bobWho.out.contains(QStringLiteral("account id: aci:")) &&
                     bobWho.out.contains(QStringLiteral("instead of your number")),
                 qPrintable(bobWho.out));
        QCOMPARE(tandemctl(QStringLiteral("alice"),
                           {QStringLiteral("add-contact"), QStringLiteral("+4915100000002"),
                            QStringLiteral("--name"), QStringLiteral("Bob")})
                     .status,
                 0);

        const Run sent = tandemctl(
            QStringLiteral("alice"),
            {QStringLiteral("send"), QStringLiteral("--to"), QStringLiteral("+4915100000002"),
             QStringLiteral("--text"), QStringLiteral("Grüße über die Relay 🚲")});
        QVERIFY2(sent.status == 0, qPrintable(sent.err));
        const Run got =
            tandemctl(QStringLiteral("bob"), {QStringLiteral("receive"), QStringLiteral("--json")});
        QVERIFY2(got.status == 0, qPrintable(got.err));
        const QJsonObject line = QJsonDocument::fromJson(got.out.trimmed().toUtf8()).object();
        // Alice shares her number (--share-phone), so Bob, who never saved it, sees it.
        QCOMPARE(line[QStringLiteral("from")].toString(), QStringLiteral("+4915100000001"));
        QCOMPARE(line[QStringLiteral("mode")].toString(), QStringLiteral("signal"));
        QCOMPARE(line[QStringLiteral("text")].toString(), QStringLiteral("Grüße über die Relay 🚲"));
        QCOMPARE(line[QStringLiteral("uid")].toString(), sent.out.trimmed());
        QVERIFY(line[QStringLiteral("received_at")].toDouble() >=
                line[QStringLiteral("sent_at")].toDouble());
        // Bob's receipt reaches Alice (a receive that ends before it is handled: another).
        QString seen;
        QVERIFY2(
            QTest::qWaitFor(
                [&] {
                    const Run receipt = tandemctl(
                        QStringLiteral("alice"),
                        {QStringLiteral("receive"), QStringLiteral("--wait"), QStringLiteral("1")});
                    const Run history =
                        tandemctl(QStringLiteral("alice"),
                                  {QStringLiteral("history"), QStringLiteral("--with"),
                                   QStringLiteral("+4915100000002"), QStringLiteral("--json")});
                    seen = QStringLiteral("receive: status %1, %2\nhistory: %3")
                               .arg(receipt.status)
                               .arg(receipt.err, history.out);
                    return QJsonDocument::fromJson(history.out.trimmed().toUtf8())
                               .object()[QStringLiteral("status")]
                               .toString() == QStringLiteral("delivered");
                },
                30000),
            qPrintable(seen));

        // Both sides see one safety number (tandemctl contact: the service the app's contact
        // details use), and Alice can mark Bob verified once they compared it.
        const auto safety = [&](const QString& profile, const QString& with,
                                const QStringList& more = {}) {
            const Run r =
                tandemctl(profile, QStringList{QStringLiteral("contact"), QStringLiteral("--with"),
                                               with, QStringLiteral("--json")} +
                                       more);
            return QJsonDocument::fromJson(r.out.trimmed().toUtf8()).object();
        };
        const QJsonObject aliceSees =
            safety(QStringLiteral("alice"), QStringLiteral("+4915100000002"));
        const QJsonObject bobSees = safety(QStringLiteral("bob"), QStringLiteral("+4915100000001"));
        const QString number = aliceSees[QStringLiteral("safety_number")].toString();
        QVERIFY2(number.count(QRegularExpression(QStringLiteral("[0-9]"))) == 60,
                 qPrintable(number));
        QCOMPARE(bobSees[QStringLiteral("safety_number")].toString(), number);
        QCOMPARE(aliceSees[QStringLiteral("name")].toString(), QStringLiteral("Bob"));
        QCOMPARE(aliceSees[QStringLiteral("verification")].toString(), QStringLiteral("default"));
        const QJsonObject verified =
            safety(QStringLiteral("alice"), QStringLiteral("+4915100000002"),
                   {QStringLiteral("--verify")});
        QCOMPARE(verified[QStringLiteral("verification")].toString(), QStringLiteral("verified"));
        QCOMPARE(safety(QStringLiteral("alice"),
                        QStringLiteral("+4915100000002"))[QStringLiteral("verification")]
                     .toString(),
                 QStringLiteral("verified"));
        // Cleared again: Bob re-registers below, and a verified contact's new key holds
        // Alice's messages until she accepts it (tst_signal_e2e covers that).
        QCOMPARE(safety(QStringLiteral("alice"), QStringLiteral("+4915100000002"),
                        {QStringLiteral("--clear")})[QStringLiteral("verification")]
                     .toString(),
                 QStringLiteral("default"));

        // The relay child dies: the local network brings it back on the same port.
        const auto relayPid = [&] {
            QProcess pgrep;
            pgrep.start(QStringLiteral("pgrep"),
                        {QStringLiteral("-f"), dir_.filePath(QStringLiteral("net/relay"))});
            pgrep.waitForFinished();
            return pgrep.readAllStandardOutput().trimmed().split('\n').first().toLongLong();
        };
        const qint64 first = relayPid();
        QVERIFY(first > 0);
        ::kill(static_cast<pid_t>(first), SIGKILL);
        QVERIFY(QTest::qWaitFor(
            [&] {
                const qint64 now = relayPid();
                return now > 0 && now != first;
            },
            10000));
        QVERIFY(QTest::qWaitFor([&] { return portOpen(port); }, 10000));
        const Run afterRestart = tandemctl(
            QStringLiteral("bob"),
            {QStringLiteral("send"), QStringLiteral("--to"), QStringLiteral("+4915100000001"),
             QStringLiteral("--text"), QStringLiteral("still there?")});
        QVERIFY2(afterRestart.status == 0, qPrintable(afterRestart.err));

        // Stopping the network stops every daemon.
        net->terminate();
        QVERIFY(net->waitForFinished(15000));
        QCOMPARE(net->exitStatus(), QProcess::NormalExit);
        QCOMPARE(net->exitCode(), 0);
        QVERIFY(!portOpen(port));

        // Sending with the network down: a clear error, the message stays queued.
        const Run queued = tandemctl(
            QStringLiteral("alice"),
            {QStringLiteral("send"), QStringLiteral("--to"), QStringLiteral("+4915100000002"),
             QStringLiteral("--text"), QStringLiteral("while you were away"),
             QStringLiteral("--wait"), QStringLiteral("2")});
        QCOMPARE(queued.status, 1);
        QVERIFY(queued.err.contains(QStringLiteral("queued")));

        // The same folder again: same port, same keys, and the queued message goes out.
        net = startLocalnet();
        QCOMPARE(tandem::test::readFile(network()), firstNetwork);
        QCOMPARE(tandemctl(QStringLiteral("alice"), {QStringLiteral("receive"),
                                                     QStringLiteral("--wait"), QStringLiteral("1")})
                     .status,
                 0);
        const Run later =
            tandemctl(QStringLiteral("bob"), {QStringLiteral("receive"), QStringLiteral("--json")});
        QVERIFY(later.out.contains(QStringLiteral("while you were away")));

        // Registering again is never an accident: refused without --force, nothing changed.
        const auto identityOf = [&](const char* profile) {
            const Run w = tandemctl(QLatin1String(profile),
                                    {QStringLiteral("whoami"), QStringLiteral("--json")});
            return QJsonDocument::fromJson(w.out.toUtf8())
                .object()[QStringLiteral("accounts")]
                .toArray()[0]
                .toObject()[QStringLiteral("identity_key")]
                .toString();
        };
        const QString bobKey = identityOf("bob");
        const QStringList again = {QStringLiteral("init"),      QStringLiteral("signal"),
                                   QStringLiteral("--phone"),   QStringLiteral("+4915100000002"),
                                   QStringLiteral("--network"), network()};
        const Run refused = tandemctl(QStringLiteral("bob"), again);
        QCOMPARE(refused.status, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("already registered")) &&
                     refused.err.contains(QStringLiteral("--force")) &&
                     refused.err.contains(QStringLiteral("set-network")),
                 qPrintable(refused.err));
        QCOMPARE(identityOf("bob"), bobKey);
        // Another network file needs no new identity.
        const Run moved =
            tandemctl(QStringLiteral("bob"), {QStringLiteral("set-network"), network()});
        QVERIFY2(moved.status == 0 && moved.out.contains(QStringLiteral("keys are unchanged")),
                 qPrintable(moved.err + moved.out));
        QCOMPARE(identityOf("bob"), bobKey);
        QCOMPARE(tandemctl(QStringLiteral("bob"),
                           {QStringLiteral("set-network"), dir_.filePath(QStringLiteral("nope"))})
                     .status,
                 1);
        // With --force: a new identity. Alice's next message is refused by the relay as sealed
        // for the old key; her tandemctl fetches Bob's new keys, seals again, and Bob reads it.
        const Run forced =
            tandemctl(QStringLiteral("bob"), again + QStringList{QStringLiteral("--force")});
        QVERIFY2(forced.status == 0 && forced.out.contains(QStringLiteral("safety number changed")),
                 qPrintable(forced.err + forced.out));
        QVERIFY(identityOf("bob") != bobKey);
        const Run toNewBob = tandemctl(
            QStringLiteral("alice"),
            {QStringLiteral("send"), QStringLiteral("--to"), QStringLiteral("+4915100000002"),
             QStringLiteral("--text"), QStringLiteral("are you new?")});
        QVERIFY2(toNewBob.status == 0, qPrintable(toNewBob.err));
        QVERIFY2(toNewBob.err.contains(QStringLiteral("safety number")), qPrintable(toNewBob.err));
        const Run newBob =
            tandemctl(QStringLiteral("bob"), {QStringLiteral("receive"), QStringLiteral("--json")});
        QVERIFY2(newBob.status == 0 && newBob.out.contains(QStringLiteral("are you new?")),
                 qPrintable(newBob.err + newBob.out));

        // tandem-localnet killed outright: its relay and nodes do not linger on their ports.
        net->kill();
        QVERIFY(net->waitForFinished(15000));
        QVERIFY(QTest::qWaitFor([&] { return !portOpen(port); }, 10000));
        const auto nodeOpen = [&] {
            for (const auto& node : directory.nodes) {
                const qsizetype colon = node.address.lastIndexOf(u':');
                QTcpSocket s;
                s.connectToHost(node.address.left(colon), node.address.mid(colon + 1).toUShort());
                if (s.waitForConnected(300)) {
                    return true;
                }
            }
            return false;
        };
        QVERIFY(QTest::qWaitFor([&] { return !nodeOpen(); }, 10000));
    }

    // Session mode from the command line, through the same local network's onion nodes.
    void aSessionModeDay() {
        auto net = startLocalnet();
        QStringList ids;
        QString phrase;
        for (const char* who : {"carol", "dave"}) {
            QCOMPARE(
                tandemctl(QLatin1String(who), {QStringLiteral("create"), QStringLiteral("--kdf"),
                                               QStringLiteral("interactive")})
                    .status,
                0);
            const Run init =
                tandemctl(QLatin1String(who), {QStringLiteral("init"), QStringLiteral("session"),
                                               QStringLiteral("--network"), network()});
            QVERIFY2(init.status == 0, qPrintable(init.err));
            // The Session ID and the 13-word recovery phrase, shown once.
            const QStringList lines = init.out.split(u'\n', Qt::SkipEmptyParts);
            QVERIFY(lines.first().startsWith(QStringLiteral("Your Session ID: 05")));
            phrase = lines.last().trimmed();
            QCOMPARE(phrase.split(u' ').size(), 13);
            const Run who2 =
                tandemctl(QLatin1String(who), {QStringLiteral("whoami"), QStringLiteral("--json")});
            const QJsonObject account = QJsonDocument::fromJson(who2.out.toUtf8())
                                            .object()[QStringLiteral("accounts")]
                                            .toArray()[0]
                                            .toObject();
            QCOMPARE(account[QStringLiteral("mode")].toString(), QStringLiteral("session"));
            const QString id = account[QStringLiteral("session_id")].toString();
            QCOMPARE(id.size(), qsizetype{66});
            QVERIFY(lines.first().endsWith(id));
            QCOMPARE(account[QStringLiteral("ed25519_public_key")].toString().size(),
                     qsizetype{64});
            ids << id;
        }
        // Dave's phrase restores Dave's Session ID in another profile; a mistyped one is refused.
        QCOMPARE(
            tandemctl(QStringLiteral("dave2"), {QStringLiteral("create"), QStringLiteral("--kdf"),
                                                QStringLiteral("interactive")})
                .status,
            0);
        QStringList words = phrase.split(u' ');
        words[3] = QStringLiteral("xyzzy");  // not in the list
        const Run wrong = tandemctl(
            QStringLiteral("dave2"),
            {QStringLiteral("init"), QStringLiteral("session"), QStringLiteral("--network"),
             network(), QStringLiteral("--restore"), QStringLiteral("-")},
            60000, words.join(u' ').toUtf8());
        QCOMPARE(wrong.status, 1);
        QVERIFY2(wrong.err.contains(QStringLiteral("recovery phrase")) &&
                     wrong.err.contains(QStringLiteral("xyzzy")),
                 qPrintable(wrong.err));
        const Run restored = tandemctl(
            QStringLiteral("dave2"),
            {QStringLiteral("init"), QStringLiteral("session"), QStringLiteral("--network"),
             network(), QStringLiteral("--restore"), QStringLiteral("-")},
            60000, phrase.toUtf8());
        QVERIFY2(restored.status == 0, qPrintable(restored.err));
        QVERIFY2(restored.out.contains(ids[1]), qPrintable(restored.out));

        const Run sent =
            tandemctl(QStringLiteral("carol"),
                      {QStringLiteral("send"), QStringLiteral("--to"), ids[1],
                       QStringLiteral("--text"), QStringLiteral("über Zwiebeln 🧅")});
        QVERIFY2(sent.status == 0, qPrintable(sent.err));
        const Run got = tandemctl(QStringLiteral("dave"),
                                  {QStringLiteral("receive"), QStringLiteral("--json")});
        QVERIFY2(got.status == 0, qPrintable(got.err));
        const QJsonObject line = QJsonDocument::fromJson(got.out.trimmed().toUtf8()).object();
        QCOMPARE(line[QStringLiteral("from")].toString(), ids[0]);
        QCOMPARE(line[QStringLiteral("mode")].toString(), QStringLiteral("session"));
        QCOMPARE(line[QStringLiteral("text")].toString(), QStringLiteral("über Zwiebeln 🧅"));
        QCOMPARE(line[QStringLiteral("uid")].toString(), sent.out.trimmed());
        // Dave's delivery receipt reaches Carol through her swarm.
        QVERIFY(QTest::qWaitFor(
            [&] {
                tandemctl(QStringLiteral("carol"), {QStringLiteral("receive"),
                                                    QStringLiteral("--wait"), QStringLiteral("1")});
                const Run history = tandemctl(QStringLiteral("carol"),
                                              {QStringLiteral("history"), QStringLiteral("--with"),
                                               ids[1], QStringLiteral("--json")});
                return QJsonDocument::fromJson(history.out.trimmed().toUtf8())
                           .object()[QStringLiteral("status")]
                           .toString() == QStringLiteral("delivered");
            },
            30000));
        // A second receive shows nothing again.
        const Run again = tandemctl(QStringLiteral("dave"),
                                    {QStringLiteral("receive"), QStringLiteral("--json")});
        QCOMPARE(again.status, 0);
        QCOMPARE(again.out.trimmed(), QString());
        net->terminate();
        QVERIFY(net->waitForFinished(15000));
    }
};

QTEST_GUILESS_MAIN(LocalNetTest)
#include "tst_localnet.moc"
