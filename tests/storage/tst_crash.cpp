// Durability: a process killed with SIGKILL while writing thousands of messages leaves a
// database that passes PRAGMA integrity_check and holds every message whose commit had
// returned, each with its outbox row (transactions are all-or-nothing).
#include <csignal>
#include <sodium.h>

#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include "storage/Store.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;
using tandem::test::await;
using tandem::test::passphrase;

class CrashTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void killedWriterLosesNothingCommitted_data() {
        QTest::addColumn<int>("killAfter");
        QTest::newRow("after ~2000") << 2000;
        QTest::newRow("after ~5000") << 5000;
        QTest::newRow("after ~9000") << 9000;
        // Past the WAL's automatic checkpoint (1000 pages): the kill may land in one.
        QTest::newRow("after ~30000") << 30000;
    }

    void killedWriterLosesNothingCommitted() {
        QFETCH(int, killAfter);
        QTemporaryDir dir;
        {
            Store store;
            QVERIFY(await(store.create(dir.path(), passphrase("pw"), KdfStrength::Interactive))
                        .has_value());
        }
        QProcess writer;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("pw"));
        writer.setProcessEnvironment(env);
        writer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        writer.start(QStringLiteral(TANDEM_STORE_WRITER), {dir.path()});
        QVERIFY2(writer.waitForStarted(10000), qPrintable(writer.errorString()));

        QSet<QByteArray> committed;
        QByteArray pending;
        // Kill at a random point past the threshold, so the kill can land anywhere in a
        // transaction, a checkpoint or a batch.
        const int target = killAfter + static_cast<int>(QRandomGenerator::global()->bounded(500));
        QElapsedTimer clock;
        clock.start();
        while (committed.size() < target && clock.elapsed() < 90000) {
            if (!writer.waitForReadyRead(5000) && writer.state() != QProcess::Running) {
                break;
            }
            pending += writer.readAllStandardOutput();
            qsizetype newline;
            while ((newline = pending.indexOf('\n')) >= 0) {
                const QByteArray line = pending.left(newline);
                pending.remove(0, newline + 1);
                if (line.startsWith("committed ")) {
                    committed.insert(line.mid(10));
                }
            }
        }
        QVERIFY2(writer.state() == QProcess::Running, "the writer stopped by itself");
        ::kill(static_cast<pid_t>(writer.processId()), SIGKILL);
        QVERIFY(writer.waitForFinished(10000));
        QCOMPARE(writer.exitStatus(), QProcess::CrashExit);
        // Lines read after the kill were committed before it, too.
        pending += writer.readAllStandardOutput();
        for (const QByteArray& line : pending.split('\n')) {
            if (line.startsWith("committed ")) {
                committed.insert(line.mid(10));
            }
        }
        QVERIFY(committed.size() >= killAfter);

        Store store;
        const auto opened = await(store.open(dir.path(), passphrase("pw")));
        QVERIFY2(opened.has_value(), qPrintable(opened ? "" : opened.error().message));
        const auto check = await(store.read([](Repositories& r) -> StoreResult<QString> {
            return r.db.queryText("PRAGMA integrity_check;");
        }));
        QCOMPARE(check.value(), QStringLiteral("ok"));
        const auto stored = await(store.read([](Repositories& r) -> StoreResult<QSet<QByteArray>> {
            QSet<QByteArray> uids;
            TANDEM_TRY_ASSIGN(
                Statement * stmt,
                r.db.prepare("SELECT hex(m.uid), "
                             "(SELECT count(*) FROM outbox o WHERE o.message_id = m.id) "
                             "FROM messages m"));
            while (true) {
                TANDEM_TRY_ASSIGN(const bool row, stmt->step());
                if (!row) {
                    break;
                }
                if (stmt->int64(1) != 1) {
                    return storeError(StoreErrorCode::Internal,
                                      QStringLiteral("a message without its outbox row"));
                }
                uids.insert(stmt->text(0).toLower().toLatin1());
            }
            return uids;
        }));
        QVERIFY2(stored.has_value(), qPrintable(stored ? "" : stored.error().message));
        qInfo() << "committed before the kill:" << committed.size()
                << "stored after reopening:" << stored->size();
        QVERIFY(stored->size() >= committed.size());
        for (const QByteArray& uid : committed) {
            QVERIFY2(stored->contains(uid), uid.constData());
        }
    }
};

QTEST_GUILESS_MAIN(CrashTest)
#include "tst_crash.moc"
