// attachment_bench: upload and download throughput of one attachment (100 MiB by default) in
// each mode, through real daemons (tandem-localnet: the relay and nine onion nodes on loopback),
// beside the loopback TCP limit measured in the same run.
//
// Two demo profiles (alice, bob; scripts/demo-profiles.sh) are opened in this process, each with
// its own Messenger, as the app runs them. Per repetition and mode:
//   seal      AttachmentService::prepare: the file read and sealed into alice's profile
//   upload    from the message being stored to every chunk stored on the network
//   download  from bob storing the message to the whole file in his profile (each chunk
//             fetched, opened to check it and written)
// The TCP limit: one loopback connection, 1 MiB writes, the reader discarding, as many bytes
// as the attachment (median of the same number of repetitions).
//
//   attachment_bench [--size-mib 100] [--reps 3]
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include "app/core/Await.h"
#include "app/core/Messenger.h"
#include "bench/BenchSupport.h"
#include "crypto/Attachments.h"
#include "crypto/Sodium.h"

using namespace tandem;
using namespace tandem::bench;
using namespace tandem::storage;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

bool runQuietly(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(program, args);
    return p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// MiB/s through one loopback TCP connection, `bytes` in 1 MiB writes.
double loopbackTcp(qint64 bytes) {
    const int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(server, 1) != 0 ||
        ::getsockname(server, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        qFatal("cannot listen on loopback");
    }
    std::thread reader([server, bytes] {
        const int c = ::accept(server, nullptr, nullptr);
        std::vector<char> buf(1 << 20);
        qint64 got = 0;
        while (got < bytes) {
            const ssize_t n = ::read(c, buf.data(), buf.size());
            if (n <= 0) {
                break;
            }
            got += n;
        }
        ::close(c);
    });
    const int client = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        qFatal("cannot connect on loopback");
    }
    std::vector<char> block(1 << 20, 'x');
    QElapsedTimer t;
    t.start();
    for (qint64 sent = 0; sent < bytes;) {
        const ssize_t n = ::write(client, block.data(),
                                  static_cast<std::size_t>(std::min<qint64>(
                                      static_cast<qint64>(block.size()), bytes - sent)));
        if (n <= 0) {
            qFatal("loopback write failed");
        }
        sent += n;
    }
    ::shutdown(client, SHUT_WR);
    reader.join();
    const double seconds = static_cast<double>(t.nsecsElapsed()) / 1e9;
    ::close(client);
    ::close(server);
    return static_cast<double>(bytes) / kMiB / seconds;
}

// MiB/s of one core sealing `bytes` in attachment chunks (XChaCha20-Poly1305): every byte is
// sealed once for the file and once more by each encrypted hop it crosses.
double sealing(qint64 bytes) {
    const SecretBytes key = crypto::generateAttachmentKey();
    const QByteArray chunk(crypto::kAttachmentChunkBytes, 'x');
    const qint64 count = bytes / crypto::kAttachmentChunkBytes;
    QElapsedTimer t;
    t.start();
    qint64 sum = 0;
    for (qint64 i = 0; i < count; ++i) {
        sum += crypto::sealAttachmentChunk(key, i, count, chunk).size();
    }
    return static_cast<double>(sum) / kMiB / (static_cast<double>(t.nsecsElapsed()) / 1e9);
}

struct Side {
    Store store;
    std::unique_ptr<core::Messenger> messenger;
};

void open(Side& p, const QString& demo, const QString& who) {
    QFile f(demo + u'/' + who + QStringLiteral(".pass"));
    f.open(QIODevice::ReadOnly);
    if (!core::awaitFuture(
            p.store.open(demo + u'/' + who, Credentials::withPassphrase(SecretBytes::fromString(
                                                f.readLine().trimmed().toStdString()))))) {
        qFatal("cannot open %s", qPrintable(who));
    }
    p.messenger = std::make_unique<core::Messenger>(p.store);
    p.messenger->setAutoRefreshStickers(false);
    if (!core::awaitFuture(p.messenger->start())) {
        qFatal("cannot start %s", qPrintable(who));
    }
    if (!core::spinUntil(
            [&] {
                return p.messenger->isConnected(Mode::Signal) &&
                       p.messenger->isConnected(Mode::Session);
            },
            30000)) {
        qFatal("%s did not connect", qPrintable(who));
    }
}

QString sessionIdOf(const QString& ctl, const QString& demo, const QString& who) {
    QProcess p;
    p.start(ctl, {QStringLiteral("--profile"), demo + u'/' + who,
                  QStringLiteral("--passphrase-file"), demo + u'/' + who + QStringLiteral(".pass"),
                  QStringLiteral("whoami"), QStringLiteral("--json")});
    p.waitForFinished(60000);
    for (const auto& a : QJsonDocument::fromJson(p.readAllStandardOutput())
                             .object()[QStringLiteral("accounts")]
                             .toArray()) {
        if (a.toObject()[QStringLiteral("mode")].toString() == QLatin1String("session")) {
            return a.toObject()[QStringLiteral("session_id")].toString();
        }
    }
    qFatal("no Session ID for %s", qPrintable(who));
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (!crypto::initialize()) {
        return 1;
    }
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Attachment upload and download throughput per mode beside loopback TCP "
                       "(see the top of attachment_bench.cpp)."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("size-mib"), QStringLiteral("The file's size (default 100)."),
                      QStringLiteral("MIB")});
    parser.addOption(
        {QStringLiteral("reps"), QStringLiteral("Repetitions (default 3)."), QStringLiteral("N")});
    parser.process(app);
    const qint64 sizeMiB =
        parser.isSet(QStringLiteral("size-mib"))
            ? std::clamp(parser.value(QStringLiteral("size-mib")).toInt(), 1, 100)
            : 100;
    const int reps = parser.isSet(QStringLiteral("reps"))
                         ? std::max(1, parser.value(QStringLiteral("reps")).toInt())
                         : 3;
    const qint64 bytes = sizeMiB * 1024 * 1024;
    const QString bin = QCoreApplication::applicationDirPath() + QStringLiteral("/../app");
    const QString ctl = bin + QStringLiteral("/tandemctl");

    QTemporaryDir dir;
    auto net = startChild(bin + QStringLiteral("/tandem-localnet"),
                          {QStringLiteral("--dir"), dir.filePath(QStringLiteral("net"))});
    net->setReadChannel(QProcess::StandardOutput);
    QByteArray ready;
    QElapsedTimer wait;
    wait.start();
    while (!ready.contains("ready") && wait.elapsed() < 30000) {
        net->waitForReadyRead(200);
        ready += net->readAllStandardOutput();
    }
    const QString demo = dir.filePath(QStringLiteral("demo"));
    if (!ready.contains("ready") ||
        !runQuietly(QStringLiteral("bash"),
                    {QStringLiteral(TANDEM_SOURCE_DIR "/scripts/demo-profiles.sh"), bin, demo,
                     dir.filePath(QStringLiteral("net/network.json"))})) {
        std::fprintf(stderr, "attachment_bench: cannot set up the local network and profiles\n");
        return 1;
    }
    const QString bobSession = sessionIdOf(ctl, demo, QStringLiteral("bob"));
    Side alice;
    Side bob;
    open(alice, demo, QStringLiteral("alice"));
    open(bob, demo, QStringLiteral("bob"));

    const QString file = dir.filePath(QStringLiteral("file.bin"));
    {
        QFile f(file);
        f.open(QIODevice::WriteOnly);
        QByteArray block(1 << 20, Qt::Uninitialized);
        for (qint64 i = 0; i < sizeMiB; ++i) {
            QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(block.data()),
                                                  block.size() / 4);
            f.write(block);
        }
    }

    struct Times {
        std::vector<double> sealMs, upload, download;
    };
    std::map<Mode, Times> times;
    std::vector<double> tcp;
    std::vector<double> aead;
    for (int rep = 0; rep < reps; ++rep) {
        tcp.push_back(loopbackTcp(bytes));
        aead.push_back(sealing(bytes));
        for (const Mode mode : {Mode::Signal, Mode::Session}) {
            const QString to = mode == Mode::Signal ? QStringLiteral("+4915100000002") : bobSession;
            std::int64_t upStart = 0;
            std::int64_t upEnd = 0;
            std::int64_t downStart = 0;
            std::int64_t downEnd = 0;
            std::int64_t sent = 0;
            QMetaObject::Connection c1 =
                QObject::connect(&alice.messenger->attachments(),
                                 &core::AttachmentService::uploaded, [&](qint64 id) {
                                     if (id == sent) {
                                         upEnd = nowNs();
                                     }
                                 });
            QMetaObject::Connection c2 =
                QObject::connect(bob.messenger.get(), &core::Messenger::messageReceived,
                                 [&](const Message& m, const QString&, Mode) {
                                     if (m.attachment) {
                                         downStart = nowNs();
                                     }
                                 });
            QMetaObject::Connection c3 = QObject::connect(
                bob.messenger.get(), &core::Messenger::messageUpdated, [&](const Message& m) {
                    if (m.attachment && m.attachment->complete && downStart != 0 && downEnd == 0) {
                        downEnd = nowNs();
                    }
                });
            const std::int64_t t0 = nowNs();
            const auto stored =
                core::awaitFuture(alice.messenger->sendAttachment(mode, to, file, QString()));
            if (!stored) {
                qFatal("send: %s", qPrintable(stored.error().message));
            }
            upStart = nowNs();
            sent = stored->id;
            if (!core::spinUntil([&] { return upEnd != 0 && downEnd != 0; }, 600000)) {
                qFatal("the %s transfer did not finish", qPrintable(modeName(mode)));
            }
            QObject::disconnect(c1);
            QObject::disconnect(c2);
            QObject::disconnect(c3);
            Times& t = times[mode];
            t.sealMs.push_back(static_cast<double>(upStart - t0) / 1e6);
            t.upload.push_back(static_cast<double>(bytes) / kMiB /
                               (static_cast<double>(upEnd - upStart) / 1e9));
            t.download.push_back(static_cast<double>(bytes) / kMiB /
                                 (static_cast<double>(downEnd - downStart) / 1e9));
            std::fprintf(stderr, "rep %d %s: seal %.0f ms, up %.1f MiB/s, down %.1f MiB/s\n",
                         rep + 1, qPrintable(modeName(mode)), t.sealMs.back(), t.upload.back(),
                         t.download.back());
        }
    }
    const double tcpMedian = median(tcp);
    std::printf("attachment_bench: one %lld MiB file, %d repetitions, medians (min … max)\n",
                sizeMiB, reps);
    std::printf("loopback TCP (one connection): %s MiB/s\n", qPrintable(range(tcp, 0)));
    std::printf("sealing on one core (XChaCha20-Poly1305, 512 KiB chunks): %s MiB/s\n",
                qPrintable(range(aead, 0)));
    std::printf("%-8s %-22s %-26s %-26s %s\n", "mode", "seal (ms)", "upload (MiB/s)",
                "download (MiB/s)", "up / down vs TCP");
    for (const Mode mode : {Mode::Signal, Mode::Session}) {
        const Times& t = times[mode];
        std::printf("%-8s %-22s %-26s %-26s %.3f / %.3f\n", qPrintable(modeName(mode)),
                    qPrintable(range(t.sealMs, 0)), qPrintable(range(t.upload, 1)),
                    qPrintable(range(t.download, 1)), median(t.upload) / tcpMedian,
                    median(t.download) / tcpMedian);
    }
    alice.messenger->stop();
    bob.messenger->stop();
    alice.messenger.reset();
    bob.messenger.reset();
    stopChild(net);
    return 0;
}
