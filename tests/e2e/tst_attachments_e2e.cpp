// Attachments as a user meets them (docs/attachments.md), over the real relay and onion
// network: the demo profiles on tandem-localnet, driven through tandemctl. A file and an image
// reach the peer in each mode, with their caption, name, type, size and thumbnail, and save
// byte for byte; a 50 MiB file whose download is cut halfway — the relay killed under it, or the
// receiving process killed — goes on from where it stopped; what cannot be sent (2 GiB, empty,
// missing, a folder) is refused with a clear error and sends nothing; no byte of a file or a
// caption is readable at the relay, at any node, or in the profile folder; a file whose
// disappearing timer ran out is gone from the profile folder with its message.
#include <csignal>

#include <QBuffer>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

using namespace tandem;

namespace {

const QString kAlicePhone = QStringLiteral("+4915100000001");
const QString kBobPhone = QStringLiteral("+4915100000002");
const QString kAlice = QStringLiteral("alice");
const QString kBob = QStringLiteral("bob");
constexpr qint64 kMiB = 1024 * 1024;

using Run = test::CtlRun;

std::vector<QJsonObject> jsonLines(const QString& out) {
    std::vector<QJsonObject> lines;
    for (const QString& line : out.split(u'\n', Qt::SkipEmptyParts)) {
        const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8());
        if (doc.isObject()) {
            lines.push_back(doc.object());
        }
    }
    return lines;
}

QString str(const QJsonObject& o, const char* key) {
    return o[QLatin1String(key)].toString();
}

QJsonObject attachmentOf(const QJsonObject& m) {
    return m[QStringLiteral("attachment")].toObject();
}

// `size` random bytes written to `path`; three 32-byte pieces of them, to look for later.
QList<QByteArray> randomFile(const QString& path, qint64 size) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        qFatal("cannot write %s", qPrintable(path));
    }
    QList<QByteArray> pieces;
    QByteArray block(static_cast<qsizetype>(std::min<qint64>(size, 4 * kMiB)), Qt::Uninitialized);
    for (qint64 done = 0; done < size;) {
        const qsizetype n = static_cast<qsizetype>(std::min<qint64>(block.size(), size - done));
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(block.data()),
                                              block.size() / 4);
        if (pieces.size() < 3 && n >= 64) {
            pieces << block.mid(n / 2, 32);
        }
        f.write(block.constData(), n);
        done += n;
    }
    return pieces;
}

QByteArray sha256Of(const QString& path) {
    QFile f(path);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!f.open(QIODevice::ReadOnly) || !hash.addData(&f)) {
        return {};
    }
    return hash.result();
}

QByteArray picture(QSize size) {
    QImage image(size, QImage::Format_RGB32);
    image.fill(QColor(20, 120, 220));
    QPainter p(&image);
    for (int i = 0; i < 300; ++i) {
        p.setPen(QPen(QColor::fromHsv((i * 37) % 360, 255, 230), 5));
        p.drawLine((i * 97) % size.width(), (i * 53) % size.height(), (i * 31 + 7) % size.width(),
                   (i * 71 + 3) % size.height());
    }
    p.end();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

// Every file under `dir` that holds `needle`.
QStringList filesHolding(const QString& dir, const QByteArray& needle) {
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle)) {
            found << f.fileName();
        }
    }
    return found;
}

// The processes whose command line holds `needle` (from /proc).
QList<qint64> processesWith(const QByteArray& needle) {
    QList<qint64> pids;
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (ok && cmdline.open(QIODevice::ReadOnly)) {
            QByteArray line = cmdline.readAll();
            line.replace('\0', ' ');
            if (line.contains(needle)) {
                pids << pid;
            }
        }
    }
    return pids;
}

}  // namespace

class AttachmentsE2eTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;    // the network and the profiles: looked through for plaintext
    QTemporaryDir plain_;  // the files sent and saved
    QProcess localnet_;
    QString aliceSession_;
    QString bobSession_;
    QElapsedTimer clock_;
    QList<QByteArray> secrets_;  // pieces of every file sent, and the captions

    QString demo() const { return dir_.filePath(QStringLiteral("demo")); }
    QString net() const { return dir_.filePath(QStringLiteral("net")); }
    QString attachmentsOf(const QString& who) const {
        return demo() + u'/' + who + QStringLiteral("/attachments");
    }

    Run tandemctl(const QString& who, const QStringList& args, int timeoutMs = 300000) {
        return test::demoCtl(demo(), who, args, timeoutMs);
    }

    Run ok(const QString& who, const QStringList& args) {
        Run r = tandemctl(who, args);
        if (r.status != 0) {
            qFatal("tandemctl %s failed (%d): %s", qPrintable(args.join(u' ')), r.status,
                   qPrintable(r.err));
        }
        return r;
    }

    QJsonObject send(const QString& to, const QString& file, const QString& caption = {}) {
        QStringList args{
            QStringLiteral("send"),  QStringLiteral("--to"), to, QStringLiteral("--attach"), file,
            QStringLiteral("--json")};
        if (!caption.isEmpty()) {
            args << QStringLiteral("--text") << caption;
            secrets_ << caption.toUtf8();
        }
        const auto lines = jsonLines(ok(kAlice, args).out);
        if (lines.size() != 1) {
            qFatal("send printed %d lines", static_cast<int>(lines.size()));
        }
        return lines.front();
    }

    std::vector<QJsonObject> receive(const QString& who) {
        return jsonLines(ok(who, {QStringLiteral("receive"), QStringLiteral("--wait"),
                                  QStringLiteral("3"), QStringLiteral("--json")})
                             .out);
    }

    std::vector<QJsonObject> history(const QString& who, const QString& with) {
        return jsonLines(ok(who, {QStringLiteral("history"), QStringLiteral("--with"), with,
                                  QStringLiteral("--json")})
                             .out);
    }

    QStringList localCopies(const QString& who) const {
        return QDir(attachmentsOf(who)).entryList(QDir::Files);
    }

    // The size of the one local copy in `who`'s folder that is not in `before` (-1: none yet).
    qint64 newCopySize(const QString& who, const QStringList& before) const {
        for (const QString& name : localCopies(who)) {
            if (!before.contains(name)) {
                return QFileInfo(attachmentsOf(who) + u'/' + name).size();
            }
        }
        return -1;
    }

    // A 50 MiB file from alice to bob at `to`, whose download is cut when half of it is in by
    // `cut()`; then bob saves it. Returns save's standard error.
    QString cutHalfway(const QString& to, const std::function<void(QProcess&)>& cut) {
        const QString original = plain_.filePath(QStringLiteral("big-%1.bin").arg(to.left(6)));
        secrets_ << randomFile(original, 50 * kMiB);
        const QJsonObject sent = send(to, original);
        if (str(sent, "status") != QLatin1String("sent")) {
            qFatal("the 50 MiB file was not sent");
        }
        const QStringList before = localCopies(kBob);

        // The copy's size, watched every 2 ms while `p` runs: cut once half is in, and from
        // then on never seen to start over.
        qint64 atCut = -1;
        qint64 lowestAfter = std::numeric_limits<qint64>::max();
        auto watch = [&](QProcess& p, bool cutting) {
            QElapsedTimer waited;
            waited.start();
            while (waited.elapsed() < 240000) {
                const qint64 size = newCopySize(kBob, before);
                if (cutting && atCut < 0 && size >= 25 * kMiB) {
                    atCut = size;
                    cut(p);
                } else if (atCut >= 0 && size >= 0) {
                    lowestAfter = std::min(lowestAfter, size);
                }
                if (p.state() == QProcess::NotRunning || p.waitForFinished(2)) {
                    break;
                }
            }
            if (p.state() != QProcess::NotRunning) {
                p.kill();
                p.waitForFinished(5000);
            }
        };
        QProcess receiving;
        receiving.start(test::binDirOr(QStringLiteral("tandemctl")),
                        test::demoProfileArgs(demo(), kBob) +
                            QStringList{QStringLiteral("receive"), QStringLiteral("--wait"),
                                        QStringLiteral("3"), QStringLiteral("--json")});
        watch(receiving, true);
        if (atCut < 0) {
            qFatal("the download never reached half of the file (%lld bytes in)",
                   newCopySize(kBob, before));
        }
        // Whatever receive did not finish, save does, from what is there.
        const auto got = history(kBob, to == kBobPhone ? kAlicePhone : aliceSession_);
        const QString out = original + QStringLiteral(".saved");
        QProcess saving;
        saving.start(test::binDirOr(QStringLiteral("tandemctl")),
                     test::demoProfileArgs(demo(), kBob) +
                         QStringList{QStringLiteral("save"),
                                     QString::number(got.back()[QStringLiteral("id")].toInteger()),
                                     QStringLiteral("--out"), out});
        watch(saving, false);
        const QString err = QString::fromUtf8(saving.readAllStandardError());
        if (saving.exitCode() != 0) {
            qFatal("save failed: %s", qPrintable(err));
        }
        qInfo("cut at %.1f MiB; the local copy never went below %.1f MiB after",
              static_cast<double>(atCut) / kMiB, static_cast<double>(lowestAfter) / kMiB);
        // Taken up again where the store says it stopped: at most the chunks in flight (four
        // of 512 KiB) and one being written are fetched again, never the file from the start.
        if (lowestAfter < atCut - 3 * kMiB) {
            qFatal("the download started over: %lld bytes at the cut, %lld after", atCut,
                   lowestAfter);
        }
        if (sha256Of(out) != sha256Of(original)) {
            qFatal("the saved file is not the one sent");
        }
        return err;
    }

private slots:
    void initTestCase() {
        QElapsedTimer clock;
        clock.start();
        QVERIFY2(test::startLocalnet(localnet_, net(), 30000,
                                     {QStringLiteral("--link-delay"), QStringLiteral("0")}),
                 "tandem-localnet did not become ready");
        QVERIFY(
            test::setUpDemoProfiles(QStringLiteral(TANDEM_SOURCE_DIR "/scripts/demo-profiles.sh"),
                                    demo(), net() + QStringLiteral("/network.json")));
        aliceSession_ = test::demoSessionId(demo(), kAlice);
        bobSession_ = test::demoSessionId(demo(), kBob);
        QVERIFY(bobSession_.startsWith(QStringLiteral("05")));
        qInfo("network and profiles ready in %lld ms", clock.elapsed());
    }

    void init() { clock_.start(); }
    void cleanup() { qInfo("took %lld ms", clock_.elapsed()); }

    // A file with a caption and an image reach bob in each mode; the image has its size and a
    // thumbnail; bob's copies are downloaded by receive and save byte for byte; alice's are
    // uploaded and delivered.
    void fileAndImageInBothModes() {
        const QString file = plain_.filePath(QStringLiteral("report 2026 — final.pdf"));
        secrets_ << randomFile(file, 1300 * 1024);
        const QString image = plain_.filePath(QStringLiteral("holiday.png"));
        {
            QFile f(image);
            QVERIFY(f.open(QIODevice::WriteOnly));
            const QByteArray png = picture(QSize(1200, 800));
            f.write(png);
            secrets_ << png.mid(png.size() / 2, 32);
        }
        for (const QString& to : {kBobPhone, bobSession_}) {
            const QJsonObject sentFile = send(to, file, QStringLiteral("the report, at last ✓"));
            QCOMPARE(str(sentFile, "kind"), QStringLiteral("file"));
            QCOMPARE(str(sentFile, "status"), QStringLiteral("sent"));
            QCOMPARE(str(attachmentOf(sentFile), "state"), QStringLiteral("uploaded"));
            const QJsonObject sentImage = send(to, image);
            QCOMPARE(attachmentOf(sentImage)[QStringLiteral("width")].toInt(), 1200);
        }
        const auto got = receive(kBob);
        QCOMPARE(got.size(), std::size_t{4});
        for (const QJsonObject& m : got) {
            QCOMPARE(str(m, "kind"), QStringLiteral("file"));
            const QJsonObject a = attachmentOf(m);
            if (str(a, "file_name") == QLatin1String("holiday.png")) {
                QCOMPARE(str(a, "mime_type"), QStringLiteral("image/png"));
                QCOMPARE(a[QStringLiteral("width")].toInt(), 1200);
                QCOMPARE(a[QStringLiteral("height")].toInt(), 800);
                QVERIFY(a[QStringLiteral("thumbnail")].toBool());
                QCOMPARE(str(m, "text"), QString());
            } else {
                QCOMPARE(str(a, "file_name"), QStringLiteral("report 2026 — final.pdf"));
                QCOMPARE(a[QStringLiteral("size")].toInteger(), 1300 * 1024);
                QCOMPARE(str(m, "text"), QStringLiteral("the report, at last ✓"));
            }
        }
        QCOMPARE(std::count_if(got.begin(), got.end(),
                               [](const QJsonObject& m) { return str(m, "mode") == "session"; }),
                 2);
        // receive waited for the downloads: every copy is whole, and saves as it was sent.
        for (const QString& with : {kAlicePhone, aliceSession_}) {
            for (const QJsonObject& m : history(kBob, with)) {
                const QJsonObject a = attachmentOf(m);
                QCOMPARE(str(a, "state"), QStringLiteral("downloaded"));
                QVERIFY(a[QStringLiteral("complete")].toBool());
                const QString out = plain_.filePath(QStringLiteral("saved-%1-%2")
                                                        .arg(m[QStringLiteral("id")].toInteger())
                                                        .arg(str(a, "file_name")));
                ok(kBob,
                   {QStringLiteral("save"), QString::number(m[QStringLiteral("id")].toInteger()),
                    QStringLiteral("--out"), out});
                QCOMPARE(sha256Of(out),
                         sha256Of(str(a, "file_name") == "holiday.png" ? image : file));
            }
        }
        receive(kAlice);  // the delivery receipts
        for (const QJsonObject& m : history(kAlice, kBobPhone)) {
            QCOMPARE(str(m, "status"), QStringLiteral("delivered"));
        }
    }

    // Signal mode: the relay is killed when half of a 50 MiB download is in (tandem-localnet
    // starts it again on the same port); the download goes on from where it was.
    void fiftyMiBWithTheRelayKilledHalfway() {
        const QByteArray relay =
            "tandem-relayd --data " + (net() + QStringLiteral("/relay")).toUtf8();
        qint64 killed = 0;
        const QString err = cutHalfway(kBobPhone, [&](QProcess&) {
            const auto pids = processesWith(relay);
            if (pids.size() != 1) {
                qFatal("%d relays run", static_cast<int>(pids.size()));
            }
            killed = pids.front();
            ::kill(static_cast<pid_t>(killed), SIGKILL);
        });
        // The relay the file finished through is another process: the download crossed the cut.
        const auto now = processesWith(relay);
        QCOMPARE(now.size(), 1);
        QVERIFY(now.front() != killed);
        qInfo("save said: %s", qPrintable(err.trimmed()));
    }

    // Session mode: the receiving tandemctl is killed when half of a 50 MiB download is in;
    // saving the file later goes on from what the first run left.
    void fiftyMiBWithTheReceiverKilledHalfway() {
        const QString err = cutHalfway(bobSession_, [](QProcess& receiving) {
            ::kill(static_cast<pid_t>(receiving.processId()), SIGKILL);
        });
        QVERIFY2(err.contains(QStringLiteral("going on from")), qPrintable(err));
    }

    // What cannot be sent is refused before anything is stored or sent: a file over 100 MiB
    // (a 2 GiB one, judged by its size), an empty one, one that is not there, a folder.
    void refusesWhatItCannotSend() {
        const QString huge = plain_.filePath(QStringLiteral("huge.iso"));
        {
            QFile f(huge);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.resize(2048 * kMiB));  // sparse: takes no disk
        }
        const QString empty = plain_.filePath(QStringLiteral("empty.txt"));
        {
            QFile f(empty);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        const auto before = history(kAlice, kBobPhone).size();
        const QStringList copies = localCopies(kAlice);
        const std::pair<QString, QString> cases[] = {
            {huge, QStringLiteral("at most 100 MiB")},
            {empty, QStringLiteral("empty")},
            {plain_.filePath(QStringLiteral("missing.bin")), QStringLiteral("does not exist")},
            {plain_.path(), QStringLiteral("not a file")},
        };
        for (const auto& [path, why] : cases) {
            QElapsedTimer took;
            took.start();
            const Run r = tandemctl(kAlice, {QStringLiteral("send"), QStringLiteral("--to"),
                                             kBobPhone, QStringLiteral("--attach"), path});
            QVERIFY2(r.status != 0, qPrintable(path));
            QVERIFY2(r.err.contains(why), qPrintable(r.err));
            qInfo("%s refused in %lld ms: %s", qPrintable(QFileInfo(path).fileName()),
                  took.elapsed(), qPrintable(r.err.trimmed()));
        }
        QCOMPARE(history(kAlice, kBobPhone).size(), before);
        QCOMPARE(localCopies(kAlice), copies);
    }

    // A file whose disappearing timer ran out goes with its message, from both profiles'
    // folders (issue 14: files only they referred to).
    void expiredFileIsGone() {
        ok(kAlice, {QStringLiteral("disappearing"), QStringLiteral("--with"), bobSession_,
                    QStringLiteral("5s"), QStringLiteral("--start"), QStringLiteral("after-send")});
        receive(kBob);
        const QStringList aliceBefore = localCopies(kAlice);
        const QStringList bobBefore = localCopies(kBob);
        const QString file = plain_.filePath(QStringLiteral("brief.txt"));
        secrets_ << randomFile(file, 700 * 1024);
        send(bobSession_, file, QStringLiteral("this goes in five seconds"));
        const auto got = receive(kBob);
        QCOMPARE(got.size(), std::size_t{1});
        QVERIFY(!got.front()[QStringLiteral("expires_at")].isNull());
        QCOMPARE(localCopies(kAlice).size(), aliceBefore.size() + 1);
        QCOMPARE(localCopies(kBob).size(), bobBefore.size() + 1);
        QTest::qWait(6000);
        // Opening a profile deletes what expired before anything is read.
        for (const QJsonObject& m : history(kBob, aliceSession_)) {
            QVERIFY(str(m, "text") != QLatin1String("this goes in five seconds"));
        }
        for (const QJsonObject& m : history(kAlice, bobSession_)) {
            QVERIFY(str(m, "text") != QLatin1String("this goes in five seconds"));
        }
        QCOMPARE(localCopies(kAlice), aliceBefore);
        QCOMPARE(localCopies(kBob), bobBefore);
        ok(kAlice, {QStringLiteral("disappearing"), QStringLiteral("--with"), bobSession_,
                    QStringLiteral("off")});
        receive(kBob);
    }

    // No piece of a file sent, nor a caption, is in any file of the relay, of a node or of
    // either profile (the database is SQLCipher; the local copies are sealed).
    void nothingReadableOutsideSqlcipher() {
        QVERIFY(secrets_.size() >= 10);
        for (const QByteArray& secret : std::as_const(secrets_)) {
            const QStringList found = filesHolding(dir_.path(), secret);
            QVERIFY2(found.isEmpty(), qPrintable(found.join(u',')));
        }
        // The local copies are there (sealed), one per file, readable by their owner alone.
        QVERIFY(localCopies(kBob).size() >= 6);
        QCOMPARE(
            QFileInfo(attachmentsOf(kBob)).permissions() & (QFile::ReadOther | QFile::ReadGroup),
            QFileDevice::Permissions());
    }
};

QTEST_GUILESS_MAIN(AttachmentsE2eTest)
#include "tst_attachments_e2e.moc"
