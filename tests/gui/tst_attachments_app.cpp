// Attachments in the real app, end to end: tandem-localnet and the demo profiles alice and bob
// (as tst_stickers_app sets them up), two windows on the real QML, driven through the UI.
// - Signal mode: alice attaches a noisy PNG and a file of random bytes (what the file dialog
//   hands over), types a caption and sends; her bubbles show the upload's bar. Bob's window
//   shows the image's thumbnail, then the image itself, and the file's card; he saves the
//   file (the invokable Save as… calls) and opens it (decrypted into a private folder): the
//   bytes are alice's. The conversation list says what came.
// - A file over 100 MiB (sparse) is refused: the core's reason in the banner, nothing sent.
// - Session mode: an image goes through onion paths and shows in bob's window.
// Screenshots are kept as test artifacts.
#include <QDesktopServices>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPointer>
#include <QProcess>
#include <QQuickItem>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "qml/app/AppWindow.h"
#include "qml/app/Notifier.h"
#include "qml/attachments/AttachmentActions.h"
#include "qml/chat/MessageListModel.h"
#include "qml/conversations/ConversationListModel.h"
#include "qml/core/AppCore.h"
#include "tests/gui/QuickDriver.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

using tandem::gui::AppCore;
using tandem::gui::AppWindow;
using tandem::gui::AttachmentActions;
using tandem::gui::ConversationListModel;
using tandem::gui::MessageListModel;

using tandem::test::activate;
using tandem::test::click;
using tandem::test::findVisible;
using tandem::test::findVisibleUnder;
using tandem::test::shoot;
using tandem::test::typeText;

namespace {

QQuickItem* find(AppWindow& app, const char* name) {
    return app.window()->findChild<QQuickItem*>(QLatin1String(name));
}

template <class Model>
Model* modelOf(AppWindow& app, const char* view) {
    QQuickItem* list = find(app, view);
    return list != nullptr ? qobject_cast<Model*>(list->property("model").value<QObject*>())
                           : nullptr;
}

QVariantMap attachmentAt(MessageListModel* model, int row) {
    return model->data(model->index(row), MessageListModel::AttachmentRole).toMap();
}

// The row of the newest message whose file is named `name`, or -1.
int rowOfFile(MessageListModel* model, const QString& name) {
    for (int row = 0; model != nullptr && row < model->count(); ++row) {
        if (attachmentAt(model, row).value(QStringLiteral("fileName")).toString() == name) {
            return row;
        }
    }
    return -1;
}

// The list's row of `title` in the mode the window shows (a Session ID starts with 05).
QQuickItem* conversationRow(AppWindow& app, const QString& title) {
    QQuickItem* list = find(app, "conversationList");
    if (list == nullptr) {
        return nullptr;
    }
    const bool session = app.core().mode() == QLatin1String("session");
    const auto* content = list->property("contentItem").value<QQuickItem*>();
    for (QQuickItem* row : content->childItems()) {
        if (row->property("title").toString() == title &&
            row->property("address").toString().startsWith(QStringLiteral("05")) == session) {
            return row;
        }
    }
    return nullptr;
}

// The chat's delegate of message `id` (when it is in view).
QQuickItem* bubbleOf(AppWindow& app, qint64 id) {
    QQuickItem* list = find(app, "messageList");
    const auto* content = list->property("contentItem").value<QQuickItem*>();
    for (QQuickItem* row : content->childItems()) {
        if (row->property("messageId").toLongLong() == id && row->isVisible()) {
            return row;
        }
    }
    return nullptr;
}

// Image.Ready (QQuickImageBase::Status).
constexpr int kImageReady = 1;

int imageStatus(QQuickItem* image) {
    return image != nullptr ? image->property("status").toInt() : -1;
}

// A PNG of coloured noise over a gradient: it does not compress, so it is not small.
QString writeNoisyPng(const QString& path, int width, int height) {
    QImage image(width, height, QImage::Format_RGB32);
    auto* random = QRandomGenerator::global();
    for (int y = 0; y < height; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const int noise = static_cast<int>(random->bounded(96));
            line[x] = qRgb((x * 255 / width + noise) % 256, (y * 255 / height + noise) % 256,
                           (160 + noise) % 256);
        }
    }
    image.save(path, "PNG");
    return path;
}

QByteArray randomBytes(qsizetype size) {
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(bytes.data()),
                                          bytes.size() / 4);
    return bytes;
}

// When an Image (QQuickImage) first said it is ready, in ms of `clock`; -1 until then.
class ReadyWatch : public QObject {
    Q_OBJECT

public:
    explicit ReadyWatch(const QElapsedTimer& clock) : clock_(clock) {}
    void watch(QQuickItem* image) {
        if (image == nullptr || image == image_) {
            return;
        }
        image_ = image;
        connect(image, SIGNAL(statusChanged(QQuickImageBase::Status)), this, SLOT(check()));
        check();
    }
    [[nodiscard]] qint64 at() const { return at_; }

private slots:
    void check() {
        if (at_ < 0 && imageStatus(image_) == kImageReady) {
            at_ = clock_.elapsed();
        }
    }

private:
    const QElapsedTimer& clock_;
    QPointer<QQuickItem> image_;
    qint64 at_ = -1;
};

// Stands for the desktop: the file:// URLs the app asks it to open.
class DesktopStandIn : public QObject {
    Q_OBJECT

public:
    QList<QUrl> opened;

public slots:
    void open(const QUrl& url) { opened << url; }
};

}  // namespace

class AttachmentsAppTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QProcess localnet_;
    std::unique_ptr<AppWindow> alice_;
    std::unique_ptr<AppWindow> bob_;

    QString demo() const { return dir_.filePath(QStringLiteral("demo")); }

    void unlock(AppWindow& app, const char* who) {
        QVERIFY(app.load());
        QVERIFY(QTest::qWaitForWindowExposed(app.window()));
        QFile pass(demo() + QStringLiteral("/%1.pass").arg(QLatin1String(who)));
        QVERIFY(pass.open(QIODevice::ReadOnly));
        app.core().unlock(QString::fromUtf8(pass.readLine()).trimmed());
        QVERIFY(
            QTest::qWaitFor([&] { return app.core().state() == AppCore::State::Ready; }, 30000));
        QVERIFY(QTest::qWaitFor([&] { return app.core().connected(); }, 30000));
    }

    void openChat(AppWindow& app, const QString& title) {
        QVERIFY(QTest::qWaitFor([&] { return conversationRow(app, title) != nullptr; }, 10000));
        click(app, conversationRow(app, title));
        QVERIFY(QTest::qWaitFor([&] { return find(app, "composer")->isVisible(); }, 5000));
    }

    // Files as the composer takes them from the file dialog or a drop.
    static void attach(AppWindow& app, const QStringList& paths) {
        QVariantList urls;
        for (const QString& path : paths) {
            urls << QUrl::fromLocalFile(path);
        }
        QVERIFY(QMetaObject::invokeMethod(find(app, "composerPane"), "addFiles",
                                          Q_ARG(QVariant, QVariant(urls))));
    }

private slots:
    void initTestCase() {
        QVERIFY2(tandem::test::startLocalnet(localnet_, dir_.filePath(QStringLiteral("net"))),
                 "tandem-localnet did not become ready");
        QVERIFY(tandem::test::setUpDemoProfiles(
            QStringLiteral(TANDEM_SOURCE_DIR "/scripts/demo-profiles.sh"), demo(),
            dir_.filePath(QStringLiteral("net/network.json"))));
        alice_ = std::make_unique<AppWindow>(demo() + QStringLiteral("/alice"));
        bob_ = std::make_unique<AppWindow>(demo() + QStringLiteral("/bob"));
        unlock(*alice_, "alice");
        unlock(*bob_, "bob");
        openChat(*alice_, QStringLiteral("Bob"));
        openChat(*bob_, QStringLiteral("Alice"));
    }

    void cleanupTestCase() {
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
        bob_.reset();
        alice_.reset();
        localnet_.terminate();
        localnet_.waitForFinished(15000);
    }

    // An image and a file with a caption: the bar while they go up; on bob's side the
    // thumbnail, the image, the card; saved and opened, byte for byte.
    void imageAndFileInSignalMode() {
        AppWindow& alice = *alice_;
        AppWindow& bob = *bob_;
        // Large enough that its download takes a moment even over loopback: the thumbnail is
        // seen before it.
        const QString png = writeNoisyPng(dir_.filePath(QStringLiteral("noise.png")), 2000, 1500);
        QVERIFY(QFileInfo(png).size() > 4 * 1024 * 1024);
        const QByteArray bytes = randomBytes(3 * 1024 * 1024);
        const QString file = dir_.filePath(QStringLiteral("quarterly report (final).bin"));
        tandem::test::writeFile(file, bytes);

        QVERIFY(activate(alice));
        auto* aliceMessages = modelOf<MessageListModel>(alice, "messageList");
        QVERIFY(aliceMessages != nullptr);
        attach(alice, {png, file});
        // Two chips, named; the caption is typed; Send.
        QQuickItem* chip = findVisible(alice, QStringLiteral("attachmentChip1"));
        QVERIFY(chip != nullptr);
        QCOMPARE(findVisibleUnder(chip, QStringLiteral("chipName"))->property("text").toString(),
                 QStringLiteral("quarterly report (final).bin"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                QQuickItem* first = findVisible(alice, QStringLiteral("attachmentChip0"));
                return first != nullptr &&
                       imageStatus(findVisibleUnder(first, QStringLiteral("chipPreview"))) ==
                           kImageReady;
            },
            5000));
        find(alice, "composer")->forceActiveFocus();
        typeText(alice.window(), QStringLiteral("the numbers"));
        shoot(alice, QStringLiteral("attachments-composer"));
        QSignalSpy progress(alice.core().feed(), &tandem::gui::StoreFeed::attachmentProgress);
        click(alice, find(alice, "sendButton"));
        QVERIFY(findVisible(alice, QStringLiteral("attachmentChips")) == nullptr);
        QVERIFY(find(alice, "composer")->property("text").toString().isEmpty());

        // Bob's window is watched from now on: when his image's thumbnail and picture are
        // first ready (each Image's status, as it changes), so the thumbnail is known to have
        // been shown before the picture took its place.
        auto* bobMessages = modelOf<MessageListModel>(bob, "messageList");
        QVERIFY(bobMessages != nullptr);
        QElapsedTimer clock;
        clock.start();
        ReadyWatch thumbReady(clock);
        ReadyWatch fullReady(clock);
        auto* bobRows = find(bob, "messageList")->property("contentItem").value<QQuickItem*>();
        const auto hook = [&] {
            for (QQuickItem* row : bobRows->childItems()) {
                if (row->property("attachment").toMap().value(QStringLiteral("fileName")) ==
                    QStringLiteral("noise.png")) {
                    thumbReady.watch(
                        row->findChild<QQuickItem*>(QStringLiteral("attachmentThumb")));
                    fullReady.watch(row->findChild<QQuickItem*>(QStringLiteral("attachmentImage")));
                }
            }
        };
        connect(bobRows, &QQuickItem::childrenChanged, this, hook);

        // Alice's bubbles: the bar is seen while a file goes up, then both are uploaded.
        bool barSeen = false;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         if (!barSeen && findVisible(alice, QStringLiteral("transferBar"))) {
                             barSeen = true;
                             shoot(alice, QStringLiteral("attachments-uploading"));
                         }
                         const int image = rowOfFile(aliceMessages, QStringLiteral("noise.png"));
                         const int card = rowOfFile(aliceMessages, QFileInfo(file).fileName());
                         return image >= 0 && card >= 0 &&
                                attachmentAt(aliceMessages, image)[QStringLiteral("state")] ==
                                    QStringLiteral("uploaded") &&
                                attachmentAt(aliceMessages, card)[QStringLiteral("state")] ==
                                    QStringLiteral("uploaded");
                     },
                     30000),
                 "the files were not uploaded");
        QVERIFY2(barSeen, "no progress bar while uploading");
        QVERIFY(progress.count() >= 1);
        const int captioned = rowOfFile(aliceMessages, QFileInfo(file).fileName());
        QCOMPARE(aliceMessages->data(aliceMessages->index(captioned), MessageListModel::BodyRole)
                     .toString(),
                 QStringLiteral("the numbers"));
        QTest::qWait(200);
        shoot(alice, QStringLiteral("attachments-sent"));

        // Bob: the thumbnail first, the picture once the file is in; the card of the other.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return rowOfFile(bobMessages, QStringLiteral("noise.png")) >= 0 &&
                                rowOfFile(bobMessages, QFileInfo(file).fileName()) >= 0;
                     },
                     30000),
                 "the files did not reach bob");
        // In the order alice chose them, whichever upload ended first.
        QCOMPARE(rowOfFile(bobMessages, QStringLiteral("noise.png")) <
                     rowOfFile(bobMessages, QFileInfo(file).fileName()),
                 rowOfFile(aliceMessages, QStringLiteral("noise.png")) <
                     rowOfFile(aliceMessages, QFileInfo(file).fileName()));
        const qint64 imageId =
            bobMessages
                ->data(bobMessages->index(rowOfFile(bobMessages, QStringLiteral("noise.png"))),
                       MessageListModel::MessageIdRole)
                .toLongLong();
        const qint64 fileId =
            bobMessages
                ->data(bobMessages->index(rowOfFile(bobMessages, QFileInfo(file).fileName())),
                       MessageListModel::MessageIdRole)
                .toLongLong();
        QQuickItem* imageBubble = nullptr;
        QVERIFY(QTest::qWaitFor([&] { return (imageBubble = bubbleOf(bob, imageId)) != nullptr; },
                                5000));
        QQuickItem* thumb = imageBubble->findChild<QQuickItem*>(QStringLiteral("attachmentThumb"));
        QQuickItem* full = imageBubble->findChild<QQuickItem*>(QStringLiteral("attachmentImage"));
        QVERIFY(thumb != nullptr && full != nullptr);
        QVERIFY2(QTest::qWaitFor([&] { return imageStatus(full) == kImageReady; }, 30000),
                 "the image did not show in bob's window");
        disconnect(bobRows, &QQuickItem::childrenChanged, this, nullptr);
        QVERIFY2(thumbReady.at() >= 0, "no thumbnail was shown");
        QVERIFY2(thumbReady.at() < fullReady.at(),
                 qPrintable(QStringLiteral("the thumbnail (at %1 ms) did not come before the "
                                           "picture (at %2 ms)")
                                .arg(thumbReady.at())
                                .arg(fullReady.at())));
        QVERIFY(!thumb->isVisible());  // the picture took its place
        // Shown at most 320 px a side, its shape kept (2000 × 1500).
        QCOMPARE(qRound(full->width()), 320);
        QCOMPARE(qRound(full->height()), 240);
        QCOMPARE(attachmentAt(
                     bobMessages,
                     rowOfFile(bobMessages, QStringLiteral("noise.png")))[QStringLiteral("state")],
                 QStringLiteral("downloaded"));

        QQuickItem* fileBubble = bubbleOf(bob, fileId);
        QVERIFY(fileBubble != nullptr);
        QQuickItem* card = findVisibleUnder(fileBubble, QStringLiteral("fileCard"));
        QVERIFY(card != nullptr);
        QCOMPARE(findVisibleUnder(card, QStringLiteral("fileName"))->property("text").toString(),
                 QFileInfo(file).fileName());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return findVisibleUnder(card, QStringLiteral("transferText"))
                           ->property("text")
                           .toString() == QStringLiteral("3.0 MB");
            },
            30000));
        QCOMPARE(findVisibleUnder(fileBubble, QStringLiteral("caption"))->property("text"),
                 QStringLiteral("the numbers"));
        QVERIFY(findVisibleUnder(card, QStringLiteral("saveButton")) != nullptr);
        QTest::qWait(200);
        shoot(bob, QStringLiteral("attachments-received"));

        // The list says what came last: the clip, and the caption or else the file's name
        // (the two uploads race: either may have been sent last).
        auto* bobList = modelOf<ConversationListModel>(bob, "conversationList");
        const QString last =
            bobMessages->data(bobMessages->index(0), MessageListModel::BodyRole).toString();
        const QString preview =
            QStringLiteral("📎 ") + (last.isEmpty() ? QStringLiteral("noise.png") : last);
        QVERIFY(QTest::qWaitFor(
            [&] {
                const int row = bobList->rowOfAddress(alice.core().myAddress());
                return row >= 0 &&
                       bobList->data(bobList->index(row), ConversationListModel::LastTextRole)
                               .toString() == preview;
            },
            5000));

        // Bob's window was not in front: the notification tells of a file.
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QString text = bob.notifier()->lastNotification().text;
                return text == QStringLiteral("📎 the numbers") ||
                       text == QStringLiteral("📎 noise.png");
            },
            5000));

        // Save as…: what the dialog's Save calls, with the path chosen.
        auto* actions =
            bob.window()->findChild<AttachmentActions*>(QStringLiteral("attachmentActions"));
        QVERIFY(actions != nullptr);
        QSignalSpy saved(actions, &AttachmentActions::saved);
        QSignalSpy failed(actions, &AttachmentActions::failed);
        const QString out = dir_.filePath(QStringLiteral("saved/report.bin"));
        QVERIFY(QDir().mkpath(QFileInfo(out).path()));
        QVERIFY(QMetaObject::invokeMethod(actions, "save", Q_ARG(qint64, fileId),
                                          Q_ARG(QUrl, QUrl::fromLocalFile(out))));
        QVERIFY2(QTest::qWaitFor([&] { return !saved.isEmpty() || !failed.isEmpty(); }, 15000),
                 "saving did not finish");
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
        QCOMPARE(tandem::test::readFile(out), bytes);
        QVERIFY(QTest::qWaitFor(
            [&] {
                // A popup: a QObject of the window, not one of its items.
                auto* notice = bob.window()->findChild<QObject*>(QStringLiteral("fileNotice"));
                return notice != nullptr && notice->property("visible").toBool() &&
                       notice->property("message").toString() ==
                           QStringLiteral("Saved to %1").arg(out);
            },
            5000));

        // Open: decrypted into the private folder (only the user can enter it), then handed
        // to the desktop — here a stand-in.
        DesktopStandIn desktop;
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &desktop, "open");
        QSignalSpy opened(actions, &AttachmentActions::opened);
        QVERIFY(QMetaObject::invokeMethod(actions, "open", Q_ARG(qint64, imageId),
                                          Q_ARG(QString, QStringLiteral("noise.png"))));
        QVERIFY(QTest::qWaitFor([&] { return !opened.isEmpty() || failed.size() > 0; }, 15000));
        QVERIFY(failed.isEmpty());
        QCOMPARE(desktop.opened.size(), 1);
        const QString openedPath = desktop.opened.first().toLocalFile();
        QCOMPARE(QFileInfo(openedPath).fileName(), QStringLiteral("noise.png"));
        QCOMPARE(tandem::test::readFile(openedPath), tandem::test::readFile(png));
        const QString folder = bob.core().openedFilesFolder();
        QVERIFY(openedPath.startsWith(folder + u'/'));
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                QFileDevice::WriteOther | QFileDevice::ExeOther;
        QCOMPARE(QFileInfo(folder).permissions() & others, QFileDevice::Permissions());
        QVERIFY(QFileInfo(folder).permissions().testFlags(
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        // A program is not opened from the chat.
        QVERIFY(QMetaObject::invokeMethod(actions, "open", Q_ARG(qint64, fileId),
                                          Q_ARG(QString, QStringLiteral("setup.sh"))));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(desktop.opened.size(), 1);
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));

        // The image, large.
        click(bob, full);
        QQuickItem* viewer = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                viewer = findVisible(bob, QStringLiteral("viewerImage"));
                return imageStatus(viewer) == kImageReady;
            },
            10000));
        QTest::qWait(300);
        shoot(bob, QStringLiteral("attachments-viewer"));
        click(bob, findVisible(bob, QStringLiteral("viewerClose")));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(bob, QStringLiteral("viewerImage")) == nullptr; }, 5000));
    }

    // Over 100 MiB: the core says no before reading a byte; the user sees why; nothing goes.
    void aFileTooLargeIsRefused() {
        AppWindow& alice = *alice_;
        QVERIFY(activate(alice));
        const QString huge = dir_.filePath(QStringLiteral("huge.iso"));
        QFile sparse(huge);
        QVERIFY(sparse.open(QIODevice::WriteOnly));
        QVERIFY(sparse.resize(100LL * 1024 * 1024 + 1));
        sparse.close();
        auto* messages = modelOf<MessageListModel>(alice, "messageList");
        const int before = messages->count();
        QSignalSpy refused(&alice.core(), &AppCore::sendFailed);
        attach(alice, {huge});
        QVERIFY(findVisible(alice, QStringLiteral("attachmentChip0")) != nullptr);
        click(alice, find(alice, "sendButton"));
        QVERIFY2(QTest::qWaitFor([&] { return !refused.isEmpty(); }, 10000), "not refused");
        QQuickItem* banner = find(alice, "problemBanner");
        QVERIFY(QTest::qWaitFor([&] { return banner->isVisible(); }, 5000));
        QCOMPARE(banner->property("text").toString(), refused.first().first().toString());
        QVERIFY(!banner->property("text").toString().isEmpty());
        shoot(alice, QStringLiteral("attachments-too-large"));
        QTest::qWait(500);
        QCOMPARE(messages->count(), before);
        QCOMPARE(rowOfFile(messages, QStringLiteral("huge.iso")), -1);
    }

    // Session mode: the image goes through onion paths.
    void anImageInSessionMode() {
        AppWindow& alice = *alice_;
        AppWindow& bob = *bob_;
        for (AppWindow* w : {&alice, &bob}) {
            w->core().setMode(QStringLiteral("session"));
            QVERIFY(QTest::qWaitFor([&] { return w->core().connected(); }, 30000));
        }
        openChat(alice, QStringLiteral("Bob"));
        openChat(bob, QStringLiteral("Alice"));
        QVERIFY(activate(alice));
        const QString png = writeNoisyPng(dir_.filePath(QStringLiteral("onion.png")), 400, 600);
        attach(alice, {png});
        click(alice, find(alice, "sendButton"));
        auto* bobMessages = modelOf<MessageListModel>(bob, "messageList");
        QVERIFY2(
            QTest::qWaitFor(
                [&] { return rowOfFile(bobMessages, QStringLiteral("onion.png")) >= 0; }, 30000),
            "the image did not reach bob in Session mode");
        // In the Session conversation: nothing of Signal mode's is in it.
        QCOMPARE(rowOfFile(bobMessages, QStringLiteral("noise.png")), -1);
        const qint64 id =
            bobMessages
                ->data(bobMessages->index(rowOfFile(bobMessages, QStringLiteral("onion.png"))),
                       MessageListModel::MessageIdRole)
                .toLongLong();
        QQuickItem* full = nullptr;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         QQuickItem* bubble = bubbleOf(bob, id);
                         full =
                             bubble != nullptr
                                 ? bubble->findChild<QQuickItem*>(QStringLiteral("attachmentImage"))
                                 : nullptr;
                         return imageStatus(full) == kImageReady;
                     },
                     30000),
                 "the image did not show in Session mode");
        QCOMPARE(qRound(full->height()), 320);  // 400 × 600, fitted
        QCOMPARE(qRound(full->width()), 213);
        QTest::qWait(200);
        shoot(bob, QStringLiteral("attachments-session"));
    }
};

QTEST_MAIN(AttachmentsAppTest)
#include "tst_attachments_app.moc"
