// Bad input and faults at the profile level: wrong passphrase, truncated or damaged
// database and key file, missing files, and no plaintext anywhere on disk. Every failure is
// a clear error naming the file, and the files are left exactly as they were.
#include <sodium.h>

#include <QDir>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include "storage/Database.h"
#include "storage/Store.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;
using tandem::test::await;
using tandem::test::passphrase;

namespace {

constexpr auto kFast = KdfStrength::Interactive;

// A profile with enough rows to span many pages.
void makeProfile(const QString& dir, int messages = 2000) {
    Store store;
    const auto created = await(store.create(dir, passphrase("right"), kFast));
    if (!created) {
        qFatal("%s", qPrintable(created.error().message));
    }
    const auto written = await(store.write([messages](Repositories& r) -> StoreResult<void> {
        TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.noteToSelf(1));
        for (int i = 0; i < messages; ++i) {
            Message m;
            m.conversationId = c.id;
            m.uid = MessageUid::random();
            m.body = QStringLiteral("message number %1 with some padding text").arg(i);
            m.status = MessageStatus::Sent;
            m.sentAt = i;
            TANDEM_TRY(r.messages.insert(m));
        }
        return {};
    }));
    if (!written) {
        qFatal("%s", qPrintable(written.error().message));
    }
}

StoreResult<std::int64_t> countMessages(Store& store) {
    return await(store.read([](Repositories& r) -> StoreResult<std::int64_t> {
        TANDEM_TRY_ASSIGN(const auto c, r.conversations.findNoteToSelf());
        if (!c) {
            return storeError(StoreErrorCode::NotFound, QStringLiteral("no Note to Self"));
        }
        return r.messages.count(c->id);
    }));
}

// The profile's own files (the lock file is the opener's, not the profile's data).
QMap<QString, QByteArray> dataFiles(const QString& dir) {
    auto files = test::snapshot(dir);
    files.remove(QStringLiteral("tandem.lock"));
    return files;
}

}  // namespace

class FaultsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void wrongPassphraseChangesNothing() {
        QTemporaryDir dir;
        makeProfile(dir.path());
        const auto before = dataFiles(dir.path());
        QVERIFY(before.contains(QStringLiteral("tandem.db")));
        for (const char* wrong : {"wrong", "Right", "right\n", ""}) {
            Store store;
            const auto opened = await(store.open(dir.path(), passphrase(wrong)));
            QVERIFY(!opened.has_value());
            QCOMPARE(opened.error().code, StoreErrorCode::WrongPassphrase);
            QVERIFY(opened.error().message.contains(QStringLiteral("passphrase")));
            QVERIFY(!store.isOpen());
        }
        QCOMPARE(dataFiles(dir.path()), before);
        Store store;
        QVERIFY(await(store.open(dir.path(), passphrase("right"))).has_value());
        QCOMPARE(countMessages(store).value(), std::int64_t{2000});
    }

    void truncatedDatabase_data() {
        QTest::addColumn<double>("fraction");
        QTest::addColumn<int>("delta");
        QTest::newRow("empty") << 0.0 << 0;
        QTest::newRow("one byte") << 0.0 << 1;
        QTest::newRow("half a page") << 0.0 << 2048;
        QTest::newRow("first page only") << 0.0 << 4096;
        QTest::newRow("half, mid-page") << 0.5 << 100;
        QTest::newRow("half, on a page boundary") << 0.5 << 0;
        QTest::newRow("last page missing") << 1.0 << -4096;
        QTest::newRow("one byte short") << 1.0 << -1;
    }

    void truncatedDatabase() {
        QFETCH(double, fraction);
        QFETCH(int, delta);
        QTemporaryDir dir;
        makeProfile(dir.path());
        const ProfileFiles files(dir.path());
        QByteArray db = test::readFile(files.database);
        qsizetype size = static_cast<qsizetype>(static_cast<double>(db.size()) * fraction) + delta;
        if (fraction == 0.5 && delta == 0) {
            size -= size % 4096;
        }
        db.truncate(size);
        test::writeFile(files.database, db);
        const auto before = dataFiles(dir.path());

        Store store;
        auto opened = await(store.open(dir.path(), passphrase("right")));
        if (opened) {
            // Opening may only succeed if reading then reports the damage.
            const auto counted = countMessages(store);
            QVERIFY2(!counted.has_value(), "a truncated database read back as complete");
            opened = unexpected(counted.error());
        }
        QCOMPARE(opened.error().code, StoreErrorCode::DatabaseCorrupted);
        QVERIFY2(opened.error().message.contains(files.database),
                 qPrintable(opened.error().message));
        await(store.close());
        QCOMPARE(dataFiles(dir.path()), before);  // never "repaired" by overwriting
    }

    void damagedDatabasePages_data() {
        QTest::addColumn<int>("page");
        QTest::newRow("page 1 (header)") << 0;
        QTest::newRow("page 2") << 1;
        QTest::newRow("a middle page") << -2;
        QTest::newRow("the last page") << -1;
    }

    void damagedDatabasePages() {
        QFETCH(int, page);
        QTemporaryDir dir;
        makeProfile(dir.path());
        const ProfileFiles files(dir.path());
        QByteArray db = test::readFile(files.database);
        const qsizetype pages = db.size() / 4096;
        const qsizetype target = page >= 0 ? page : (page == -1 ? pages - 1 : pages / 2);
        db[target * 4096 + 1000] = static_cast<char>(db[target * 4096 + 1000] ^ 0x01);
        test::writeFile(files.database, db);
        const auto before = dataFiles(dir.path());

        Store store;
        auto opened = await(store.open(dir.path(), passphrase("right")));
        if (opened) {
            // After a clean shutdown the open reads only what it needs; damage elsewhere is
            // found by the check the app runs when idle, and then nothing is written.
            opened = await(store.verify());
            QVERIFY2(!opened.has_value(), "a damaged page passed quick_check");
            const auto write = await(store.write([](Repositories& r) -> StoreResult<void> {
                return r.settings.set(QStringLiteral("x"), "y");
            }));
            QCOMPARE(write.error().code, StoreErrorCode::DatabaseCorrupted);
        }
        QCOMPARE(opened.error().code, StoreErrorCode::DatabaseCorrupted);
        QVERIFY2(opened.error().message.contains(files.database),
                 qPrintable(opened.error().message));
        await(store.close());
        QCOMPARE(dataFiles(dir.path()), before);
    }

    void damageIsFoundAtOpenAfterAnUncleanShutdown() {
        QTemporaryDir dir;
        makeProfile(dir.path());
        const ProfileFiles files(dir.path());
        QByteArray db = test::readFile(files.database);
        const qsizetype middle = (db.size() / 4096 / 2) * 4096 + 1000;
        db[middle] = static_cast<char>(db[middle] ^ 0x01);
        test::writeFile(files.database, db);
        // As a crash leaves it: a WAL next to the database (here an empty one).
        test::writeFile(files.database + QStringLiteral("-wal"), QByteArray());
        const auto before = dataFiles(dir.path());
        Store store;
        const auto opened = await(store.open(dir.path(), passphrase("right")));
        QVERIFY(!opened.has_value());
        QCOMPARE(opened.error().code, StoreErrorCode::DatabaseCorrupted);
        QVERIFY(opened.error().message.contains(files.database));
        await(store.close());
        // SQLite may create its shared-memory index; the data files are as they were.
        auto after = dataFiles(dir.path());
        after.remove(QStringLiteral("tandem.db-shm"));
        QCOMPARE(after, before);
    }

    void damagedKeyFile_data() {
        QTest::addColumn<int>("cut");
        QTest::addColumn<int>("flip");
        QTest::newRow("empty") << 0 << -1;
        QTest::newRow("truncated") << 100 << -1;
        QTest::newRow("flipped salt byte") << -1 << 30;
        QTest::newRow("flipped wrapped-key byte") << -1 << 80;
        QTest::newRow("flipped checksum byte") << -1 << 140;
    }

    void damagedKeyFile() {
        QFETCH(int, cut);
        QFETCH(int, flip);
        QTemporaryDir dir;
        makeProfile(dir.path(), 10);
        const ProfileFiles files(dir.path());
        QByteArray key = test::readFile(files.keyFile);
        if (cut >= 0) {
            key.truncate(cut);
        }
        if (flip >= 0) {
            key[flip] = static_cast<char>(key[flip] ^ 0x10);
        }
        test::writeFile(files.keyFile, key);
        const auto before = dataFiles(dir.path());
        Store store;
        const auto opened = await(store.open(dir.path(), passphrase("right")));
        QVERIFY(!opened.has_value());
        QCOMPARE(opened.error().code, StoreErrorCode::KeyFileCorrupted);
        QVERIFY2(opened.error().message.contains(files.keyFile),
                 qPrintable(opened.error().message));
        QCOMPARE(dataFiles(dir.path()), before);
    }

    void aKeyFileFromAnotherProfileIsNotAccepted() {
        QTemporaryDir a;
        QTemporaryDir b;
        makeProfile(a.path(), 10);
        makeProfile(b.path(), 10);
        QFile::remove(ProfileFiles(a.path()).keyFile);
        QFile::copy(ProfileFiles(b.path()).keyFile, ProfileFiles(a.path()).keyFile);
        const auto before = dataFiles(a.path());
        Store store;
        const auto opened = await(store.open(a.path(), passphrase("right")));
        QCOMPARE(opened.error().code, StoreErrorCode::DatabaseCorrupted);
        QVERIFY(opened.error().message.contains(ProfileFiles(a.path()).database));
        QCOMPARE(dataFiles(a.path()), before);
    }

    void missingFiles() {
        QTemporaryDir dir;
        Store store;
        const auto nothing =
            await(store.open(dir.filePath(QStringLiteral("nowhere")), passphrase("x")));
        QCOMPARE(nothing.error().code, StoreErrorCode::KeyFileMissing);

        makeProfile(dir.path(), 1);
        const ProfileFiles files(dir.path());
        QFile::rename(files.database, files.database + QStringLiteral(".moved"));
        const auto noDatabase = await(store.open(dir.path(), passphrase("right")));
        QCOMPARE(noDatabase.error().code, StoreErrorCode::DatabaseMissing);
        QVERIFY(noDatabase.error().message.contains(files.database));
        QVERIFY(!QFile::exists(files.database));  // not silently re-created
    }

    void createNeverOverwrites() {
        QTemporaryDir dir;
        makeProfile(dir.path(), 5);
        const auto before = dataFiles(dir.path());
        Store store;
        const auto again = await(store.create(dir.path(), passphrase("other"), kFast));
        QCOMPARE(again.error().code, StoreErrorCode::ProfileExists);
        QCOMPARE(dataFiles(dir.path()), before);

        // A database whose key file is gone is still the user's data: refuse, keep it.
        const ProfileFiles files(dir.path());
        QFile::remove(files.keyFile);
        const auto orphan = dataFiles(dir.path());
        const auto refused = await(store.create(dir.path(), passphrase("other"), kFast));
        QCOMPARE(refused.error().code, StoreErrorCode::ProfileExists);
        QCOMPARE(dataFiles(dir.path()), orphan);
    }

    void anInterruptedCreateIsFinishedOnOpen() {
        QTemporaryDir dir;
        makeProfile(dir.path(), 3);
        const ProfileFiles files(dir.path());
        // As if create() had stopped after writing the key file, before its final rename.
        QFile::rename(files.database, files.staging);
        Store store;
        QVERIFY(await(store.open(dir.path(), passphrase("right"))).has_value());
        QCOMPARE(countMessages(store).value(), std::int64_t{3});
        QVERIFY(QFile::exists(files.database));
        QVERIFY(!QFile::exists(files.staging));
    }

    void noPlaintextOnDisk() {
        QTemporaryDir dir;
        const QByteArray marker =
            "TANDEM-MARKER-" + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
        const QString text = QString::fromLatin1(marker);
        Store store;
        QVERIFY(await(store.create(dir.path(), passphrase("pw"), kFast)).has_value());
        const auto written =
            await(store.write([text, marker](Repositories& r) -> StoreResult<void> {
                TANDEM_TRY_ASSIGN(
                    const Contact contact,
                    r.contacts.add(Mode::Signal, QStringLiteral("+15550123"), text, 1));
                TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.forContact(contact.id, 1));
                TANDEM_TRY(r.conversations.setDraft(c.id, text));
                for (int i = 0; i < 500; ++i) {
                    Message m;
                    m.conversationId = c.id;
                    m.uid = MessageUid::random();
                    m.body = text + QStringLiteral(" #%1").arg(i);
                    m.status = MessageStatus::Pending;
                    m.sentAt = i;
                    TANDEM_TRY_ASSIGN(const InsertResult inserted, r.messages.insert(m));
                    OutboxItem item;
                    item.conversationId = c.id;
                    item.messageId = inserted.id;
                    item.payload = marker;
                    TANDEM_TRY(r.outbox.enqueue(item));
                }
                StickerPack pack;
                pack.packId = QByteArray(16, 'p');
                pack.packKey = makeSecret(SecretBytes(32));
                pack.title = text;
                TANDEM_TRY(r.stickers.putPack(pack));
                Sticker sticker;
                sticker.packId = pack.packId;
                sticker.image = marker.repeated(100);
                TANDEM_TRY(r.stickers.putSticker(sticker));
                return r.sessions.store(Mode::Signal, QStringLiteral("+15550123"), 1,
                                        SecretBytes::fromString(marker.toStdString()), 1);
            }));
        QVERIFY2(written.has_value(), qPrintable(written ? "" : written.error().message));

        const auto scan = [&](const char* when) {
            const auto files = test::snapshot(dir.path());
            QVERIFY(files.size() >= 2);
            for (auto it = files.begin(); it != files.end(); ++it) {
                QVERIFY2(!it.value().contains(marker),
                         qPrintable(QStringLiteral("%1 holds the plaintext marker (%2)")
                                        .arg(it.key(), QLatin1String(when))));
                QVERIFY2(!it.value().contains("+15550123"),
                         qPrintable(QStringLiteral("%1 holds a phone number").arg(it.key())));
                QVERIFY2(!it.value().startsWith("SQLite format 3"),
                         qPrintable(QStringLiteral("%1 is an unencrypted database").arg(it.key())));
            }
        };
        // While open, the recent writes sit in the WAL.
        QVERIFY(QFile::exists(ProfileFiles(dir.path()).database + QStringLiteral("-wal")));
        scan("open, with a WAL");
        await(store.close());
        scan("closed");
    }
};

QTEST_GUILESS_MAIN(FaultsTest)
#include "tst_faults.moc"
