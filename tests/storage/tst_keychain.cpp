// The OS keychain as key storage, against a real Secret Service (GNOME keyring in a private
// D-Bus session; see with-keyring.sh): create, reopen, move the key to a passphrase and back,
// and a clear error when the keychain no longer holds the key.
#include <sodium.h>

#include <QTemporaryDir>
#include <QTest>

#include "storage/Keychain.h"
#include "storage/Store.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;
using tandem::test::await;
using tandem::test::passphrase;

class KeychainTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
                 "run through tests/storage/with-keyring.sh");
    }

    void keyLivesInTheKeychain() {
        QTemporaryDir dir;
        const ProfileFiles files(dir.path());
        {
            Store store;
            const auto created = await(store.create(dir.path(), Credentials::withKeychain()));
            QVERIFY2(created.has_value(), qPrintable(created ? "" : created.error().message));
        }
        QCOMPARE(test::readFile(files.keyFile).size(), qsizetype{KeyFile::kKeychainFileSize});
        QCOMPARE(Profile::protection(dir.path()).value(), KeyProtection::Keychain);
        {
            Store store;
            QVERIFY(await(store.open(dir.path(), Credentials::withKeychain())).has_value());
            // Keychain to passphrase: the entry is removed, the database untouched.
            const auto changed = await(store.changeCredentials(
                Credentials::withKeychain(), passphrase("pw"), KdfStrength::Interactive));
            QVERIFY2(changed.has_value(), qPrintable(changed ? "" : changed.error().message));
        }
        QCOMPARE(Profile::protection(dir.path()).value(), KeyProtection::Passphrase);
        {
            Store store;
            QVERIFY(await(store.open(dir.path(), passphrase("pw"))).has_value());
            QVERIFY(await(store.changeCredentials(passphrase("pw"), Credentials::withKeychain()))
                        .has_value());
        }
        const auto keyFile = KeyFile::parse(std::span<const std::uint8_t>(
            reinterpret_cast<const std::uint8_t*>(test::readFile(files.keyFile).constData()),
            KeyFile::kKeychainFileSize));
        QVERIFY(keyFile.has_value());
        {
            Store store;
            QVERIFY(await(store.open(dir.path(), Credentials::withKeychain())).has_value());
        }
        // The user wipes the keychain entry: a clear error, and nothing is changed.
        QVERIFY(Keychain().remove(keyFile->keychainId()).has_value());
        const auto before = test::snapshot(dir.path());
        Store store;
        const auto opened = await(store.open(dir.path(), Credentials::withKeychain()));
        QVERIFY(!opened.has_value());
        QCOMPARE(opened.error().code, StoreErrorCode::Keychain);
        QVERIFY(opened.error().message.contains(QStringLiteral("keychain")));
        auto after = test::snapshot(dir.path());
        after.remove(QStringLiteral("tandem.lock"));
        auto expected = before;
        expected.remove(QStringLiteral("tandem.lock"));
        QCOMPARE(after, expected);
    }
};

QTEST_GUILESS_MAIN(KeychainTest)
#include "tst_keychain.moc"
