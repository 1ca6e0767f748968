// The daemons as processes, at their edges: one tandem-relayd or tandem-node per data folder
// (a second one on the same folder ran with the same key and database and overwrote
// relay.json / node.json), usage errors that all exit 2, and a node that will not announce
// itself ready over a directory the network key did not sign.
#include <sodium.h>

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "tandem/node.pb.h"
#include "tandem/relay.pb.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"
#include "transport/SecureChannel.h"
#include "transport/onion/Directory.h"

using namespace tandem;
namespace test = tandem::test;

namespace {

struct Ended {
    int status = -1;
    QString out;
    QString err;
};

// Runs `program` until it exits (at most 20 s): what it printed and its exit status.
Ended runToEnd(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(20000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// The folder's files other than the database (whose WAL a running daemon may touch): the key,
// the announcement and the lock.
QMap<QString, QByteArray> keysAndAnnouncements(const QString& dir) {
    QMap<QString, QByteArray> files = test::snapshot(dir);
    for (auto it = files.begin(); it != files.end();) {
        it = it.key().contains(QStringLiteral(".db")) ? files.erase(it) : std::next(it);
    }
    return files;
}

// The pid a lock file records (QLockFile writes it on its first line).
QString lockOwner(const QString& lockFile) {
    return QString::fromLatin1(test::readFile(lockFile).split('\n').value(0));
}

// True if the daemon at 127.0.0.1:port completes a handshake with `ed25519` (as it announced
// it) and answers `request`: it is serving, with the key it had.
bool answers(quint16 port, const crypto::PublicKey& ed25519, const std::string& request) {
    auto* socket = new QTcpSocket;
    std::unique_ptr<transport::SecureChannel> channel(
        transport::SecureChannel::client(socket, *crypto::ed25519ToX25519(ed25519), nullptr));
    QSignalSpy frames(channel.get(), &transport::SecureChannel::frameReceived);
    socket->connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!QTest::qWaitFor([&] { return channel->isEstablished(); }, 10000)) {
        return false;
    }
    channel->send(QByteArray::fromStdString(request));
    return frames.wait(10000);
}

crypto::PublicKey keyFromHex(const QString& hex) {
    crypto::PublicKey key{};
    const QByteArray bytes = QByteArray::fromHex(hex.toLatin1());
    std::copy(bytes.begin(), bytes.end(), key.begin());
    return key;
}

QString randomKeyHex() {
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(key), 32).toHex());
}

}  // namespace

class DaemonsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void oneRelayPerDataFolder() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const QString lockFile = relay.dataDir() + QStringLiteral("/tandem-relayd.lock");
        const auto before = keysAndAnnouncements(relay.dataDir());
        QVERIFY(before.contains(QStringLiteral("relay.json")));
        QVERIFY(before.contains(QStringLiteral("relay.key")));
        const Ended second =
            runToEnd(test::relaydPath(), {QStringLiteral("--data"), relay.dataDir()});
        QCOMPARE(second.status, 1);
        // One line, naming the folder and the pid that holds it.
        const QString expected = QStringLiteral(
                                     "tandem-relayd: the data folder %1 is in use by "
                                     "tandem-relayd (pid %2)\n")
                                     .arg(relay.dataDir(), lockOwner(lockFile));
        QCOMPARE(second.err, expected);
        QVERIFY(second.out.isEmpty());
        QCOMPARE(keysAndAnnouncements(relay.dataDir()), before);
        proto::relay::ClientFrame ask;
        ask.set_request_id(1);
        ask.mutable_request_code()->set_phone("+4915100000001");
        QVERIFY(answers(relay.port(), relay.key(), ask.SerializeAsString()));
        // A failure to run, not a usage error: its port is taken.
        QTemporaryDir other;
        const Ended taken = runToEnd(
            test::relaydPath(), {QStringLiteral("--data"), other.path(), QStringLiteral("--listen"),
                                 QStringLiteral("127.0.0.1:%1").arg(relay.port())});
        QVERIFY2(taken.status == 1 && taken.err.count(u'\n') == 1, qPrintable(taken.err));
        // Killed outright, it starts again on the same folder: its lock does not outlive it.
        relay.kill();
        QVERIFY(relay.start());
        QVERIFY(answers(relay.port(), relay.key(), ask.SerializeAsString()));
    }

    void oneNodePerDataFolder() {
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("node"));
        const QString lockFile = data + QStringLiteral("/tandem-node.lock");
        const QString directory = dir.filePath(QStringLiteral("directory.bin"));  // not yet
        const auto network = crypto::Ed25519KeyPair::generate();
        const QString key = QString::fromLatin1(
            QByteArray(reinterpret_cast<const char*>(network.publicKey.data()), 32).toHex());
        const QStringList args = {QStringLiteral("--data"),        data,
                                  QStringLiteral("--directory"),   directory,
                                  QStringLiteral("--network-key"), key};
        QProcess first;
        const auto startFirst = [&] {
            first.setReadChannel(QProcess::StandardOutput);
            first.start(test::nodePath(), args);
            return QTest::qWaitFor(
                       [&] {
                           first.waitForReadyRead(100);
                           return first.canReadLine();
                       },
                       20000) &&
                   first.readLine().startsWith("tandem-node ready");
        };
        QVERIFY(startFirst());
        const auto before = keysAndAnnouncements(data);
        QVERIFY(before.contains(QStringLiteral("node.json")));
        QVERIFY(before.contains(QStringLiteral("node.key")));
        const Ended second = runToEnd(test::nodePath(), args);
        QCOMPARE(second.status, 1);
        const QString expected =
            QStringLiteral("tandem-node: the data folder %1 is in use by tandem-node (pid %2)\n")
                .arg(data)
                .arg(first.processId());
        QCOMPARE(second.err, expected);
        QVERIFY(second.out.isEmpty());
        QCOMPARE(keysAndAnnouncements(data), before);
        QCOMPARE(lockOwner(lockFile), QString::number(first.processId()));
        const QJsonObject announced =
            QJsonDocument::fromJson(before.value(QStringLiteral("node.json"))).object();
        const QString address = announced.value(QStringLiteral("address")).toString();
        const crypto::PublicKey identity =
            keyFromHex(announced.value(QStringLiteral("public_key")).toString());
        proto::node::NodeRequest unknown;  // no body: answered MALFORMED
        unknown.set_request_id(1);
        QVERIFY(answers(static_cast<quint16>(address.section(u':', -1).toUInt()), identity,
                        unknown.SerializeAsString()));

        // Killed outright, it starts again on the same folder.
        first.kill();
        first.waitForFinished();
        QVERIFY(startFirst());
        first.kill();
        first.waitForFinished();

        // A directory that is there but not signed by the network key: it does not start.
        const auto refused = [&](const QByteArray& file, const QString& why) {
            test::writeFile(directory, file);
            const Ended r = runToEnd(test::nodePath(), args);
            QCOMPARE(r.status, 1);
            QVERIFY2(r.err.contains(QStringLiteral("not one the network key signed")) &&
                         r.err.contains(why),
                     qPrintable(r.err));
            QVERIFY(r.out.isEmpty());
        };
        refused("not a signed directory", QStringLiteral("not readable"));
        transport::onion::NodeDirectory forged;
        forged.version = 1;
        const auto someNode = crypto::Ed25519KeyPair::generate();
        forged.nodes.push_back({someNode.publicKey, *crypto::ed25519ToX25519(someNode.publicKey),
                                QStringLiteral("127.0.0.1:1"), 1});
        const crypto::Bytes signedByAnother = forged.sign(crypto::Ed25519KeyPair::generate());
        refused(QByteArray(reinterpret_cast<const char*>(signedByAnother.data()),
                           static_cast<qsizetype>(signedByAnother.size())),
                QStringLiteral("not signed by the network key"));
    }

    // Every usage error exits 2 with a line that says what is wrong and the usage line (an
    // unknown option exited 1, the others 2 with no usage line).
    void usageErrorsExitTwo() {
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("d"));
        const QString key = randomKeyHex();
        const QString directory = dir.filePath(QStringLiteral("directory.bin"));
        const QStringList node = {QStringLiteral("--data"), data, QStringLiteral("--directory"),
                                  directory, QStringLiteral("--network-key")};
        const std::vector<std::pair<QString, QStringList>> cases = {
            {test::relaydPath(), {QStringLiteral("--bogus")}},
            {test::relaydPath(), {QStringLiteral("--data")}},
            {test::relaydPath(), {}},
            {test::relaydPath(),
             {QStringLiteral("--data"), data, QStringLiteral("--listen"),
              QStringLiteral("localhost:1")}},
            {test::relaydPath(),
             {QStringLiteral("--data"), data, QStringLiteral("--listen"),
              QStringLiteral("127.0.0.1:65536")}},
            {test::relaydPath(),
             {QStringLiteral("--data"), data, QStringLiteral("--listen"),
              QStringLiteral("127.0.0.1")}},
            {test::relaydPath(),
             {QStringLiteral("--data"), data, QStringLiteral("--verify"),
              QStringLiteral("carrier-pigeon")}},
            {test::relaydPath(), {QStringLiteral("--data"), data, QStringLiteral("stray")}},
            {test::nodePath(), {QStringLiteral("--bogus")}},
            {test::nodePath(), {QStringLiteral("--data"), data}},
            {test::nodePath(), node},
            {test::nodePath(), node + QStringList{key.toUpper()}},
            {test::nodePath(),
             node + QStringList{key, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:x")}},
            {test::nodePath(),
             node + QStringList{key, QStringLiteral("--link-delay"), QStringLiteral("-1")}},
        };
        for (const auto& [program, args] : cases) {
            const Ended r = runToEnd(program, args);
            const QString name = program.section(u'/', -1);
            const QString what = name + u' ' + args.join(u' ') + QStringLiteral(": ") + r.err;
            QVERIFY2(r.status == 2, qPrintable(what));
            const QStringList lines = r.err.split(u'\n');
            QVERIFY2(lines.size() == 3 && lines[0].startsWith(name + QStringLiteral(": ")) &&
                         lines[1].startsWith(QStringLiteral("usage: ") + name +
                                             QStringLiteral(" --data DIR")) &&
                         lines[1].contains(QStringLiteral("--help")),
                     qPrintable(what));
            QVERIFY2(!QFileInfo::exists(data), qPrintable(what));
        }
        // --listen is optional, and its help says what it is without it.
        for (const QString& program : {test::relaydPath(), test::nodePath()}) {
            const Ended help = runToEnd(program, {QStringLiteral("--help")});
            QCOMPARE(help.status, 0);
            QVERIFY2(help.out.contains(QStringLiteral("default 127.0.0.1:0")),
                     qPrintable(help.out));
        }
        QCOMPARE(runToEnd(test::nodePath(), {QStringLiteral("--version")}).status, 0);
    }
};

QTEST_GUILESS_MAIN(DaemonsTest)
#include "tst_daemons.moc"
