// The daemons' connection layer (transport/daemon/ClientConnections) on its own, with real
// SecureChannel clients over loopback: the handshake with the daemon's key, the frame limit
// before and after authentication, the request rate (TokenBucket), the gate, a close that
// stops reading, the idle deadline, and forgetting a closed connection.
#include <memory>
#include <vector>

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include "crypto/Sodium.h"
#include "transport/SecureChannel.h"
#include "transport/Transport.h"
#include "transport/daemon/ClientConnections.h"
#include "transport/daemon/TokenBucket.h"

using namespace tandem;
using daemon::ClientConnection;
using daemon::ClientConnections;
using transport::SecureChannel;

namespace {

// A daemon with nothing but the connection layer: it records what reaches its handlers.
struct Daemon {
    crypto::X25519KeyPair key = crypto::X25519KeyPair::generate();
    ClientConnections connections;
    std::vector<QByteArray> frames;
    std::vector<QByteArray> overRate;
    int opened = 0;
    int closed = 0;
    ClientConnection* last = nullptr;
    // What the daemon does with a frame besides recording it (a reply, say).
    std::function<void(ClientConnection&, const QByteArray&)> onFrame;

    explicit Daemon(daemon::ConnectionLimits limits)
        : connections(limits, lcTransport, QStringLiteral("does not read")) {
        ClientConnections::Handlers h;
        h.opened = [this](ClientConnection& c) {
            ++opened;
            last = &c;
        };
        h.frame = [this](ClientConnection& c, const QByteArray& f) {
            frames.push_back(f);
            if (onFrame) {
                onFrame(c, f);
            }
        };
        h.overRate = [this](ClientConnection&, const QByteArray& f) { overRate.push_back(f); };
        h.closed = [this](ClientConnection& c) {
            ++closed;
            if (last == &c) {
                last = nullptr;
            }
        };
        connections.setHandlers(std::move(h));
        QString error;
        if (!connections.listen(QHostAddress::LocalHost, 0, key, &error)) {
            qFatal("cannot listen: %s", qPrintable(error));
        }
    }

    // A client channel to this daemon; established first, if `waitEstablished`.
    std::unique_ptr<SecureChannel> connect(bool waitEstablished = true) {
        auto* socket = new QTcpSocket;
        std::unique_ptr<SecureChannel> channel(SecureChannel::client(socket, key.publicKey));
        socket->connectToHost(QHostAddress::LocalHost, connections.port());
        if (waitEstablished && !QTest::qWaitFor([&] { return channel->isEstablished(); }, 5000)) {
            return nullptr;
        }
        return channel;
    }
};

daemon::ConnectionLimits small() {
    daemon::ConnectionLimits limits;
    limits.maxUnauthenticatedFrameBytes = 1024;
    return limits;
}

}  // namespace

class ClientConnectionsTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(crypto::initialize()); }

    void aTokenBucketGivesItsBurstThenRefillsAtItsRate() {
        // One token every 200 ms: no stall of a loaded machine (or AddressSanitizer) between
        // the takes refills one (a millisecond rate did, once).
        daemon::TokenBucket bucket(5, 3);
        QVERIFY(bucket.take());
        QVERIFY(bucket.take());
        QVERIFY(bucket.take());
        QVERIFY(!bucket.take());
        QTest::qWait(300);
        QVERIFY(bucket.take());
        daemon::TokenBucket slow(0.001, 1);
        QVERIFY(slow.take());
        QVERIFY(!slow.take());
    }

    void framesOverTheUnauthenticatedLimitCloseUntilAuthenticated() {
        Daemon d(small());
        auto client = d.connect();
        QVERIFY(client);
        QTRY_COMPARE(d.opened, 1);
        QVERIFY(client->send(QByteArray(1000, 'a')));
        QTRY_COMPARE(d.frames.size(), std::size_t{1});
        QCOMPARE(d.frames[0].size(), 1000);
        // Raised once the daemon says the peer authenticated.
        d.connections.setAuthenticated(*d.last);
        QVERIFY(client->send(QByteArray(200 * 1024, 'b')));
        QTRY_COMPARE(d.frames.size(), std::size_t{2});
        QCOMPARE(d.frames[1].size(), 200 * 1024);
        // A second client that has not authenticated is closed by a frame over the limit.
        auto other = d.connect();
        QVERIFY(other);
        QSignalSpy closed(other.get(), &SecureChannel::closed);
        QVERIFY(other->send(QByteArray(2048, 'c')));
        QVERIFY(closed.wait(5000) || closed.count() == 1);
        QTRY_COMPARE(d.closed, 1);
        QCOMPARE(d.frames.size(), std::size_t{2});
        QCOMPARE(d.connections.count(), 1);
    }

    void framesOverTheRateGoToOverRate() {
        daemon::ConnectionLimits limits;
        limits.requestsPerSecond = 0.001;
        limits.requestBurst = 2;
        Daemon d(limits);
        auto client = d.connect();
        QVERIFY(client);
        for (int i = 0; i < 5; ++i) {
            QVERIFY(client->send(QByteArray(1, static_cast<char>('0' + i))));
        }
        QTRY_COMPARE(d.frames.size() + d.overRate.size(), std::size_t{5});
        QCOMPARE(d.frames.size(), std::size_t{2});
        QCOMPARE(d.overRate.front(), QByteArray("2"));
    }

    void theGateRefusesPastItsLimitAndAClosedConnectionGivesItsSlotBack() {
        daemon::ConnectionLimits limits;
        limits.connections.maxPerAddress = 1;
        Daemon d(limits);
        auto first = d.connect();
        QVERIFY(first);
        auto second = d.connect(false);
        QSignalSpy refused(second.get(), &SecureChannel::closed);
        QVERIFY(refused.wait(5000) || refused.count() == 1);
        QVERIFY(!second->isEstablished());
        QCOMPARE(d.connections.count(), 1);
        // A close from the daemon: what the client sends meanwhile is not read, and its slot
        // is free again once the channel closed.
        QSignalSpy gone(first.get(), &SecureChannel::closed);
        d.connections.close(*d.last, QStringLiteral("test"));
        QVERIFY(first->send("late"));
        QVERIFY(gone.wait(5000) || gone.count() == 1);
        QTRY_COMPARE(d.connections.count(), 0);
        QVERIFY(d.frames.empty());
        auto third = d.connect();
        QVERIFY(third);
        QTRY_COMPARE(d.connections.count(), 1);
    }

    void aSilentConnectionIsClosedAfterTheIdleTimeout() {
        daemon::ConnectionLimits limits;
        limits.idleTimeoutMs = 300;
        Daemon d(limits);
        auto client = d.connect();
        QVERIFY(client);
        client->setKeepAliveInterval(60000);
        QSignalSpy closed(client.get(), &SecureChannel::closed);
        QVERIFY(closed.wait(5000) || closed.count() == 1);
        QTRY_COMPARE(d.closed, 1);
        QCOMPARE(d.connections.count(), 0);
    }

    void aReplyReachesTheClientAndAPeerThatDoesNotReadIsDropped() {
        daemon::ConnectionLimits limits;
        limits.maxPendingWriteBytes = 64 * 1024;
        Daemon d(limits);
        auto client = d.connect();
        QVERIFY(client);
        QTRY_VERIFY(d.last != nullptr);
        QSignalSpy replies(client.get(), &SecureChannel::frameReceived);
        d.connections.send(d.last->channel(), "hello");
        QVERIFY(replies.wait(5000) || replies.count() == 1);
        QCOMPARE(replies.at(0).at(0).toByteArray(), QByteArray("hello"));
        // One frame larger than what may wait unread: the daemon drops the peer.
        const QPointer<SecureChannel> server(d.last->channel());
        d.connections.send(server, QByteArray(4 * 1024 * 1024, 'x'));
        QTRY_COMPARE(d.closed, 1);
    }

    // A handler whose reply drops its own peer (a client that sends to its own account and
    // never reads) still holds the connection after the send: it must stay valid until the
    // handler returns (AddressSanitizer reports a use after free otherwise).
    void aConnectionDroppedInsideItsHandlerOutlivesTheHandler() {
        daemon::ConnectionLimits limits;
        limits.maxPendingWriteBytes = 64 * 1024;
        Daemon d(limits);
        bool closingAfterSend = false;
        QString peerAfterSend;
        d.onFrame = [&](ClientConnection& c, const QByteArray&) {
            d.connections.send(c.channel(), QByteArray(256 * 1024, 'x'));
            closingAfterSend = c.isClosing();        // the connection is still there
            peerAfterSend = c.address().toString();  // and so is what it holds
        };
        auto client = d.connect();
        QVERIFY(client);
        client->send("please reply");
        QTRY_COMPARE(d.closed, 1);
        QVERIFY(closingAfterSend);
        QCOMPARE(peerAfterSend, QHostAddress(QHostAddress::LocalHost).toString());
        QTest::qWait(20);  // the retired connection is destroyed from the event loop
    }
};

QTEST_GUILESS_MAIN(ClientConnectionsTest)
#include "tst_client_connections.moc"
