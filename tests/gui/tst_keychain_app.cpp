// A keychain profile in the real window (real QML, offscreen), with a real GNOME keyring in a
// private D-Bus session (with-keyring.sh):
// - the create-profile page offers the keychain (a Secret Service answers here); a profile
//   made so opens again without a passphrase, the unlock page never shown: the messenger's
//   page is made while the profile opens and is shown once it is open, the conversation given
//   at start open and already holding its newest messages;
// - Settings moves the key under a passphrase (the unlock page asks for it then) and back;
// - where the keychain does not give the key, the unlock page says so, and Try again opens it.
#include <QDateTime>
#include <QGuiApplication>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/ContentHandler.h"
#include "qml/app/AppWindow.h"
#include "qml/core/AppCore.h"
#include "storage/Keychain.h"
#include "storage/Store.h"
#include "tests/gui/QuickDriver.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;

namespace {

constexpr int kMessages = 150;  // more than the chat's first page
const QString kPeer = QStringLiteral("+4915100000002");

// The profile's key protection, from its key file.
std::optional<KeyProtection> protectionOf(const QString& dir) {
    auto p = Profile::protection(dir);
    return p ? std::optional(*p) : std::nullopt;
}

// A conversation with kPeer of kMessages messages, as the core stores them.
void addConversation(gui::AppCore& core) {
    const auto written = test::await(core.store().write([](Repositories& r) -> StoreResult<void> {
        const std::int64_t start = QDateTime::currentMSecsSinceEpoch() - kMessages * 60000LL;
        TANDEM_TRY_ASSIGN(const Contact c, core::contactForAddress(r, Mode::Signal, kPeer, start));
        TANDEM_TRY_ASSIGN(const Conversation conv, r.conversations.forContact(c.id, start));
        for (int i = 0; i < kMessages; ++i) {
            Message m;
            m.conversationId = conv.id;
            m.uid = MessageUid::generate(start + i);
            m.direction = i % 2 == 0 ? Direction::Incoming : Direction::Outgoing;
            m.status = i % 2 == 0 ? MessageStatus::Read : MessageStatus::Delivered;
            m.body = QStringLiteral("message %1").arg(i);
            m.sentAt = start + std::int64_t{i} * 60000;
            m.receivedAt = m.sentAt;
            TANDEM_TRY(r.messages.insert(m));
        }
        return {};
    }));
    QVERIFY(written.has_value());
}

QString pageSource(gui::AppWindow& app) {
    auto* loader = app.window()->findChild<QObject*>(QStringLiteral("pageLoader"));
    return loader != nullptr ? loader->property("source").toString() : QString();
}

// The keychain's entry of the profile at `dir`.
QString keychainEntry(const QString& dir) {
    const QByteArray bytes = test::readFile(ProfileFiles(dir).keyFile);
    const auto keyFile = KeyFile::parse(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.constData()),
                                      static_cast<std::size_t>(bytes.size())));
    return keyFile ? keyFile->keychainId() : QString();
}

}  // namespace

class KeychainAppTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
                 "run through tests/storage/with-keyring.sh");
    }

    // Made on the create page with the keychain, then opened without a passphrase.
    void makeAKeychainProfileAndOpenIt() {
        QTemporaryDir dir;
        {
            gui::AppWindow app(dir.path());
            QVERIFY(app.load());
            QVERIFY(pageSource(app).endsWith(QStringLiteral("CreateProfilePage.qml")));
            // Offered once the Secret Service has answered.
            QTRY_VERIFY_WITH_TIMEOUT(test::findVisible(app, QStringLiteral("keychainChoice")),
                                     10000);
            test::click(app, test::findVisible(app, QStringLiteral("keychainChoice")));
            // No passphrase asked then.
            QTRY_VERIFY(!test::findVisible(app, QStringLiteral("newPassphrase")));
            test::shoot(app, QStringLiteral("keychain-create-page"));
            test::click(app, test::findVisible(app, QStringLiteral("createButton")));
            QTRY_COMPARE_WITH_TIMEOUT(app.core().state(), gui::AppCore::State::Ready, 30000);
            QVERIFY(app.core().keychain());
            QCOMPARE(protectionOf(dir.path()), std::optional(KeyProtection::Keychain));
            addConversation(app.core());
        }

        // As tandem --open starts it (app/gui/main.cpp): the keychain asked before the QML.
        gui::AppWindow app(dir.path());
        QVERIFY(app.core().keychain());
        app.core().setOpenAtStart(kPeer);
        // What the window holds when the profile is Ready: the messenger's page with the
        // conversation's newest page already in (its first frame shows them).
        int rowsAtReady = -1;
        bool shownBeforeReady = false;
        QObject::connect(&app.core(), &gui::AppCore::stateChanged, &app.core(), [&] {
            if (app.core().state() != gui::AppCore::State::Ready || app.window() == nullptr) {
                return;
            }
            auto* list = app.window()->findChild<QQuickItem*>(QStringLiteral("messageList"));
            rowsAtReady = list != nullptr ? list->property("count").toInt() : -2;
        });
        app.core().unlockWithKeychain();
        QVERIFY(app.load());
        // The unlock page is never made: the shell is, hidden while the profile opens (every
        // page the loader is given is recorded, from the first).
        QVERIFY(pageSource(app).endsWith(QStringLiteral("ChatShell.qml")));
        auto* loader = app.window()->findChild<QQuickItem*>(QStringLiteral("pageLoader"));
        QVERIFY(loader != nullptr);
        QStringList pages{pageSource(app)};
        const auto watch = QObject::connect(loader, &QQuickItem::childrenChanged, &app.core(),
                                            [&] { pages << pageSource(app); });
        shownBeforeReady = loader->isVisible() && app.core().state() != gui::AppCore::State::Ready;
        QVERIFY(!shownBeforeReady);
        QTRY_COMPARE_WITH_TIMEOUT(app.core().state(), gui::AppCore::State::Ready, 20000);
        QCOMPARE(rowsAtReady, 60);  // MessageListModel::kFirstPage, before any later read
        QVERIFY(pageSource(app).endsWith(QStringLiteral("ChatShell.qml")));
        QVERIFY(loader->isVisible());
        QObject::disconnect(watch);
        for (const QString& shown : std::as_const(pages)) {
            QVERIFY2(!shown.endsWith(QStringLiteral("UnlockPage.qml")), qPrintable(shown));
        }
        QVERIFY(app.window()->findChild<QObject*>(QStringLiteral("keychainNote")) == nullptr);
        // The conversation given at start is the one open (this profile has no account yet,
        // so the set-up is in front of it; app_bench's profile shows it, with the composer
        // focused: docs/app.md, "Start").
        auto* shell = loader->property("item").value<QObject*>();
        QVERIFY(shell != nullptr);
        QVERIFY(
            shell->property("openConversation").toMap().value(QStringLiteral("id")).toLongLong() >
            0);
        QCOMPARE(app.core().openAtStart(), QString());
    }

    // Settings: the key under a passphrase, then into the keychain again.
    void settingsMovesTheKey() {
        QTemporaryDir dir;
        {
            Store store;
            QVERIFY(test::await(store.create(dir.path(), Credentials::withKeychain())).has_value());
        }
        gui::AppWindow app(dir.path());
        app.core().unlockWithKeychain();
        QVERIFY(app.load());
        QTRY_COMPARE_WITH_TIMEOUT(app.core().state(), gui::AppCore::State::Ready, 20000);
        app.window()->resize(1000, 1600);  // Settings whole, without scrolling
        QVERIFY(test::activate(app));
        QTest::keyClick(app.window(), Qt::Key_Comma, Qt::ControlModifier);
        QTRY_VERIFY(test::findVisible(app, QStringLiteral("keychainExplanation")));
        QVERIFY(!test::findVisible(app, QStringLiteral("currentPassphrase")));
        const QString passphrase = QStringLiteral("a passphrase from settings");
        test::findVisible(app, QStringLiteral("newPassphrase"))->setProperty("text", passphrase);
        test::findVisible(app, QStringLiteral("newPassphraseAgain"))
            ->setProperty("text", passphrase);
        const QString entry = keychainEntry(dir.path());
        QVERIFY(Keychain().read(entry).has_value());
        test::click(app, test::findVisible(app, QStringLiteral("toPassphraseButton")));
        QTRY_VERIFY_WITH_TIMEOUT(!app.core().keychain(), 30000);
        QCOMPARE(protectionOf(dir.path()), std::optional(KeyProtection::Passphrase));
        // The key left the keychain: its entry is gone.
        QVERIFY(!Keychain().read(entry).has_value());
        QVERIFY(
            test::findVisible(app, QStringLiteral("passphraseResult"))->property("ok").toBool());

        // Back: the current passphrase, then the keychain's button (offered: it answers here).
        QTRY_VERIFY(test::findVisible(app, QStringLiteral("currentPassphrase")));
        QTRY_VERIFY_WITH_TIMEOUT(test::findVisible(app, QStringLiteral("toKeychainButton")), 10000);
        test::findVisible(app, QStringLiteral("currentPassphrase"))
            ->setProperty("text", QStringLiteral("not it at all"));
        test::click(app, test::findVisible(app, QStringLiteral("toKeychainButton")));
        QTRY_VERIFY_WITH_TIMEOUT(test::findVisible(app, QStringLiteral("passphraseResult"))
                                     ->property("text")
                                     .toString()
                                     .contains(QStringLiteral("Nothing was changed")),
                                 30000);
        QCOMPARE(protectionOf(dir.path()), std::optional(KeyProtection::Passphrase));
        test::findVisible(app, QStringLiteral("currentPassphrase"))
            ->setProperty("text", passphrase);
        test::click(app, test::findVisible(app, QStringLiteral("toKeychainButton")));
        QTRY_VERIFY_WITH_TIMEOUT(app.core().keychain(), 30000);
        QCOMPARE(protectionOf(dir.path()), std::optional(KeyProtection::Keychain));
        QVERIFY(!keychainEntry(dir.path()).isEmpty());
        QVERIFY(Keychain().read(keychainEntry(dir.path())).has_value());
    }

    // The keychain without the key: the unlock page with the reason, and Try again.
    void keychainFailureShowsTheUnlockPage() {
        QTemporaryDir dir;
        {
            Store store;
            QVERIFY(test::await(store.create(dir.path(), Credentials::withKeychain())).has_value());
        }
        const QString entry = keychainEntry(dir.path());
        auto key = Keychain().read(entry);
        QVERIFY(key.has_value());
        QVERIFY(Keychain().remove(entry).has_value());

        gui::AppWindow app(dir.path());
        app.core().unlockWithKeychain();
        QVERIFY(app.load());
        QTRY_COMPARE_WITH_TIMEOUT(app.core().state(), gui::AppCore::State::Locked, 20000);
        QTRY_VERIFY(pageSource(app).endsWith(QStringLiteral("UnlockPage.qml")));
        QQuickItem* error = nullptr;
        QTRY_VERIFY((error = test::findVisible(app, QStringLiteral("unlockError"))) != nullptr);
        QVERIFY2(error->property("text").toString().contains(QStringLiteral("keychain")),
                 qPrintable(error->property("text").toString()));
        test::shoot(app, QStringLiteral("keychain-failed"));
        QVERIFY(Keychain().write(entry, *key).has_value());
        test::click(app, test::findVisible(app, QStringLiteral("keychainRetryButton")));
        QTRY_COMPARE_WITH_TIMEOUT(app.core().state(), gui::AppCore::State::Ready, 20000);
        QTRY_VERIFY(pageSource(app).endsWith(QStringLiteral("ChatShell.qml")));
    }
};

QTEST_MAIN(KeychainAppTest)
#include "tst_keychain_app.moc"
