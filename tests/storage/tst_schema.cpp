// Migrations: a database migrated from every earlier schema version has exactly the schema
// of a fresh one, keeps its rows, and a database from a newer Tandem is left untouched.
#include <sodium.h>

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "storage/Database.h"
#include "storage/Schema.h"
#include "storage/repositories/CryptoSessionRepository.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;

namespace {

SecretBytes testKey() {
    SecretBytes key(32);
    randombytes_buf(key.data(), key.size());
    return key;
}

std::unique_ptr<Database> openDb(const QString& path, const SecretBytes& key) {
    DatabaseOptions options;
    options.create = true;
    auto db = Database::open(path, &key, options);
    if (!db) {
        qFatal("open failed: %s", qPrintable(db.error().message));
    }
    return std::move(db).value();
}

QString normalized(QString sql) {
    sql.replace(QRegularExpression(QStringLiteral("\\s+")), QStringLiteral(" "));
    sql.replace(QRegularExpression(QStringLiteral(" ?([(),]) ?")), QStringLiteral("\\1"));
    return sql.trimmed();
}

QStringList rows(Database& db, const std::string& sql) {
    auto stmt = db.prepare(sql);
    if (!stmt) {
        qFatal("prepare failed: %s", qPrintable(stmt.error().message));
    }
    QStringList out;
    while (true) {
        auto row = (*stmt)->step();
        if (!row || !*row) {
            break;
        }
        QStringList cells;
        for (int c = 0; c < 8; ++c) {
            cells << ((*stmt)->isNull(c) ? QStringLiteral("∅") : (*stmt)->text(c));
        }
        out << cells.join(u'|');
    }
    return out;
}

// Everything SQLite knows about the schema: object definitions (normalized SQL, which holds
// the CHECK constraints), columns, foreign keys and index columns.
QStringList fingerprint(Database& db) {
    QStringList out;
    const QStringList objects = rows(db,
                                     "SELECT type, name, tbl_name, sql FROM sqlite_master "
                                     "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
    for (const QString& object : objects) {
        const QStringList parts = object.split(u'|');
        out << parts[0] + u':' + parts[1] + u':' + normalized(parts[3]);
        const std::string name = parts[1].toStdString();
        if (parts[0] == QLatin1String("table")) {
            for (const QString& c : rows(db, "PRAGMA table_info(" + name + ")")) {
                out << QStringLiteral("  column ") + c;
            }
            for (const QString& fk : rows(db, "PRAGMA foreign_key_list(" + name + ")")) {
                out << QStringLiteral("  fk ") + fk;
            }
            for (const QString& index : rows(db, "PRAGMA index_list(" + name + ")")) {
                out << QStringLiteral("  index ") + index.section(u'|', 1);
            }
        } else if (parts[0] == QLatin1String("index")) {
            for (const QString& c : rows(db, "PRAGMA index_xinfo(" + name + ")")) {
                out << QStringLiteral("  key ") + c;
            }
        }
    }
    return out;
}

void check(const StoreResult<void>& result) {
    if (!result) {
        qFatal("%s", qPrintable(result.error().message));
    }
}

// Rows that schema 1 can hold, so a migration has real data to carry.
void populateVersion1(Database& db) {
    check(db.exec(
        "INSERT INTO contacts (id, mode, address, display_name, created_at) "
        "VALUES (1, 1, '+4915112345678', 'Alice', 1);"
        "INSERT INTO conversations (id, kind, mode, contact_id, created_at) VALUES (1, 1, 1, 1, 1);"
        "INSERT INTO conversations (id, kind, created_at) VALUES (2, 2, 1);"
        "INSERT INTO messages (conversation_id, uid, direction, body, status, sent_at) "
        "VALUES (1, randomblob(16), 0, 'hello', 1, 10), (2, randomblob(16), 0, 'note', 1, 11);"
        "INSERT INTO outbox (conversation_id, message_id, kind, payload, next_attempt_at, "
        "created_at) VALUES (1, 1, 1, x'00', 0, 0);"
        "INSERT INTO crypto_sessions (mode, address, device_id, state, updated_at) "
        "VALUES (1, '+4915112345678', 1, randomblob(1500), 5), (1, '+4915112345678', 2, x'02', 6),"
        "       (2, '+4915112345678', 3, randomblob(5000), 7);"));
}

// The ratchet records, in full: mode, device, the state's bytes, when they were written.
QString sessionRows(Database& db) {
    return rows(db,
                "SELECT mode, address, device_id, hex(state), updated_at FROM crypto_sessions "
                "ORDER BY mode, address, device_id")
        .join(u'\n');
}

}  // namespace

class SchemaTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void migrationsAreNumberedInOrder() {
        for (std::size_t i = 0; i < kMigrations.size(); ++i) {
            QCOMPARE(kMigrations[i].version, static_cast<int>(i) + 1);
        }
        QCOMPARE(kMigrations.back().version, kSchemaVersion);
    }

    void migratedEqualsFreshFromEveryVersion_data() {
        QTest::addColumn<int>("from");
        for (int v = 0; v < kSchemaVersion; ++v) {
            QTest::addRow("from %d", v) << v;
        }
    }

    void migratedEqualsFreshFromEveryVersion() {
        QFETCH(int, from);
        QTemporaryDir dir;
        const SecretBytes key = testKey();
        auto fresh = openDb(dir.filePath(QStringLiteral("fresh.db")), key);
        check(createFreshSchema(*fresh));

        auto old = openDb(dir.filePath(QStringLiteral("old.db")), key);
        check(migrateTo(*old, from));
        QString sessionsBefore;
        if (from >= 1) {
            populateVersion1(*old);
            sessionsBefore = sessionRows(*old);
        }
        // Every remaining step through the migration path (from 0: all of them), then the
        // entry point the store uses, which must find nothing left to do.
        check(migrateTo(*old, kSchemaVersion));
        check(migrate(*old));

        QCOMPARE(old->queryInt("PRAGMA user_version;").value(), std::int64_t{kSchemaVersion});
        QCOMPARE(fresh->queryInt("PRAGMA user_version;").value(), std::int64_t{kSchemaVersion});
        const QStringList expected = fingerprint(*fresh);
        const QStringList actual = fingerprint(*old);
        QVERIFY(expected.size() > 40);  // the comparison has substance
        if (actual != expected) {
            for (const QString& line : expected) {
                if (!actual.contains(line)) {
                    qWarning().noquote() << "missing after migration:" << line;
                }
            }
            for (const QString& line : actual) {
                if (!expected.contains(line)) {
                    qWarning().noquote() << "extra after migration:" << line;
                }
            }
        }
        QCOMPARE(actual, expected);
        if (from >= 1) {
            QCOMPARE(old->queryInt("SELECT count(*) FROM messages;").value(), std::int64_t{2});
            QCOMPARE(old->queryInt("SELECT count(*) FROM outbox;").value(), std::int64_t{1});
            QCOMPARE(old->queryText("SELECT display_name FROM contacts;").value(),
                     QStringLiteral("Alice"));
            // Schema 10 rebuilt crypto_sessions: every record carried over, byte for byte, and
            // read back through the repository; still one per device.
            QCOMPARE(sessionRows(*old), sessionsBefore);
            CryptoSessionRepository sessions(*old);
            const QString alice = QStringLiteral("+4915112345678");
            QCOMPARE(sessions.load(Mode::Signal, alice, 1).value()->size(), std::size_t{1500});
            QCOMPARE(sessions.load(Mode::Session, alice, 3).value()->size(), std::size_t{5000});
            QCOMPARE(sessions.updatedAt(Mode::Signal, alice, 2).value(),
                     std::optional<std::int64_t>(6));
            QVERIFY(!old->exec("INSERT INTO crypto_sessions (mode, address, device_id, state, "
                               "updated_at) VALUES (1, '+4915112345678', 2, x'03', 7);"));
        }
    }

    void aFreshDatabaseHasItsPragmasOn() {
        QTemporaryDir dir;
        auto db = openDb(dir.filePath(QStringLiteral("p.db")), testKey());
        QCOMPARE(db->queryText("PRAGMA journal_mode;").value(), QStringLiteral("wal"));
        QCOMPARE(db->queryInt("PRAGMA foreign_keys;").value(), std::int64_t{1});
        QCOMPARE(db->queryInt("PRAGMA secure_delete;").value(), std::int64_t{1});
        QCOMPARE(db->queryInt("PRAGMA cipher_page_size;").value(), std::int64_t{4096});
    }

    void aNewerDatabaseIsRefusedAndLeftUntouched() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("new.db"));
        const SecretBytes key = testKey();
        {
            auto db = openDb(path, key);
            check(createFreshSchema(*db));
            check(db->exec("PRAGMA user_version = 99;"));
            check(db->close());
        }
        const QByteArray before = test::readFile(path);
        {
            auto db = openDb(path, key);
            const auto result = migrate(*db);
            QVERIFY(!result.has_value());
            QCOMPARE(result.error().code, StoreErrorCode::DatabaseTooNew);
            QVERIFY(result.error().message.contains(path));
            check(db->close());
        }
        QCOMPARE(test::readFile(path), before);
    }

    void aForeignDatabaseIsRefused() {
        QTemporaryDir dir;
        auto db = openDb(dir.filePath(QStringLiteral("x.db")), testKey());
        check(db->exec("CREATE TABLE unrelated (x);"));
        const auto result = migrate(*db);
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().code, StoreErrorCode::DatabaseCorrupted);
    }
};

QTEST_GUILESS_MAIN(SchemaTest)
#include "tst_schema.moc"
