// ProfileSession on its own over a real profile (SQLCipher file, the storage thread): a
// profile created with a passphrase, unlocked again with a wrong and a right one, its
// accounts and settings read and handed over before the session says Ready.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/UserSettings.h"
#include "qml/core/ProfileSession.h"
#include "storage/Store.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;
using tandem::gui::ProfileSession;

namespace {

const QString kPassphrase = QStringLiteral("a long enough passphrase");

}  // namespace

class ProfileUnlockTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void createsThenUnlocks() {
        {
            Store store;
            ProfileSession session(store, dir_.path());
            QCOMPARE(session.state(), ProfileSession::State::NoProfile);
            QVERIFY(!session.hadProfile());
            QSignalSpy opened(&session, &ProfileSession::opened);
            session.createProfile(QStringLiteral("short"));
            QCOMPARE(session.state(), ProfileSession::State::NoProfile);
            QVERIFY(session.error().contains(QStringLiteral("8")));
            QVERIFY(!store.isOpen());
            // What is set up from the contents is there before Ready is seen.
            bool readyBeforeOpened = false;
            connect(&session, &ProfileSession::opened, this,
                    [&] { readyBeforeOpened = session.state() == ProfileSession::State::Ready; });
            session.createProfile(kPassphrase);
            QCOMPARE(session.state(), ProfileSession::State::Opening);
            QTRY_COMPARE_WITH_TIMEOUT(session.state(), ProfileSession::State::Ready, 30000);
            QCOMPARE(opened.count(), 1);
            QVERIFY(!readyBeforeOpened);
            QVERIFY(session.error().isEmpty());
            QVERIFY(store.isOpen());
            // A setting kept in the profile, read back at the next unlock.
            QVERIFY(test::await(store.write([](Repositories& r) {
                return core::UserSettings::setPreviews(r, false);
            })));
            test::await(store.close());
        }
        Store store;
        ProfileSession session(store, dir_.path());
        QVERIFY(session.hadProfile());
        QVERIFY(!session.keychain());
        QCOMPARE(session.state(), ProfileSession::State::Locked);
        session.createProfile(kPassphrase);  // there is one: nothing happens
        QCOMPARE(session.state(), ProfileSession::State::Locked);
        session.unlockWithKeychain();  // not a keychain profile: nothing happens
        QCOMPARE(session.state(), ProfileSession::State::Locked);
        std::vector<ProfileSession::Contents> opened;
        connect(&session, &ProfileSession::opened, this,
                [&](const ProfileSession::Contents& c) { opened.push_back(c); });
        session.unlock(QString());
        QCOMPARE(session.state(), ProfileSession::State::Locked);
        QVERIFY(!session.error().isEmpty());
        session.unlock(QStringLiteral("not the passphrase"));
        QTRY_VERIFY_WITH_TIMEOUT(session.state() == ProfileSession::State::Locked &&
                                     session.error().contains(QStringLiteral("passphrase")),
                                 30000);
        QVERIFY(opened.empty());
        QVERIFY(!store.isOpen());
        session.unlock(kPassphrase);
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), ProfileSession::State::Ready, 30000);
        QVERIFY(session.error().isEmpty());
        QCOMPARE(opened.size(), 1U);
        QVERIFY(opened.front().accounts.empty());
        QVERIFY(!opened.front().settings.previews);
        // Read again (accounts were added): opened again, still Ready.
        session.reload();
        QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 2U, 10000);
        QCOMPARE(session.state(), ProfileSession::State::Ready);
        test::await(store.close());
    }
};

QTEST_GUILESS_MAIN(ProfileUnlockTest)
#include "tst_profile_unlock.moc"
