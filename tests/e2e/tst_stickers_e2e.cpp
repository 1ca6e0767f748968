// Sticker packs as a user meets them, over the real relay and onion network: the demo
// profiles on tandem-localnet, driven through tandemctl. The built-in packs are there with no
// network; a built-in sticker reaches the peer in each mode; a pack created from PNGs is
// published to both networks, installed from its link in each mode (Session mode through
// onion paths), and picked up again after its creator edits it; a recipient without the pack
// fetches the sticker a message names and can install its pack from it; bad links, a wrong
// key, an image that is not one, are refused with a clear error and store nothing; no image
// byte or title is readable at the relay, at any node, or in the profile folder.
#include <QBuffer>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

using namespace tandem;

namespace {

const QString kAlicePhone = QStringLiteral("+4915100000001");
const QString kBobPhone = QStringLiteral("+4915100000002");
const QString kAlice = QStringLiteral("alice");
const QString kBob = QStringLiteral("bob");

using Run = test::CtlRun;

std::vector<QJsonObject> jsonLines(const QString& out) {
    std::vector<QJsonObject> lines;
    for (const QString& line : out.split(u'\n', Qt::SkipEmptyParts)) {
        const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8());
        if (!doc.isObject()) {
            qFatal("not a JSON line: %s", qPrintable(line));
        }
        lines.push_back(doc.object());
    }
    return lines;
}

QString str(const QJsonObject& o, const char* key) {
    return o[QLatin1String(key)].toString();
}

// A vivid, noisy picture (so that it does not compress to nothing), as PNG.
QByteArray picture(int seed, QSize size) {
    QImage image(size, QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(QColor::fromHsv((seed * 47) % 360, 220, 240));
    p.setPen(QPen(Qt::black, 12));
    p.drawEllipse(QRect(QPoint(20, 20), size - QSize(40, 40)));
    for (int i = 0; i < 40; ++i) {
        p.setPen(QPen(QColor::fromHsv((seed * 13 + i * 29) % 360, 255, 200), 6));
        p.drawLine((i * 37 + seed) % size.width(), (i * 53) % size.height(),
                   (i * 71 + seed * 3) % size.width(), (i * 19 + 7) % size.height());
    }
    p.end();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
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

}  // namespace

class StickersE2eTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QProcess localnet_;
    QString aliceSession_;
    QString bobSession_;
    QElapsedTimer clock_;

    QString demo() const { return dir_.filePath(QStringLiteral("demo")); }

    Run tandemctl(const QString& who, const QStringList& args, int timeoutMs = 120000) {
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

    std::vector<QJsonObject> packs(const QString& who) {
        return jsonLines(
            ok(who, {QStringLiteral("stickers"), QStringLiteral("list"), QStringLiteral("--json")})
                .out);
    }

    std::optional<QJsonObject> pack(const QString& who, const QString& packId) {
        for (const QJsonObject& p : packs(who)) {
            if (str(p, "pack_id") == packId) {
                return p;
            }
        }
        return std::nullopt;
    }

    std::vector<QJsonObject> receive(const QString& who) {
        return jsonLines(ok(who, {QStringLiteral("receive"), QStringLiteral("--wait"),
                                  QStringLiteral("3"), QStringLiteral("--json")})
                             .out);
    }

    // A folder of `n` PNG pictures, 0.png … (n-1).png.
    QString pictures(const QString& name, int n, int seed) {
        const QString path = dir_.filePath(name);
        QDir().mkpath(path);
        for (int i = 0; i < n; ++i) {
            const QSize size = i % 2 == 0 ? QSize(640, 480) : QSize(300, 700);
            if (!writeFile(QStringLiteral("%1/%2.png").arg(path).arg(i), picture(seed + i, size))) {
                qFatal("cannot write a picture");
            }
        }
        return path;
    }

    // Creates a pack from `folder`; its link and id.
    std::pair<QString, QString> create(const QString& who, const QString& folder,
                                       const QString& title) {
        const Run r = ok(
            who, {QStringLiteral("stickers"), QStringLiteral("create"), folder,
                  QStringLiteral("--title"), title, QStringLiteral("--author"),
                  QStringLiteral("Alice"), QStringLiteral("--emoji"), QStringLiteral("0.png:🐱"),
                  QStringLiteral("--emoji"), QStringLiteral("1.png:🎉"), QStringLiteral("--json")});
        const auto lines = jsonLines(r.out);
        if (lines.size() != 1) {
            qFatal("create printed %d lines", static_cast<int>(lines.size()));
        }
        const QJsonArray published = lines[0][QStringLiteral("published")].toArray();
        if (published.size() != 2) {
            qFatal("the pack was published to %d networks: %s", static_cast<int>(published.size()),
                   qPrintable(r.err));
        }
        return {str(lines[0], "link"), str(lines[0], "pack_id")};
    }

private slots:
    void initTestCase() {
        QElapsedTimer clock;
        clock.start();
        QVERIFY2(test::startLocalnet(localnet_, dir_.filePath(QStringLiteral("net")), 30000,
                                     {QStringLiteral("--link-delay"), QStringLiteral("0")}),
                 "tandem-localnet did not become ready");
        QVERIFY(
            test::setUpDemoProfiles(QStringLiteral(TANDEM_SOURCE_DIR "/scripts/demo-profiles.sh"),
                                    demo(), dir_.filePath(QStringLiteral("net/network.json"))));
        aliceSession_ = test::demoSessionId(demo(), kAlice);
        bobSession_ = test::demoSessionId(demo(), kBob);
        QVERIFY(aliceSession_.startsWith(QStringLiteral("05")));
        qInfo("network and profiles ready in %lld ms", clock.elapsed());
    }

    void init() { clock_.start(); }
    void cleanup() { qInfo("took %lld ms", clock_.elapsed()); }

    // Two built-in packs of at least 12 stickers, there before any network is used; every
    // sticker exports as a 512×512 WebP, and one pack is animated.
    void builtInPacksNeedNoNetwork() {
        const auto listed = packs(kAlice);
        int builtIn = 0;
        bool animated = false;
        for (const QJsonObject& p : listed) {
            if (str(p, "origin") != QLatin1String("built-in")) {
                continue;
            }
            ++builtIn;
            const QJsonArray stickers = p[QStringLiteral("stickers")].toArray();
            QVERIFY2(stickers.size() >= 12, qPrintable(str(p, "title")));
            const QString out = dir_.filePath(QStringLiteral("export-") + str(p, "pack_id"));
            ok(kAlice,
               {QStringLiteral("stickers"), QStringLiteral("export"), str(p, "pack_id"), out});
            for (const QJsonValue& s : stickers) {
                QImageReader reader(
                    QStringLiteral("%1/%2.webp").arg(out).arg(s[QStringLiteral("id")].toInt()));
                QCOMPARE(reader.format(), QByteArray("webp"));
                QCOMPARE(reader.size(), QSize(512, 512));
                animated = animated || reader.imageCount() > 1;
                QVERIFY(!s[QStringLiteral("emoji")].toString().isEmpty());
            }
        }
        QVERIFY(builtIn >= 2);
        QVERIFY(animated);
    }

    // A built-in sticker reaches bob in each mode, as a sticker with its emoji.
    void builtInStickerInBothModes() {
        const QJsonObject first = packs(kAlice).front();
        QCOMPARE(str(first, "origin"), QStringLiteral("built-in"));
        const QString choice = str(first, "pack_id") + QStringLiteral(":3");
        for (const QString& to : {kBobPhone, bobSession_}) {
            ok(kAlice, {QStringLiteral("send"), QStringLiteral("--to"), to,
                        QStringLiteral("--sticker"), choice});
        }
        const auto got = receive(kBob);
        int stickers = 0;
        for (const QJsonObject& m : got) {
            if (str(m, "kind") == QLatin1String("sticker")) {
                ++stickers;
                QCOMPARE(str(m[QStringLiteral("sticker")].toObject(), "pack_id"),
                         str(first, "pack_id"));
                QCOMPARE(
                    m[QStringLiteral("sticker")].toObject()[QStringLiteral("sticker_id")].toInt(),
                    3);
            }
        }
        QCOMPARE(stickers, 2);
    }

    // Created from PNGs, published to both networks, installed by bob from the link in each
    // mode; an edit is picked up by `stickers refresh`; nothing readable outside SQLCipher.
    void createShareInstallAndEdit() {
        const QString folder = pictures(QStringLiteral("pack1"), 3, 1);
        const auto [link, packId] = create(kAlice, folder, QStringLiteral("Cats of Tandem"));
        QVERIFY(link.startsWith(QStringLiteral("tandem://stickers/#pack_id=") + packId));
        QCOMPARE(str(*pack(kAlice, packId), "origin"), QStringLiteral("created"));

        for (const QString& mode : {QStringLiteral("signal"), QStringLiteral("session")}) {
            // Installed fresh in each mode: removed first.
            if (pack(kBob, packId)) {
                ok(kBob, {QStringLiteral("stickers"), QStringLiteral("remove"), packId});
                QVERIFY(!pack(kBob, packId));
            }
            ok(kBob, {QStringLiteral("stickers"), QStringLiteral("install"), link,
                      QStringLiteral("--mode"), mode});
            const auto installed = pack(kBob, packId);
            QVERIFY2(installed, qPrintable(mode));
            QCOMPARE(str(*installed, "title"), QStringLiteral("Cats of Tandem"));
            const QJsonArray stickers = (*installed)[QStringLiteral("stickers")].toArray();
            QCOMPARE(stickers.size(), 3);
            QCOMPARE(stickers[0][QStringLiteral("emoji")].toString(), QStringLiteral("🐱"));
            QCOMPARE(stickers[1][QStringLiteral("emoji")].toString(), QStringLiteral("🎉"));
            QCOMPARE(stickers[2][QStringLiteral("emoji")].toString(), QStringLiteral("🙂"));
            QVERIFY(stickers[2][QStringLiteral("downloaded")].toBool());
        }

        // Nothing of an image or the title at the relay, the nodes, or in either profile
        // folder outside the encrypted database.
        const QString exported = dir_.filePath(QStringLiteral("export-pack1"));
        ok(kBob, {QStringLiteral("stickers"), QStringLiteral("export"), packId, exported});
        QFile webp(exported + QStringLiteral("/0.webp"));
        QVERIFY(webp.open(QIODevice::ReadOnly));
        const QByteArray image = webp.readAll();
        QCOMPARE(QImageReader(webp.fileName()).size(), QSize(512, 512));
        const QByteArray slice = image.mid(image.size() / 2, 48);
        QCOMPARE(filesHolding(dir_.filePath(QStringLiteral("net")), slice), QStringList());
        QCOMPARE(filesHolding(demo(), slice), QStringList());
        QCOMPARE(filesHolding(dir_.filePath(QStringLiteral("net")), "Cats of Tandem"),
                 QStringList());
        QCOMPARE(filesHolding(demo(), "Cats of Tandem"), QStringList());

        // Alice edits it: a fourth sticker and a new title, as version 2.
        writeFile(folder + QStringLiteral("/3.png"), picture(99, QSize(512, 512)));
        const Run edited =
            ok(kAlice,
               {QStringLiteral("stickers"), QStringLiteral("edit"), packId, folder,
                QStringLiteral("--title"), QStringLiteral("Cats of Tandem, vol. 2"),
                QStringLiteral("--emoji"), QStringLiteral("3.png:😺"), QStringLiteral("--json")});
        QCOMPARE(jsonLines(edited.out).front()[QStringLiteral("version")].toInt(), 2);
        const QString refreshed =
            ok(kBob, {QStringLiteral("stickers"), QStringLiteral("refresh")}).out;
        QVERIFY2(refreshed.startsWith(QStringLiteral("1 pack")), qPrintable(refreshed));
        const auto updated = pack(kBob, packId);
        QCOMPARE(str(*updated, "title"), QStringLiteral("Cats of Tandem, vol. 2"));
        QCOMPARE((*updated)[QStringLiteral("version")].toInt(), 2);
        QCOMPARE((*updated)[QStringLiteral("stickers")].toArray().size(), 4);
    }

    // Bob has not got the pack: the sticker a message names is fetched (through the network
    // it came by), and bob can install the pack from it.
    void recipientWithoutThePack() {
        const auto [link, packId] =
            create(kAlice, pictures(QStringLiteral("pack2"), 2, 20), QStringLiteral("Dogs"));
        QVERIFY(!pack(kBob, packId));
        ok(kAlice, {QStringLiteral("send"), QStringLiteral("--to"), bobSession_,
                    QStringLiteral("--sticker"), packId + QStringLiteral(":1")});
        const auto got = receive(kBob);
        QCOMPARE(got.size(), std::size_t{1});
        QCOMPARE(str(got[0], "kind"), QStringLiteral("sticker"));
        QCOMPARE(str(got[0], "text"), QStringLiteral("🎉"));
        // The image is here (exported), the pack not installed.
        QVERIFY(!pack(kBob, packId));
        const QString out = dir_.filePath(QStringLiteral("export-pack2"));
        const Run exported =
            ok(kBob, {QStringLiteral("stickers"), QStringLiteral("export"), packId, out});
        QVERIFY2(exported.out.contains(QStringLiteral("1.webp")), qPrintable(exported.out));
        ok(kBob, {QStringLiteral("stickers"), QStringLiteral("install"), packId});
        QCOMPARE(str(*pack(kBob, packId), "title"), QStringLiteral("Dogs"));
        Q_UNUSED(link);
    }

    // A clear error each, and nothing stored.
    void badLinksAndImages() {
        const std::size_t before = packs(kBob).size();
        const QString id = QString(32, u'a');
        const QString key = QString(64, u'b');
        for (const QString& bad :
             {QStringLiteral("tandem://stickers/#pack_id=%1").arg(id),
              QStringLiteral("tandem://stickers/#pack_id=%1&pack_key=%2").arg(id.left(31), key),
              QStringLiteral("https://signal.art/addstickers/#pack_id=%1&pack_key=%2").arg(id, key),
              QStringLiteral("tandem://stickers/#pack_id=%1&pack_key=%2").arg(id, key)}) {
            const Run r =
                tandemctl(kBob, {QStringLiteral("stickers"), QStringLiteral("install"), bad});
            QCOMPARE(r.status, 1);
            QVERIFY2(!r.err.trimmed().isEmpty() && r.err.count(u'\n') == 1, qPrintable(r.err));
        }
        // A real pack id with the wrong key.
        const auto [link, packId] =
            create(kAlice, pictures(QStringLiteral("pack3"), 2, 40), QStringLiteral("Keys"));
        const QString wrongKey = link.left(link.indexOf(QStringLiteral("pack_key=")) + 9) + key;
        const Run wrong =
            tandemctl(kBob, {QStringLiteral("stickers"), QStringLiteral("install"), wrongKey,
                             QStringLiteral("--mode"), QStringLiteral("signal")});
        QCOMPARE(wrong.status, 1);
        QVERIFY2(wrong.err.contains(QStringLiteral("key")), qPrintable(wrong.err));
        QCOMPARE(packs(kBob).size(), before);

        // Not an image: refused, nothing stored.
        const std::size_t alicePacks = packs(kAlice).size();
        const QString junk = dir_.filePath(QStringLiteral("junk"));
        QDir().mkpath(junk);
        writeFile(junk + QStringLiteral("/0.png"), QByteArray("this is not a picture"));
        const Run notImage =
            tandemctl(kAlice, {QStringLiteral("stickers"), QStringLiteral("create"), junk,
                               QStringLiteral("--title"), QStringLiteral("Junk")});
        QCOMPARE(notImage.status, 1);
        QVERIFY2(notImage.err.contains(QStringLiteral("Sticker 1")), qPrintable(notImage.err));
        QCOMPARE(packs(kAlice).size(), alicePacks);
    }
};

QTEST_GUILESS_MAIN(StickersE2eTest)
#include "tst_stickers_e2e.moc"
