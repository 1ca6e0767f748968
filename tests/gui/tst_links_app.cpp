// Links in the real app over tandem-localnet (one window on the real QML, driven through it):
// - a new profile joins the local network from its link pasted into the set-up's network
//   field (a cut-short link is refused under the field first), in Session and Signal mode;
// - Share my ID shows, for each account, its contact link (the account id, not the number)
//   and the link's QR code;
// - a contact link pasted into the new-conversation field, or given at start, opens that
//   conversation in its mode.
// Screenshots are kept as test artifacts (links-setup-pasted.png, links-share-my-id.png).
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QQuickItem>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/Links.h"
#include "app/core/QrCode.h"
#include "crypto/session/SessionKeys.h"
#include "qml/app/AppWindow.h"
#include "qml/core/AppCore.h"
#include "tests/gui/QuickDriver.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

using tandem::gui::AppCore;
using tandem::gui::AppWindow;

using tandem::test::activate;
using tandem::test::click;
using tandem::test::findVisible;
using tandem::test::shoot;
using tandem::test::typeText;

namespace {

QString textOf(AppWindow& app, const char* name) {
    QQuickItem* item = findVisible(app, QLatin1String(name));
    return item != nullptr ? item->property("text").toString() : QString();
}

// The set-up's new Session ID: its words typed back where asked.
void confirmSessionId(AppWindow& app) {
    QQuickItem* pane = findVisible(app, QStringLiteral("setupSessionId"));
    while (pane != nullptr && !pane->property("identity").isValid()) {
        pane = pane->parentItem();
    }
    QVERIFY(pane != nullptr);
    const QStringList words =
        pane->property("identity").toMap().value(QStringLiteral("words")).toStringList();
    QCOMPARE(words.size(), 13);
    click(app, findVisible(app, QStringLiteral("setupWroteItDown")));
    const QList<int> asked = app.core().setup()->confirmationPositions();
    QCOMPARE(asked.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QQuickItem* field = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                return (field = findVisible(app, QStringLiteral("setupWord%1").arg(i))) != nullptr;
            },
            5000));
        field->setProperty("text", words[asked[i]]);
    }
    click(app, findVisible(app, QStringLiteral("setupConfirmWords")));
}

}  // namespace

class LinksAppTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QTemporaryDir profile_;
    QProcess localnet_;
    QString link_;
    std::unique_ptr<AppWindow> app_;

private slots:
    void initTestCase() {
        QVERIFY2(tandem::test::startLocalnet(localnet_, dir_.filePath(QStringLiteral("net"))),
                 "tandem-localnet did not become ready");
        link_ = QString::fromLatin1(
                    tandem::test::readFile(dir_.filePath(QStringLiteral("net/network.link"))))
                    .trimmed();
        QVERIFY(link_.startsWith(QStringLiteral("tandem://network/#")));
        // The app offers $TANDEM_NETWORK (else the demo's file): neither here.
        qputenv("TANDEM_NETWORK", "");
        app_ = std::make_unique<AppWindow>(profile_.path());
        QVERIFY(app_->load());
        QVERIFY(QTest::qWaitForWindowExposed(app_->window()));
        app_->core().createProfile(QStringLiteral("a passphrase for links"));
        QVERIFY(
            QTest::qWaitFor([&] { return app_->core().state() == AppCore::State::Ready; }, 30000));
        QVERIFY(activate(*app_));
    }

    void cleanupTestCase() {
        app_.reset();
        localnet_.terminate();
        localnet_.waitForFinished(15000);
    }

    // Session mode, then Signal mode, set up on the local network from its link.
    void joinsTheLocalNetworkFromItsLink() {
        AppWindow& app = *app_;
        click(app, findVisible(app, QStringLiteral("sessionModeButton")));
        QQuickItem* field = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] { return (field = findVisible(app, QStringLiteral("setupNetwork"))) != nullptr; },
            5000));
        // Cut short (as a chat app may cut a long line): said under the field, nothing starts.
        field->setProperty("text", link_.left(link_.size() - 40));
        QVERIFY(QTest::qWaitFor(
            [&] { return textOf(app, "setupNetworkError").contains(QStringLiteral("64-byte")); },
            3000));
        QVERIFY(!findVisible(app, QStringLiteral("setupCreateSession"))->isEnabled());
        field->setProperty("text", link_.left(link_.indexOf(QStringLiteral("&sig="))));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return textOf(app, "setupNetworkError")
                    .contains(QStringLiteral("no \"sig\" field (was it cut short?)"));
            },
            3000));
        // The whole link, as pasted (with its line end).
        field->setProperty("text", link_ + QStringLiteral("\n"));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("setupNetworkSummary")) != nullptr; },
            3000));
        QVERIFY(findVisible(app, QStringLiteral("setupNetworkError")) == nullptr);
        const QString summary = textOf(app, "setupNetworkSummary");
        QVERIFY2(summary.contains(QStringLiteral("9 onion nodes")) &&
                     summary.contains(QStringLiteral("Network key ")),
                 qPrintable(summary));
        const auto parsed = tandem::core::parseNetworkLink(link_);
        QVERIFY(summary.contains(tandem::core::keyFingerprint(parsed->key)));
        shoot(app, QStringLiteral("links-setup-pasted"));

        click(app, findVisible(app, QStringLiteral("setupCreateSession")));
        confirmSessionId(app);
        QVERIFY2(QTest::qWaitFor([&] { return app.core().hasSession(); }, 10000),
                 qPrintable(textOf(app, "setupProblem")));
        QVERIFY(QTest::qWaitFor([&] { return app.core().connected(); }, 60000));

        // Signal mode: the link is offered again; the local relay verifies no number.
        click(app, findVisible(app, QStringLiteral("signalModeButton")));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("setupPhone")) != nullptr; }, 5000));
        QCOMPARE(textOf(app, "setupNetwork").trimmed(), link_);
        findVisible(app, QStringLiteral("setupPhone"))->forceActiveFocus();
        typeText(app.window(), QStringLiteral("+4915100000088"));
        click(app, findVisible(app, QStringLiteral("setupRegister")));
        QVERIFY2(QTest::qWaitFor([&] { return app.core().hasSignal(); }, 30000),
                 qPrintable(textOf(app, "setupProblem")));
        QVERIFY(QTest::qWaitFor([&] { return app.core().connected(); }, 30000));
    }

    void shareMyIdShowsEachAccountsLinkAndQrCode() {
        AppWindow& app = *app_;
        QVERIFY(app.core().hasSignal() && app.core().hasSession());
        click(app, findVisible(app, QStringLiteral("menuButton")));
        QQuickItem* item = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] { return (item = findVisible(app, QStringLiteral("shareIdMenuItem"))) != nullptr; },
            3000));
        click(app, item);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return findVisible(app, QStringLiteral("shareLink_signal")) != nullptr &&
                       findVisible(app, QStringLiteral("shareLink_session")) != nullptr;
            },
            5000));
        const QString signal = textOf(app, "shareLink_signal");
        const QString session = textOf(app, "shareLink_session");
        QVERIFY2(signal.startsWith(QStringLiteral("tandem://contact/#id=aci:")),
                 qPrintable(signal));
        QVERIFY(!signal.contains(QStringLiteral("4915100000088")));
        QCOMPARE(session, QStringLiteral("tandem://contact/#id=") +
                              app.core().statusOf(tandem::storage::Mode::Session).address());
        for (const QString& link : {signal, session}) {
            const auto parsed = tandem::core::parseContactLink(link);
            QVERIFY2(parsed.has_value(), qPrintable(parsed ? QString() : parsed.error()));
        }
        // Each link's QR code: a loaded image of that code's size (5 pixels a module).
        for (const auto& [mode, link] : {std::pair{QStringLiteral("signal"), signal},
                                         std::pair{QStringLiteral("session"), session}}) {
            QQuickItem* qr = findVisible(app, QStringLiteral("shareQr_") + mode);
            QVERIFY(qr != nullptr);
            QVERIFY(QTest::qWaitFor([&] { return qr->property("status").toInt() == 1; }, 5000));
            const auto code = tandem::core::QrCode::encode(link.toUtf8());
            QVERIFY(code.has_value());
            const int side = (code->width() + 2 * tandem::core::QrCode::kQuietZone) * 5;
            QCOMPARE(qr->property("sourceSize").toSize(), QSize(side, side));
            QVERIFY(qr->width() > 100);
        }
        shoot(app, QStringLiteral("links-share-my-id"));
        QTest::keyClick(app.window(), Qt::Key_Escape);
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("shareLink_signal")) == nullptr; }, 3000));
    }

    // A contact link of the other mode, pasted: its name suggestion shown as such; Start
    // switches to its mode and opens the conversation.
    void aPastedContactLinkOpensItsConversation() {
        AppWindow& app = *app_;
        click(app, findVisible(app, QStringLiteral("signalModeButton")));
        const auto peer = tandem::crypto::X25519KeyPair::generate();
        const QString id = tandem::crypto::session::sessionIdOf(peer.publicKey);
        const auto link = tandem::core::formatContactLink(id, QStringLiteral("Dora"));
        QVERIFY(link.has_value());
        QQuickItem* field = findVisible(app, QStringLiteral("newConversationField"));
        QVERIFY(field != nullptr);
        field->setProperty("text", *link);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return textOf(app, "newConversationLinkHint")
                    .contains(QStringLiteral("suggests the name “Dora”"));
            },
            3000));
        click(app, findVisible(app, QStringLiteral("startConversationButton")));
        QVERIFY(
            QTest::qWaitFor([&] { return app.core().mode() == QLatin1String("session"); }, 3000));
        QVERIFY(QTest::qWaitFor([&] { return textOf(app, "chatTitle") == id; }, 5000));
        // A malformed one is said, and Start stays off.
        field = findVisible(app, QStringLiteral("newConversationField"));
        field->setProperty("text", QStringLiteral("tandem://contact/#id=+4915100000001"));
        QVERIFY(!findVisible(app, QStringLiteral("startConversationButton"))->isEnabled());
    }

    // As the desktop hands one over (tandem tandem://contact/…).
    void aContactLinkGivenAtStartOpensItsConversation() {
        AppWindow& app = *app_;
        const auto peer = tandem::crypto::X25519KeyPair::generate();
        const QString id = tandem::crypto::session::sessionIdOf(peer.publicKey);
        click(app, findVisible(app, QStringLiteral("signalModeButton")));
        app.core().setLinkAtStart(*tandem::core::formatContactLink(id));
        QVERIFY(
            QTest::qWaitFor([&] { return app.core().mode() == QLatin1String("session"); }, 3000));
        QVERIFY(QTest::qWaitFor([&] { return textOf(app, "chatTitle") == id; }, 5000));
        QVERIFY(app.core().linkAtStart().isEmpty());
        app.core().setLinkAtStart(QStringLiteral("tandem://contact/#id=05"));
        QVERIFY(QTest::qWaitFor(
            [&] { return textOf(app, "problemBanner").contains(QStringLiteral("neither")); },
            3000));
    }
};

QTEST_MAIN(LinksAppTest)
#include "tst_links_app.moc"
