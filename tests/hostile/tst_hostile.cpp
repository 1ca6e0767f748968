// The daemons under abuse: tandem-hostile (hostile_client.cpp), a separate process, attacks a
// real tandem-relayd and real tandem-node processes from other loopback addresses — floods of
// connections, half-open handshakes, silent channels, stalled and oversize frames, a storm of
// code requests, a reader that stops reading, a replayed onion layer — all at once, while an
// honest client on 127.0.0.1 keeps asking. The daemons must keep answering it, close what
// misbehaves, and keep their memory bounded (VmRSS/VmHWM from /proc, printed).
#include <sodium.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/Await.h"
#include "crypto/Onion.h"
#include "crypto/QtBytes.h"
#include "crypto/signal/Identity.h"
#include "tandem/node.pb.h"
#include "tandem/relay.pb.h"
#include "tests/support/Daemons.h"
#include "tests/support/OnionNetwork.h"
#include "tests/support/TestSupport.h"
#include "transport/SecureChannel.h"
#include "transport/relay/RelayConnection.h"

using namespace tandem;
using namespace tandem::crypto;
using proto::relay::ClientFrame;
using proto::relay::ServerFrame;

namespace {

QString hostilePath() {
    return QString::fromLocal8Bit(qgetenv("TANDEM_HOSTILE"));
}

QString hex(const PublicKey& key) {
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(key.data()), 32).toHex());  // NOLINT
}

// kB of the process's resident memory now and at its peak.
std::pair<qint64, qint64> memoryOf(qint64 pid) {
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    qint64 rss = -1;
    qint64 hwm = -1;
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:")) {
                rss = line.mid(6).trimmed().split(' ').value(0).toLongLong();
            } else if (line.startsWith("VmHWM:")) {
                hwm = line.mid(6).trimmed().split(' ').value(0).toLongLong();
            }
        }
    }
    return {rss, hwm};
}

struct Attack {
    QString name;
    std::unique_ptr<QProcess> process = std::make_unique<QProcess>();
    QJsonObject result;
};

}  // namespace

class HostileTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        QVERIFY2(QFile::exists(hostilePath()), "TANDEM_HOSTILE is not set (run through ctest)");
    }

    void theDaemonsKeepServingHonestClients() {
        QTemporaryDir scratch;
        const QString sentCodes = scratch.filePath(QStringLiteral("codes.txt"));
        test::RelayProcess relay(
            QStringLiteral("command:sh -c \"echo $TANDEM_PHONE $TANDEM_CODE >> %1\"")
                .arg(sentCodes));
        relay.setExtraArguments({QStringLiteral("--idle-timeout"), QStringLiteral("2"),
                                 QStringLiteral("--max-per-address"), QStringLiteral("20")});
        QVERIFY(relay.start());
        test::OnionNetwork onion(3, 90);
        QVERIFY(onion.start());
        test::NodeProcess& node = onion.node(0);
        const QString relayTarget = QStringLiteral("127.0.0.1:%1").arg(relay.port());
        const PublicKey relayX = ed25519ToX25519(relay.key()).value();
        const PublicKey nodeX = ed25519ToX25519(node.identity()).value();

        // The honest client: a relay connection from 127.0.0.1, sending sealed (it is refused:
        // nobody holds that access key, which costs the relay what a real send does).
        transport::RelayConnection honest(relay.endpoint());
        honest.open();
        QVERIFY(QTest::qWaitFor([&] { return honest.isReady(); }, 10000));

        // A victim account for the reader that stops reading: 60 envelopes of 300 KiB (18 MiB)
        // wait in its mailbox.
        const QString victim = QStringLiteral("+4915100000077");
        const std::string password(32, 'v');
        ClientFrame request;
        request.mutable_request_code()->set_phone(victim.toStdString());
        QVERIFY(test::await(honest.request(request)).value().has_code_status());
        QString code;
        QVERIFY(QTest::qWaitFor(
            [&] {
                QFile file(sentCodes);
                if (file.open(QIODevice::ReadOnly)) {
                    code = QString::fromLatin1(file.readAll().trimmed().split(' ').value(1));
                }
                return code.size() == 6;
            },
            10000));
        ClientFrame registration;
        auto* r = registration.mutable_register_();
        r->set_phone(victim.toStdString());
        r->set_code(code.toStdString());
        r->set_identity_key(toString(signal::IdentityKeyPair::generate().publicKey().ed25519));
        r->set_password(password);
        r->set_access_key(std::string(16, 'v'));
        QVERIFY(test::await(honest.request(registration)).value().has_registered());
        for (int i = 0; i < 60; ++i) {
            ClientFrame send;
            send.mutable_send()->set_recipient(victim.toStdString());
            send.mutable_send()->set_access_key(std::string(16, 'v'));
            send.mutable_send()->set_envelope(
                std::string(300 * 1024, static_cast<char>('a' + i % 26)));
            QVERIFY(test::await(honest.request(send)).value().has_accepted());
        }

        const auto before = std::make_pair(memoryOf(relay.pid()), memoryOf(node.pid()));
        std::vector<Attack> attacks;
        const auto launch = [&](const QString& name, QStringList args) {
            Attack a;
            a.name = name;
            a.process->setProcessChannelMode(QProcess::SeparateChannels);
            a.process->start(hostilePath(), QStringList{name} + args);
            attacks.push_back(std::move(a));
        };
        const QString relayKeyHex = hex(relayX);
        const QString nodeTarget = node.address();
        launch(QStringLiteral("flood"),
               {"--target", relayTarget, "--from", "127.0.0.2", "--count", "100", "--hold", "4"});
        launch(QStringLiteral("half-open"),
               {"--target", relayTarget, "--from", "127.0.0.3", "--count", "15", "--hold", "13"});
        launch(QStringLiteral("idle"), {"--target", relayTarget, "--from", "127.0.0.4", "--count",
                                        "10", "--key", relayKeyHex, "--hold", "6"});
        launch(QStringLiteral("stall"), {"--target", relayTarget, "--from", "127.0.0.5", "--key",
                                         relayKeyHex, "--hold", "6"});
        launch(QStringLiteral("oversize"),
               {"--target", relayTarget, "--from", "127.0.0.6", "--key", relayKeyHex, "--bytes",
                QString::number(5 * 1024 * 1024), "--hold", "3"});
        launch(QStringLiteral("codes"), {"--target", relayTarget, "--from", "127.0.0.7", "--key",
                                         relayKeyHex, "--count", "40"});
        launch(QStringLiteral("slow-read"),
               {"--target", relayTarget, "--from", "127.0.0.8", "--key", relayKeyHex, "--phone",
                victim, "--password",
                QString::fromLatin1(QByteArray::fromStdString(password).toHex()), "--hold", "5"});
        launch(QStringLiteral("flood"),
               {"--target", nodeTarget, "--from", "127.0.0.12", "--count", "300", "--hold", "4"});
        launch(QStringLiteral("replay"),
               {"--target", nodeTarget, "--from", "127.0.0.13", "--key", hex(nodeX)});

        // Meanwhile the honest client asks, and is answered, every 100 ms.
        QElapsedTimer clock;
        clock.start();
        qint64 slowest = 0;
        int answered = 0;
        int asked = 0;
        while (std::any_of(
                   attacks.begin(), attacks.end(),
                   [](const Attack& a) { return a.process->state() != QProcess::NotRunning; }) &&
               clock.elapsed() < 40000) {
            ClientFrame f;
            f.mutable_send()->set_recipient("+493099999999");
            f.mutable_send()->set_access_key(std::string(16, 'h'));
            f.mutable_send()->set_envelope("honest");
            QElapsedTimer one;
            one.start();
            ++asked;
            const auto reply = test::await(honest.request(f), 5000);
            slowest = std::max(slowest, one.elapsed());
            answered += reply.has_value() ? 1 : 0;
            QTest::qWait(100);
        }
        for (Attack& a : attacks) {
            QVERIFY2(a.process->state() == QProcess::NotRunning || a.process->waitForFinished(5000),
                     qPrintable(a.name));
            QCOMPARE(a.process->exitCode(), 0);
            const QByteArray out = a.process->readAllStandardOutput();
            a.result = QJsonDocument::fromJson(out.trimmed()).object();
            qInfo().noquote() << a.name << out.trimmed();
        }
        const auto after = std::make_pair(memoryOf(relay.pid()), memoryOf(node.pid()));
        qInfo("honest client: %d of %d answered, slowest %lld ms", answered, asked, slowest);
        qInfo(
            "tandem-relayd VmRSS %lld -> %lld kB (peak %lld kB); tandem-node VmRSS %lld -> %lld "
            "kB (peak %lld kB)",
            before.first.first, after.first.first, after.first.second, before.second.first,
            after.second.first, after.second.second);

        QVERIFY(asked > 10);
        QCOMPARE(answered, asked);
        QVERIFY2(slowest < 2000, qPrintable(QString::number(slowest)));
        // Relay: at most 20 connections from one address stay; the rest refused at once.
        QVERIFY(attacks[0].result[QStringLiteral("open_at_end")].toInt() <= 20);
        // Half-open handshakes end at the handshake deadline (10 s).
        QCOMPARE(attacks[1].result[QStringLiteral("open_at_end")].toInt(), 0);
        // Silent channels and a stalled frame end at the idle deadline (2 s here).
        QCOMPARE(attacks[2].result[QStringLiteral("established")].toInt(), 10);
        QCOMPARE(attacks[2].result[QStringLiteral("open_at_end")].toInt(), 0);
        QCOMPARE(attacks[3].result[QStringLiteral("open_at_end")].toInt(), 0);
        // An oversize frame from an unauthenticated client ends its channel at once.
        QCOMPARE(attacks[4].result[QStringLiteral("open_at_end")].toInt(), 0);
        QVERIFY(attacks[4].result[QStringLiteral("last_close_ms")].toInt() < 1500);
        // Codes: the per-address limit, and the sender ran only for those allowed.
        QCOMPARE(attacks[5].result[QStringLiteral("allowed")].toInt(), 20);
        QCOMPARE(attacks[5].result[QStringLiteral("limited")].toInt(), 20);
        // Node: at most 256 from one address; a replayed layer is refused, the link stays.
        QVERIFY(attacks[7].result[QStringLiteral("open_at_end")].toInt() <= 256);
        QVERIFY(attacks[7].result[QStringLiteral("connected")].toInt() > 0);
        QVERIFY(attacks[8].result[QStringLiteral("first_answered")].toBool());
        QVERIFY(!attacks[8].result[QStringLiteral("second_answered")].toBool());
        QVERIFY(attacks[8].result[QStringLiteral("still_connected")].toBool());
        // The reader that stopped reading was authenticated; its backlog stays on disk.
        QVERIFY(attacks[6].result[QStringLiteral("authenticated")].toBool());
        // Memory stays bounded: what the attacks added, at the peak. Under AddressSanitizer the
        // daemons keep freed memory in quarantine (up to 256 MiB) and start far larger.
#if defined(__SANITIZE_ADDRESS__)
        constexpr qint64 kGrowthKb = 512 * 1024;
#else
        constexpr qint64 kGrowthKb = 96 * 1024;
#endif
        QVERIFY2(after.first.second - before.first.first < kGrowthKb,
                 qPrintable(QString::number(after.first.second - before.first.first)));
        QVERIFY2(after.second.second - before.second.first < kGrowthKb,
                 qPrintable(QString::number(after.second.second - before.second.first)));
    }
};

QTEST_GUILESS_MAIN(HostileTest)
#include "tst_hostile.moc"
