// People in the real app (docs/people.md): tandem-localnet, the demo profiles, and a stranger
// driven through tandemctl; alice's window on the real QML, driven through the UI.
// - bob (a contact) sets a profile picture: alice's list shows it on his row;
// - a stranger writes to alice in Session mode: the list shows "Message requests (1)", not the
//   conversation; opened, the chat offers Block / Delete / Accept instead of the composer;
//   Accept makes it a conversation with a composer, and the stranger then holds alice's
//   profile name;
// - alice sets her name in Settings (the field and Save): it is her profile's name.
// Screenshots (the list with avatars, the request, Settings) are kept as test artifacts.
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QQuickItem>
#include <QTemporaryDir>
#include <QTest>

#include "qml/app/AppWindow.h"
#include "qml/conversations/ConversationListModel.h"
#include "qml/core/AppCore.h"
#include "tests/gui/QuickDriver.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

using tandem::gui::AppCore;
using tandem::gui::AppWindow;
using tandem::gui::ConversationListModel;

using tandem::test::click;
using tandem::test::findVisible;
using tandem::test::rowWhere;
using tandem::test::shoot;

namespace {

// Whether an Image under `root` shows a loaded picture (QQuickImageBase::Ready).
bool showsPicture(QQuickItem* root) {
    if (QByteArray(root->metaObject()->className()) == "QQuickImage" && root->isVisible() &&
        root->property("status").toInt() == 1) {
        return true;
    }
    for (QQuickItem* child : root->childItems()) {
        if (showsPicture(child)) {
            return true;
        }
    }
    return false;
}

ConversationListModel* listModel(AppWindow& app) {
    QQuickItem* list = findVisible(app, QStringLiteral("conversationList"));
    return list != nullptr
               ? qobject_cast<ConversationListModel*>(list->property("model").value<QObject*>())
               : nullptr;
}

QJsonObject jsonObject(const QString& out) {
    return QJsonDocument::fromJson(out.trimmed().toUtf8()).object();
}

}  // namespace

class PeopleAppTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QProcess localnet_;
    std::unique_ptr<AppWindow> alice_;
    QString aliceId_;  // read before her window holds her profile

    QString demo() const { return dir_.filePath(QStringLiteral("demo")); }

    tandem::test::CtlRun ctl(const QString& who, const QStringList& args) {
        const auto r = tandem::test::demoCtl(demo(), who, args, 60000);
        if (r.status != 0) {
            qWarning("tandemctl %s as %s: %s", qPrintable(args.join(u' ')), qPrintable(who),
                     qPrintable(r.err));
        }
        return r;
    }

private slots:
    void initTestCase() {
        QVERIFY2(tandem::test::startLocalnet(localnet_, dir_.filePath(QStringLiteral("net"))),
                 "tandem-localnet did not become ready");
        QVERIFY(tandem::test::setUpDemoProfiles(
            QStringLiteral(TANDEM_SOURCE_DIR "/scripts/demo-profiles.sh"), demo(),
            dir_.filePath(QStringLiteral("net/network.json"))));
        // A stranger with a Session ID, knowing nobody.
        QFile pass(demo() + QStringLiteral("/carol.pass"));
        QVERIFY(pass.open(QIODevice::WriteOnly));
        pass.write("carol's passphrase\n");
        pass.close();
        QCOMPARE(ctl(QStringLiteral("carol"), {QStringLiteral("create"), QStringLiteral("--kdf"),
                                               QStringLiteral("interactive")})
                     .status,
                 0);
        QCOMPARE(ctl(QStringLiteral("carol"), {QStringLiteral("init"), QStringLiteral("session"),
                                               QStringLiteral("--network"),
                                               dir_.filePath(QStringLiteral("net/network.json"))})
                     .status,
                 0);
        QCOMPARE(ctl(QStringLiteral("alice"), {QStringLiteral("profile"), QStringLiteral("--name"),
                                               QStringLiteral("Alice Liddell")})
                     .status,
                 0);
        // bob's picture, published and announced to alice (his contact) before she starts.
        QImage picture(400, 300, QImage::Format_RGB32);
        picture.fill(QColor(0xe0, 0x70, 0x20));
        const QString file = dir_.filePath(QStringLiteral("bob.png"));
        QVERIFY(picture.save(file));
        QCOMPARE(ctl(QStringLiteral("bob"),
                     {QStringLiteral("profile"), QStringLiteral("--avatar"), file})
                     .status,
                 0);

        aliceId_ = tandem::test::demoSessionId(demo(), QStringLiteral("alice"));
        QVERIFY(aliceId_.startsWith(QStringLiteral("05")));
        alice_ = std::make_unique<AppWindow>(demo() + QStringLiteral("/alice"));
        QVERIFY(alice_->load());
        QVERIFY(QTest::qWaitForWindowExposed(alice_->window()));
        alice_->core().unlock(QStringLiteral("alice-demo-passphrase"));
        QVERIFY(QTest::qWaitFor([&] { return alice_->core().state() == AppCore::State::Ready; },
                                30000));
        QVERIFY(QTest::qWaitFor([&] { return alice_->core().connected(); }, 30000));
        alice_->core().setMode(QStringLiteral("session"));
    }

    void cleanupTestCase() { alice_.reset(); }

    void contactsPictureShowsInTheList() {
        AppWindow& app = *alice_;
        // Fetched once the window's core is online: the row of Bob gets his picture.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         QQuickItem* row = rowWhere(app, "title", QStringLiteral("Bob"));
                         return row != nullptr && row->property("avatar").toString().startsWith(
                                                      QStringLiteral("data:image/png"));
                     },
                     30000),
                 "bob's picture did not reach alice's list");
        QVERIFY2(
            QTest::qWaitFor(
                [&] { return showsPicture(rowWhere(app, "title", QStringLiteral("Bob"))); }, 5000),
            "bob's row shows no picture");
        shoot(app, QStringLiteral("people-list-avatars"));
    }

    void requestAcceptedFromTheChat() {
        AppWindow& app = *alice_;
        const QString aliceId = aliceId_;
        const QString carolId = tandem::test::demoSessionId(demo(), QStringLiteral("carol"));
        QCOMPARE(ctl(QStringLiteral("carol"),
                     {QStringLiteral("send"), QStringLiteral("--to"), aliceId,
                      QStringLiteral("--text"), QStringLiteral("hello alice, I am carol")})
                     .status,
                 0);
        // Listed apart: the entry, not a row among the conversations.
        QVERIFY2(QTest::qWaitFor(
                     [&] { return findVisible(app, QStringLiteral("requestsEntry")) != nullptr; },
                     30000),
                 "no Message requests entry");
        QVERIFY(rowWhere(app, "address", carolId) == nullptr);
        QVERIFY(listModel(app) != nullptr);
        QCOMPARE(listModel(app)->requestCount(), 1);
        click(app, findVisible(app, QStringLiteral("requestsEntry")));
        QVERIFY(
            QTest::qWaitFor([&] { return rowWhere(app, "address", carolId) != nullptr; }, 5000));
        click(app, rowWhere(app, "address", carolId));
        QVERIFY2(
            QTest::qWaitFor(
                [&] { return findVisible(app, QStringLiteral("acceptRequestButton")) != nullptr; },
                5000),
            "the request's chat offers no Accept");
        QVERIFY(findVisible(app, QStringLiteral("composerPane")) == nullptr);
        QVERIFY(findVisible(app, QStringLiteral("blockRequestButton")) != nullptr);
        QVERIFY(findVisible(app, QStringLiteral("deleteRequestButton")) != nullptr);
        shoot(app, QStringLiteral("people-request"));

        click(app, findVisible(app, QStringLiteral("acceptRequestButton")));
        QVERIFY2(
            QTest::qWaitFor(
                [&] { return findVisible(app, QStringLiteral("composerPane")) != nullptr; }, 10000),
            "no composer after Accept");
        QVERIFY(findVisible(app, QStringLiteral("requestBar")) == nullptr);
        QVERIFY(QTest::qWaitFor([&] { return listModel(app)->requestCount() == 0; }, 5000));
        // carol holds alice's profile now.
        QVERIFY(QTest::qWaitFor(
            [&] {
                ctl(QStringLiteral("carol"),
                    {QStringLiteral("receive"), QStringLiteral("--wait"), QStringLiteral("2")});
                const QJsonObject contacts =
                    jsonObject(ctl(QStringLiteral("carol"),
                                   {QStringLiteral("contacts"), QStringLiteral("--json")})
                                   .out);
                for (const auto& c : contacts[QStringLiteral("contacts")].toArray()) {
                    if (c.toObject()[QStringLiteral("profile_name")].toString() ==
                        QLatin1String("Alice Liddell")) {
                        return true;
                    }
                }
                return false;
            },
            40000));
    }

    // A second message from carol's side would be a conversation now; a new stranger's request
    // is blocked from its chat: asked once, then gone, with nothing left in the list.
    void requestBlockedFromTheChat() {
        AppWindow& app = *alice_;
        QFile pass(demo() + QStringLiteral("/dave.pass"));
        QVERIFY(pass.open(QIODevice::WriteOnly));
        pass.write("dave's passphrase\n");
        pass.close();
        QCOMPARE(ctl(QStringLiteral("dave"), {QStringLiteral("create"), QStringLiteral("--kdf"),
                                              QStringLiteral("interactive")})
                     .status,
                 0);
        QCOMPARE(ctl(QStringLiteral("dave"), {QStringLiteral("init"), QStringLiteral("session"),
                                              QStringLiteral("--network"),
                                              dir_.filePath(QStringLiteral("net/network.json"))})
                     .status,
                 0);
        const QString daveId = tandem::test::demoSessionId(demo(), QStringLiteral("dave"));
        QCOMPARE(
            ctl(QStringLiteral("dave"), {QStringLiteral("send"), QStringLiteral("--to"), aliceId_,
                                         QStringLiteral("--text"), QStringLiteral("buy my stuff")})
                .status,
            0);
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("requestsEntry")) != nullptr; }, 30000));
        click(app, findVisible(app, QStringLiteral("requestsEntry")));
        QVERIFY(QTest::qWaitFor([&] { return rowWhere(app, "address", daveId) != nullptr; }, 5000));
        click(app, rowWhere(app, "address", daveId));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("blockRequestButton")) != nullptr; },
            5000));
        click(app, findVisible(app, QStringLiteral("blockRequestButton")));
        QObject* confirm = app.window()->findChild<QObject*>(QStringLiteral("requestConfirm"));
        QVERIFY(confirm != nullptr);
        QVERIFY(QTest::qWaitFor([&] { return confirm->property("visible").toBool(); }, 5000));
        shoot(app, QStringLiteral("people-block-confirm"));
        QVERIFY(QMetaObject::invokeMethod(confirm, "accept"));
        // Gone: no request left, the chat closed, and dave is listed as blocked.
        QVERIFY(QTest::qWaitFor(
            [&] { return listModel(app) != nullptr && listModel(app)->requestCount() == 0; },
            10000));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("requestBar")) == nullptr; }, 5000));
        QVERIFY(QTest::qWaitFor([&] { return rowWhere(app, "address", daveId) == nullptr; }, 5000));
    }

    void profileNameFromSettings() {
        AppWindow& app = *alice_;
        QObject* settings = app.window()->findChild<QObject*>(QStringLiteral("settingsPopup"));
        QVERIFY(settings != nullptr);
        QVERIFY(QMetaObject::invokeMethod(settings, "open"));
        QQuickItem* field = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                field = findVisible(app, QStringLiteral("profileNameField"));
                return field != nullptr &&
                       field->property("text").toString() == QLatin1String("Alice Liddell");
            },
            5000));
        field->setProperty("text", QStringLiteral("Alice P. Liddell"));
        click(app, findVisible(app, QStringLiteral("saveProfileNameButton")));
        // The page reads the profile back once the core stored it.
        QVERIFY(QTest::qWaitFor(
            [&] {
                QQuickItem* avatar = findVisible(app, QStringLiteral("ownAvatar"));
                return avatar != nullptr &&
                       avatar->property("name").toString() == QLatin1String("Alice P. Liddell");
            },
            10000));
        shoot(app, QStringLiteral("people-settings"));
    }
};

QTEST_MAIN(PeopleAppTest)
#include "tst_people_app.moc"
