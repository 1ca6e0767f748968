// Attachments in the core (docs/attachments.md), with real files and a real SQLCipher store and
// no network: what a peer's pointer may claim (every limit, names made safe), sealing a file
// into the profile (refusals judged before a byte is read; the copy holds nothing readable and
// opens back byte for byte), and a local copy going with its message when its timer runs out,
// or at open when no message names it. Over the real relay and onion network:
// tests/e2e/tst_attachments_e2e.cpp.
#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/attachments/AttachmentPointer.h"
#include "app/core/attachments/SealedFile.h"
#include "crypto/Attachments.h"
#include "crypto/Sodium.h"
#include "storage/Limits.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;
using core::fromPointer;
using core::safeFileName;

namespace {

QByteArray randomBytes(qsizetype n) {
    QByteArray b(n, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(b.data()), n / 4);
    return b;
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

constexpr int kMaxSide = 100000;

QByteArray jpeg(QSize size) {
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::darkMagenta);
    QByteArray out;
    QBuffer buffer(&out);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "JPEG", 50);
    return out;
}

// A pointer as a sender makes one for a file of `size` bytes.
proto::AttachmentPointer pointerFor(qint64 size) {
    proto::AttachmentPointer p;
    p.set_key(std::string(32, 'k'));
    p.set_file_name("notes.txt");
    p.set_mime_type("text/plain");
    p.set_size(static_cast<std::uint64_t>(size));
    for (qint64 i = 0; i < crypto::attachmentChunkCount(size); ++i) {
        auto* c = p.add_chunks();
        c->set_blob_id(std::string(16, static_cast<char>('a' + i % 26)));
        c->set_size(static_cast<std::uint64_t>(crypto::attachmentChunkSealedBytes(size, i)));
    }
    return p;
}

}  // namespace

class AttachmentsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(crypto::initialize()); }

    void pointerLimits() {
        QVERIFY(fromPointer(pointerFor(1)).has_value());
        const qint64 twoChunks = crypto::kAttachmentChunkBytes + 5;
        const auto ok = fromPointer(pointerFor(twoChunks));
        QVERIFY(ok.has_value());
        QCOMPARE(ok->state, TransferState::Remote);
        QCOMPARE(ok->size, twoChunks);
        QVERIFY(!ok->complete);

        auto p = pointerFor(twoChunks);
        p.set_key(std::string(31, 'k'));
        QVERIFY(fromPointer(p).error().contains(QStringLiteral("key")));
        p = pointerFor(twoChunks);
        p.set_size(0);
        QVERIFY(!fromPointer(p));
        p = pointerFor(twoChunks);
        p.set_size(2048ULL * 1024 * 1024);  // 2 GiB, claimed
        QVERIFY(fromPointer(p).error().contains(QStringLiteral("100 MiB")));
        p = pointerFor(twoChunks);
        p.mutable_chunks()->RemoveLast();  // a file cut short
        QVERIFY(fromPointer(p).error().contains(QStringLiteral("chunks")));
        p = pointerFor(twoChunks);
        p.mutable_chunks(1)->set_size(p.chunks(1).size() + 1);  // lies about a chunk
        QVERIFY(!fromPointer(p));
        p = pointerFor(twoChunks);
        p.mutable_chunks(0)->set_blob_id(std::string(65, 'x'));
        QVERIFY(!fromPointer(p));
        p = pointerFor(twoChunks);
        p.mutable_chunks(0)->clear_blob_id();
        QVERIFY(!fromPointer(p));

        // Dropped, not refused: a thumbnail that is not a JPEG or too large, absurd dimensions,
        // an unknown type.
        p = pointerFor(twoChunks);
        p.set_thumbnail("GIF89a...");
        p.set_width(200000);
        p.set_height(10);
        p.set_mime_type("text/html; charset=<script>");
        const auto cleaned = fromPointer(p).value();
        QVERIFY(cleaned.thumbnail.isEmpty());
        QCOMPARE(cleaned.width, 0);
        QCOMPARE(cleaned.mimeType, QStringLiteral("application/octet-stream"));
        p.set_thumbnail(std::string("\xFF\xD8\xFF\xE0") + std::string(49 * 1024, 'j'));
        QVERIFY(fromPointer(p)->thumbnail.isEmpty());
        // A JPEG header that claims a picture larger than a thumbnail is dropped unread.
        p.set_thumbnail(jpeg(QSize(1000, 20)).toStdString());
        QVERIFY(fromPointer(p)->thumbnail.isEmpty());
        const QByteArray small = jpeg(QSize(320, 200));
        p.set_thumbnail(small.toStdString());
        QCOMPARE(fromPointer(p)->thumbnail, small);
    }

    // The most a peer can put in each field still makes a row the store takes: a peer's
    // message is dropped or trimmed, never left to fail the transaction (which would leave it
    // unacknowledged, coming back on every connection).
    void theWorstPointerStillStores() {
        auto p = pointerFor(crypto::kMaxAttachmentBytes);
        p.set_file_name(QString(2000, u'é').toStdString() + ".exe");
        p.set_mime_type(std::string(64, 'a') + "/" + std::string(63, 'b'));  // 128 characters
        p.set_thumbnail(jpeg(QSize(320, 320)).toStdString());
        p.set_width(kMaxSide);
        p.set_height(kMaxSide);
        const auto a = fromPointer(p);
        QVERIFY(a.has_value());
        QVERIFY(a->fileName.toUtf8().size() <= 255);
        QVERIFY(a->fileName.endsWith(QStringLiteral(".exe")));
        QCOMPARE(a->mimeType, QStringLiteral("application/octet-stream"));
        p.set_mime_type(std::string(64, 'a') + "/" + std::string(62, 'b'));  // 127: kept
        QCOMPARE(fromPointer(p)->mimeType.size(), 127);
        const QString caption =
            core::captionOf(QString(70000, u'é').toStdString(), limits::kMaxTextBytes);
        QVERIFY(caption.toUtf8().size() <= limits::kMaxTextBytes);

        QTemporaryDir dir;
        Store store;
        QVERIFY(test::await(
            store.create(dir.path(), test::passphrase("pw"), KdfStrength::Interactive)));
        const auto stored = test::await(store.write([&](Repositories& r) -> StoreResult<void> {
            TANDEM_TRY_ASSIGN(
                const Contact c,
                r.contacts.add(Mode::Signal, QStringLiteral("+4915100000009"), QString(), 1));
            TANDEM_TRY_ASSIGN(const Conversation conv, r.conversations.forContact(c.id, 1));
            Message m;
            m.conversationId = conv.id;
            m.uid = MessageUid::generate(1);
            m.direction = Direction::Incoming;
            m.status = MessageStatus::Received;
            m.body = caption;
            TANDEM_TRY_ASSIGN(const InsertResult in, r.messages.insert(m));
            TANDEM_TRY(r.attachments.insert(in.id, *a));
            return {};
        }));
        QVERIFY2(stored.has_value(), qPrintable(stored ? QString() : stored.error().message));
    }

    void fileNamesAreMadeSafe() {
        QCOMPARE(safeFileName(QStringLiteral("../../etc/passwd")),
                 QStringLiteral("_.._etc_passwd"));
        QCOMPARE(safeFileName(QStringLiteral("C:\\Windows\\x.dll")),
                 QStringLiteral("C__Windows_x.dll"));
        QCOMPARE(safeFileName(QStringLiteral(".bashrc")), QStringLiteral("bashrc"));
        QCOMPARE(safeFileName(QStringLiteral("")), QStringLiteral("file"));
        QCOMPARE(safeFileName(QStringLiteral("..")), QStringLiteral("file"));
        // A right-to-left override (U+202E) would show "harmless<RLO>gnp.exe" as "harmlessexe.png".
        QCOMPARE(safeFileName(QStringLiteral("harmless\u202Egnp.exe")),
                 QStringLiteral("harmless_gnp.exe"));
        QCOMPARE(safeFileName(QStringLiteral("a\nb\tc\u0000d")), QStringLiteral("a_b_c_d"));
        // Cut to 255 bytes of UTF-8 (what a file system takes), keeping the extension.
        const QString longName = QString(400, u'é') + QStringLiteral(".tar.gz");
        const QString cut = safeFileName(longName);
        QVERIFY(cut.toUtf8().size() <= 255);
        QVERIFY(cut.toUtf8().size() >= 250);
        QVERIFY(cut.endsWith(QStringLiteral(".gz")));
        const QString emoji = safeFileName(QString::fromUtf8("😀").repeated(100));
        QVERIFY(emoji.toUtf8().size() <= 255);
        QVERIFY(!emoji.back().isHighSurrogate());
        QCOMPARE(safeFileName(QStringLiteral("Résumé 2026 — 日本.pdf")),
                 QStringLiteral("Résumé 2026 — 日本.pdf"));
    }

    // Refused from what the file system says, before a byte is read; nothing left behind.
    void sealRefusesWhatCannotBeSent() {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("attachments"));
        const QString huge = dir.filePath(QStringLiteral("huge.iso"));
        {
            QFile f(huge);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.resize(2048LL * 1024 * 1024));  // sparse
        }
        const QString empty = dir.filePath(QStringLiteral("empty"));
        QVERIFY(writeFile(empty, {}));
        const QString justOver = dir.filePath(QStringLiteral("over.bin"));
        {
            QFile f(justOver);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.resize(crypto::kMaxAttachmentBytes + 1));
        }
        const std::pair<QString, QString> cases[] = {
            {huge, QStringLiteral("at most 100 MiB")},
            {justOver, QStringLiteral("at most 100 MiB")},
            {empty, QStringLiteral("empty")},
            {dir.filePath(QStringLiteral("nope")), QStringLiteral("does not exist")},
            {dir.path(), QStringLiteral("not a file")},
        };
        for (const auto& [path, why] : cases) {
            const auto sealed = core::SealedFile::seal(folder, path);
            QVERIFY2(!sealed, qPrintable(path));
            QVERIFY2(sealed.error().message.contains(why), qPrintable(sealed.error().message));
        }
        QVERIFY(QDir(folder).entryList(QDir::Files).isEmpty());
    }

    // A sealed copy holds nothing of the file, opens back byte for byte, and is private.
    void sealsAndOpensBack() {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("attachments"));
        const QByteArray bytes = randomBytes(3 * crypto::kAttachmentChunkBytes + 1234);
        const QString source = dir.filePath(QStringLiteral("data.bin"));
        QVERIFY(writeFile(source, bytes));
        const auto a = core::SealedFile::seal(folder, source).value();
        QCOMPARE(a.size, bytes.size());
        QCOMPARE(a.state, TransferState::Uploading);
        QVERIFY(a.complete);
        QVERIFY(!a.isImage());
        QFile copy(folder + u'/' + a.localFile);
        QVERIFY(copy.open(QIODevice::ReadOnly));
        const QByteArray sealed = copy.readAll();
        QCOMPARE(sealed.size(), bytes.size() + 4 * crypto::kChunkOverheadBytes);
        QVERIFY(!sealed.contains(bytes.mid(100000, 32)));
        QCOMPARE(copy.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());

        const core::SealedFile file(folder, a);
        const QString out = dir.filePath(QStringLiteral("out.bin"));
        QVERIFY(file.openInto(out).has_value());
        QFile back(out);
        QVERIFY(back.open(QIODevice::ReadOnly));
        QCOMPARE(back.readAll(), bytes);
        QCOMPARE(file.openAll(1 << 30).value(), bytes);
        QVERIFY(!file.openAll(1000));

        // Damage one byte of the copy: it no longer opens, and no half file is left.
        QFile damaged(folder + u'/' + a.localFile);
        QVERIFY(damaged.open(QIODevice::ReadWrite));
        damaged.seek(crypto::kSealedChunkBytes + 100);
        damaged.write("!");
        damaged.close();
        const QString out2 = dir.filePath(QStringLiteral("out2.bin"));
        QVERIFY(!file.openInto(out2));
        QVERIFY(!QFile::exists(out2));
        // Saving over a file that is there and failing leaves it as it was.
        QVERIFY(writeFile(out2, "kept"));
        QVERIFY(!file.openInto(out2));
        QFile kept(out2);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("kept"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 3);  // data, out, out2
    }

    // An image gets its size and a JPEG thumbnail small enough for a message.
    void imagesGetAThumbnail() {
        QTemporaryDir dir;
        QImage image(1600, 900, QImage::Format_RGB32);
        image.fill(Qt::darkCyan);
        const QString source = dir.filePath(QStringLiteral("wide.png"));
        QVERIFY(image.save(source, "PNG"));
        const auto a = core::SealedFile::seal(dir.filePath(QStringLiteral("a")), source).value();
        QCOMPARE(a.width, 1600);
        QCOMPARE(a.height, 900);
        QCOMPARE(a.mimeType, QStringLiteral("image/png"));
        QVERIFY(a.thumbnail.startsWith("\xFF\xD8\xFF"));
        QVERIFY(a.thumbnail.size() <= core::kMaxThumbnailBytes);
        QImage thumb;
        QVERIFY(thumb.loadFromData(a.thumbnail, "JPEG"));
        QCOMPARE(thumb.width(), 320);
        // Named .png but not one: a file, no thumbnail.
        const QString fake = dir.filePath(QStringLiteral("fake.png"));
        QVERIFY(writeFile(fake, randomBytes(4096)));
        const auto f = core::SealedFile::seal(dir.filePath(QStringLiteral("a")), fake).value();
        QVERIFY(!f.isImage());
        QVERIFY(f.thumbnail.isEmpty());
    }

    // The local copy goes with its message when the timer runs out (in the same step), and a
    // copy no message names is removed when the profile is opened.
    void localCopiesGoWithTheirMessages() {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("attachments"));
        const QString source = dir.filePath(QStringLiteral("s.bin"));
        QVERIFY(writeFile(source, randomBytes(5000)));
        auto kept = core::SealedFile::seal(folder, source).value();
        auto expiring = core::SealedFile::seal(folder, source).value();
        auto orphan = core::SealedFile::seal(folder, source).value();
        const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
        {
            Store store;
            QVERIFY(test::await(
                store.create(dir.path(), test::passphrase("pw"), KdfStrength::Interactive)));
            QCOMPARE(store.folder(), dir.path());
            const auto stored = test::await(store.write([&](Repositories& r) -> StoreResult<void> {
                TANDEM_TRY_ASSIGN(
                    const Contact c,
                    r.contacts.add(Mode::Signal, QStringLiteral("+4915100000009"), QString(), now));
                TANDEM_TRY_ASSIGN(const Conversation conv, r.conversations.forContact(c.id, now));
                for (int i = 0; i < 2; ++i) {
                    Message m;
                    m.conversationId = conv.id;
                    m.uid = MessageUid::generate(now + i);
                    m.direction = Direction::Outgoing;
                    m.status = MessageStatus::Sent;
                    m.sentAt = now;
                    if (i == 1) {
                        m.expireTimer = 5;
                        m.expireStart = now - 10000;
                        m.expiresAt = now - 5000;
                    }
                    TANDEM_TRY_ASSIGN(const InsertResult in, r.messages.insert(m));
                    TANDEM_TRY(r.attachments.insert(in.id, i == 0 ? kept : expiring));
                }
                return {};
            }));
            QVERIFY(stored.has_value());
            const auto gone = test::await(store.expire(now));
            QCOMPARE(gone.value().size(), std::size_t{1});
            QVERIFY(QFile::exists(folder + u'/' + kept.localFile));
            QVERIFY(!QFile::exists(folder + u'/' + expiring.localFile));
            QVERIFY(QFile::exists(folder + u'/' + orphan.localFile));  // only at open
            // Every message read carries its attachment.
            const auto page = test::await(store.read([](Repositories& r) {
                                  return r.messages.newest(1, 10);
                              })).value();
            QCOMPARE(page.size(), std::size_t{1});
            QVERIFY(page.front().attachment.has_value());
            QCOMPARE(page.front().attachment->localFile, kept.localFile);
            test::await(store.close());
            QCOMPARE(store.folder(), QString());
        }
        Store again;
        QVERIFY(test::await(again.open(dir.path(), test::passphrase("pw"))));
        QVERIFY(QFile::exists(folder + u'/' + kept.localFile));
        QVERIFY(!QFile::exists(folder + u'/' + orphan.localFile));
    }
};

QTEST_GUILESS_MAIN(AttachmentsTest)
#include "tst_attachments.moc"
