// SQLCipher is loaded at run time (storage/SqlCipher.h): not at exec, by the first open, once
// for every thread; and refused, with a clear error and nothing opened, when another SQLite
// was loaded into the process first (SQLCipher's own calls would reach it).
#include <atomic>
#include <cstdio>
#include <dlfcn.h>
#include <sodium.h>
#include <thread>
#include <vector>

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "storage/Database.h"
#include "storage/SqlCipher.h"

using namespace tandem;
using namespace tandem::storage;

namespace {

constexpr const char* kOtherSqliteFirst = "--other-sqlite-first";

bool sqlCipherLoaded() {
    void* handle = dlopen("libsqlcipher.so.0", RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) {
        return false;
    }
    dlclose(handle);
    return true;
}

SecretBytes testKey() {
    SecretBytes key(32);
    randombytes_buf(key.data(), key.size());
    return key;
}

// The child's side of anotherSqliteFirstIsRefused: the system's SQLite loaded globally, then
// an open. Prints the open's error; exit 0 when it was refused, 1 when it was not, 2 when the
// system's SQLite is missing.
int openBesideAnotherSqlite(const char* dir) {
    if (dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_GLOBAL) == nullptr) {
        std::printf("no libsqlite3.so.0: %s\n", dlerror());
        return 2;
    }
    const SecretBytes key = testKey();
    DatabaseOptions options;
    options.create = true;
    auto db =
        Database::open(QString::fromLocal8Bit(dir) + QStringLiteral("/other.db"), &key, options);
    if (db) {
        std::printf("opened\n");
        return 1;
    }
    std::printf("%d %s\n", static_cast<int>(db.error().code), qPrintable(db.error().message));
    return 0;
}

}  // namespace

class TestSqlCipher : public QObject {
    Q_OBJECT

private slots:
    void notLoadedAtStart() {
        // This program is linked like Tandem's: SQLCipher is not among its libraries.
        QVERIFY2(!sqlCipherLoaded(), "libsqlcipher was loaded before any database opened");
    }

    void loadedByTheFirstOpen() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const SecretBytes key = testKey();
        DatabaseOptions options;
        options.create = true;
        {
            auto db = Database::open(dir.filePath(QStringLiteral("a.db")), &key, options);
            QVERIFY2(db, db ? "" : qPrintable(db.error().message));
            QVERIFY(sqlCipherLoaded());
            QVERIFY((*db)->exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('kept');"));
        }
        // Encrypted by the library loaded: the right key reads it back, another is refused.
        options.create = false;
        auto again = Database::open(dir.filePath(QStringLiteral("a.db")), &key, options);
        QVERIFY2(again, again ? "" : qPrintable(again.error().message));
        const auto text = (*again)->queryText("SELECT x FROM t;");
        QVERIFY(text);
        QCOMPARE(*text, QStringLiteral("kept"));
        const SecretBytes other = testKey();
        auto wrong = Database::open(dir.filePath(QStringLiteral("a.db")), &other, options);
        QVERIFY(!wrong);
        QCOMPARE(wrong.error().code, StoreErrorCode::DatabaseCorrupted);
    }

    void oneLibraryForEveryThread() {
        constexpr int kThreads = 8;
        std::vector<const SqlCipher*> got(kThreads, nullptr);
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back([&got, &go, i] {
                while (!go.load()) {
                    std::this_thread::yield();
                }
                auto library = SqlCipher::get();
                got[static_cast<std::size_t>(i)] = library ? *library : nullptr;
            });
        }
        go = true;
        for (auto& t : threads) {
            t.join();
        }
        QVERIFY(got[0] != nullptr);
        for (const SqlCipher* library : got) {
            QCOMPARE(library, got[0]);
        }
        QVERIFY(got[0]->sqlite3_key != nullptr);
    }

    void anotherSqliteFirstIsRefused() {
        // In a process of its own: the library, once loaded, stays for the process's life.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(),
                    {QString::fromLatin1(kOtherSqliteFirst), dir.path()});
        QVERIFY(child.waitForFinished(30000));
        const QString out = QString::fromLocal8Bit(child.readAllStandardOutput()).trimmed();
        QVERIFY2(child.exitStatus() == QProcess::NormalExit, qPrintable(out));
        QVERIFY2(child.exitCode() == 0, qPrintable(out));
        QVERIFY2(out.startsWith(QString::number(static_cast<int>(StoreErrorCode::Internal))),
                 qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("Another SQLite library")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("libsqlite3.so")), qPrintable(out));
        QVERIFY2(!QFile::exists(dir.filePath(QStringLiteral("other.db"))), qPrintable(out));
    }
};

int main(int argc, char* argv[]) {
    if (sodium_init() < 0) {
        return 1;
    }
    if (argc == 3 && qstrcmp(argv[1], kOtherSqliteFirst) == 0) {
        return openBesideAnotherSqlite(argv[2]);
    }
    QCoreApplication app(argc, argv);
    TestSqlCipher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_sqlcipher.moc"
