// Stickers in the real app, end to end: tandem-localnet and the demo profiles alice and bob
// (as tst_app_e2e sets them up), two windows on the real QML, driven through the UI.
// - The picker lists the built-in packs; a sticker clicked there is a sticker message in
//   alice's chat, and in bob's, where the animated one plays (its frame moves on).
// - A lone emoji typed in the composer shows the stickers with it; a click sends one.
// - The creator: PNGs written here become tiles, each given an emoji (typed as an input
//   method commits it), a title; Publish shows the link and where it went.
// - Bob opens that link (as the command line hands it over): the preview shows the pack's
//   title and count, and Install puts it in his picker.
// Screenshots are kept as test artifacts.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QInputMethodEvent>
#include <QPainter>
#include <QProcess>
#include <QQuickItem>
#include <QTemporaryDir>
#include <QTest>

#include "qml/app/AppWindow.h"
#include "qml/chat/MessageListModel.h"
#include "qml/core/AppCore.h"
#include "qml/stickers/StickerCreator.h"
#include "qml/stickers/StickerPacksModel.h"
#include "qml/stickers/StickerView.h"
#include "tests/gui/QuickDriver.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

using tandem::gui::AppCore;
using tandem::gui::AppWindow;
using tandem::gui::MessageListModel;
using tandem::gui::StickerCreator;
using tandem::gui::StickerView;

using tandem::test::activate;
using tandem::test::click;
using tandem::test::findVisible;
using tandem::test::shoot;
using tandem::test::typeText;

namespace {

QQuickItem* find(AppWindow& app, const char* name) {
    return app.window()->findChild<QQuickItem*>(QLatin1String(name));
}

// Text as an input method commits it (how an emoji picker or IME types an emoji).
void commitText(QQuickItem* field, const QString& text) {
    field->forceActiveFocus();
    QInputMethodEvent event;
    event.setCommitString(text);
    QCoreApplication::sendEvent(field, &event);
}

template <class Model>
Model* modelOf(AppWindow& app, const char* view) {
    QQuickItem* list = find(app, view);
    return list != nullptr ? qobject_cast<Model*>(list->property("model").value<QObject*>())
                           : nullptr;
}

bool newestIsSticker(AppWindow& app) {
    auto* model = modelOf<MessageListModel>(app, "messageList");
    return model != nullptr && model->count() > 0 &&
           model->data(model->index(0), MessageListModel::StickerRole).toBool();
}

QQuickItem* conversationRow(AppWindow& app, const QString& title) {
    return tandem::test::rowWhere(app, "title", title);
}

// The StickerView of the newest message (row 0 is the bottom delegate of the chat).
StickerView* newestStickerView(AppWindow& app) {
    QQuickItem* list = find(app, "messageList");
    const auto* content = list->property("contentItem").value<QQuickItem*>();
    for (QQuickItem* row : content->childItems()) {
        if (row->property("index").toInt() == 0 && row->property("sticker").toBool()) {
            return row->findChild<StickerView*>(QStringLiteral("stickerImage"));
        }
    }
    return nullptr;
}

QString writePng(const QString& path, QColor colour) {
    QImage image(300, 200, QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(colour);
    p.drawRoundedRect(QRectF(10, 10, 280, 180), 40, 40);
    p.end();
    image.save(path, "PNG");
    return path;
}

}  // namespace

class StickersAppTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QProcess localnet_;
    std::unique_ptr<AppWindow> alice_;
    std::unique_ptr<AppWindow> bob_;
    QString link_;

    QString demo() const { return dir_.filePath(QStringLiteral("demo")); }

    void unlock(AppWindow& app, const char* who) {
        QVERIFY(app.load());
        QVERIFY(QTest::qWaitForWindowExposed(app.window()));
        QFile pass(demo() + QStringLiteral("/%1.pass").arg(QLatin1String(who)));
        QVERIFY(pass.open(QIODevice::ReadOnly));
        app.core().unlock(QString::fromUtf8(pass.readLine()).trimmed());
        QVERIFY(
            QTest::qWaitFor([&] { return app.core().state() == AppCore::State::Ready; }, 30000));
        QVERIFY(QTest::qWaitFor([&] { return app.core().connected(); }, 60000));
    }

    void openChat(AppWindow& app, const QString& title) {
        QVERIFY(QTest::qWaitFor([&] { return conversationRow(app, title) != nullptr; }, 10000));
        click(app, conversationRow(app, title));
        QVERIFY(QTest::qWaitFor([&] { return find(app, "composer")->isVisible(); }, 5000));
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
    }

    void cleanupTestCase() {
        bob_.reset();
        alice_.reset();
        localnet_.terminate();
        localnet_.waitForFinished(15000);
    }

    // The picker lists the built-in packs; a click sends; bob's copy plays.
    void pickerSendsAStickerThatPlays() {
        AppWindow& alice = *alice_;
        AppWindow& bob = *bob_;
        QVERIFY(activate(alice));
        click(alice, find(alice, "stickerButton"));
        QQuickItem* picker = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] { return (picker = findVisible(alice, QStringLiteral("stickerGrid"))) != nullptr; },
            5000));
        // Two tabs at least, one per built-in pack (after the recent tab).
        QQuickItem* tabs = findVisible(alice, QStringLiteral("stickerTabs"));
        QVERIFY(tabs != nullptr);
        QVERIFY(QTest::qWaitFor([&] { return tabs->property("count").toInt() >= 2; }, 10000));
        // The animated pack: the one whose first sticker has more than one frame.
        QQuickItem* cell = nullptr;
        for (int tab = 0; tab < tabs->property("count").toInt(); ++tab) {
            QQuickItem* tile = nullptr;
            QVERIFY(QTest::qWaitFor(
                [&] {
                    return (tile = findVisible(alice, QStringLiteral("stickerTab%1").arg(tab))) !=
                           nullptr;
                },
                5000));
            click(alice, tile);
            const QString pack = tile->property("packId").toString();
            StickerView* view = nullptr;
            QVERIFY(QTest::qWaitFor(
                [&] {
                    cell = findVisible(alice, QStringLiteral("stickerCell0"));
                    view = cell != nullptr ? cell->findChild<StickerView*>() : nullptr;
                    return view != nullptr && view->packId() == pack;
                },
                5000));
            QVERIFY(QTest::qWaitFor([&] { return view->loaded(); }, 5000));
            if (view->frameCount() > 1) {
                break;
            }
        }
        shoot(alice, QStringLiteral("stickers-picker"));
        click(alice, cell);
        QVERIFY(QTest::qWaitFor([&] { return newestIsSticker(alice); }, 10000));

        openChat(bob, QStringLiteral("Alice"));
        QVERIFY2(QTest::qWaitFor([&] { return newestIsSticker(bob); }, 60000),
                 "the sticker did not reach bob");
        StickerView* shown = nullptr;
        QVERIFY(QTest::qWaitFor([&] { return (shown = newestStickerView(bob)) != nullptr; }, 5000));
        QVERIFY(QTest::qWaitFor([&] { return shown->loaded(); }, 10000));
        QVERIFY(shown->frameCount() > 1);
        QVERIFY(shown->playing());
        const int first = shown->currentFrame();
        QVERIFY(QTest::qWaitFor([&] { return shown->currentFrame() != first; }, 5000));
        shoot(bob, QStringLiteral("stickers-chat"));
    }

    // A lone emoji in the composer: the stickers with it, above the field; a click sends.
    void aLoneEmojiSuggestsStickers() {
        AppWindow& alice = *alice_;
        QVERIFY(activate(alice));
        auto* messages = modelOf<MessageListModel>(alice, "messageList");
        const int before = messages->count();
        QQuickItem* composer = find(alice, "composer");
        commitText(composer, QStringLiteral("👍"));
        QCOMPARE(composer->property("text").toString(), QStringLiteral("👍"));
        QQuickItem* first = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                first = findVisible(alice, QStringLiteral("suggestion0"));
                return first != nullptr &&
                       first->property("emoji").toString() == QStringLiteral("👍");
            },
            5000));
        QVERIFY(findVisible(alice, QStringLiteral("suggestion1")) !=
                nullptr);  // both packs have one
        shoot(alice, QStringLiteral("stickers-suggestions"));
        click(alice, first);
        QVERIFY(QTest::qWaitFor([&] { return messages->count() == before + 1; }, 10000));
        QVERIFY(newestIsSticker(alice));
        QVERIFY(composer->property("text").toString().isEmpty());
        // Text with the emoji is no lone emoji: no suggestions.
        commitText(composer, QStringLiteral("ok 👍"));
        QTest::qWait(300);
        QVERIFY(findVisible(alice, QStringLiteral("stickerSuggestions")) == nullptr);
        composer->setProperty("text", QString());
    }

    // The creator, from images to a published link.
    void creatorPublishesAPack() {
        AppWindow& alice = *alice_;
        QVERIFY(activate(alice));
        click(alice, find(alice, "menuButton"));
        QQuickItem* entry = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                return (entry = findVisible(alice, QStringLiteral("stickersMenuItem"))) !=
                           nullptr &&
                       entry->opacity() == 1.0;
            },
            5000));
        click(alice, entry);
        QQuickItem* page = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                return (page = findVisible(alice, QStringLiteral("stickerCreatorPage"))) != nullptr;
            },
            5000));
        auto* creator = page->findChild<StickerCreator*>(QStringLiteral("stickerCreator"));
        QVERIFY(creator != nullptr);
        // What the file dialog hands over.
        QList<QUrl> files;
        const QColor colours[] = {QColor("#e0457b"), QColor("#3a86ff"), QColor("#2ec4b6")};
        for (int i = 0; i < 3; ++i) {
            files << QUrl::fromLocalFile(
                writePng(dir_.filePath(QStringLiteral("s%1.png").arg(i)), colours[i]));
        }
        creator->drafts()->addFiles(files);
        QVERIFY(QTest::qWaitFor([&] { return !creator->drafts()->encoding(); }, 30000));
        QCOMPARE(creator->drafts()->count(), 3);
        const QString emojis[] = {QStringLiteral("😀"), QStringLiteral("🎉"), QStringLiteral("🐱")};
        for (int i = 0; i < 3; ++i) {
            QQuickItem* tile = findVisible(alice, QStringLiteral("stickerTile%1").arg(i));
            QVERIFY(tile != nullptr);
            QQuickItem* field = tile->findChild<QQuickItem*>(QStringLiteral("emojiField"));
            QVERIFY(field != nullptr);
            commitText(field, emojis[i]);
        }
        QVERIFY(creator->drafts()->complete());
        QVERIFY(!creator->canPublish());  // no title yet
        find(alice, "packTitle")->forceActiveFocus();
        typeText(alice.window(), QStringLiteral("Test Shapes"));
        QVERIFY(creator->canPublish());
        click(alice, find(alice, "publishButton"));
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return creator->state() != StickerCreator::State::Publishing &&
                                creator->state() != StickerCreator::State::Editing;
                     },
                     120000),
                 "publishing did not finish");
        QVERIFY2(creator->state() == StickerCreator::State::Published,
                 qPrintable(creator->error()));
        link_ = creator->link();
        QVERIFY(link_.startsWith(QStringLiteral("tandem://stickers/#pack_id=")));
        QCOMPARE(find(alice, "packLink")->property("text").toString(), link_);
        QVERIFY(creator->publishedTo().contains(QStringLiteral("Signal mode")));
        QVERIFY(!creator->qr().isEmpty());
        QTest::qWait(300);
        shoot(alice, QStringLiteral("stickers-creator"));
    }

    // The link, as the command line hands it over: a preview, then Install.
    void aLinkPreviewsAndInstalls() {
        QVERIFY(!link_.isEmpty());
        AppWindow& bob = *bob_;
        QVERIFY(activate(bob));
        bob.core().setLinkAtStart(link_);
        QQuickItem* title = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                title = findVisible(bob, QStringLiteral("installTitle"));
                return title != nullptr &&
                       title->property("text").toString() == QLatin1String("Test Shapes");
            },
            60000));
        QVERIFY(findVisible(bob, QStringLiteral("installDetails"))
                    ->property("text")
                    .toString()
                    .contains(QStringLiteral("3")));
        shoot(bob, QStringLiteral("stickers-install"));
        click(bob, findVisible(bob, QStringLiteral("installButton")));
        tandem::gui::StickerPacksModel packs;
        packs.setFeed(bob.core().feed());
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (int i = 0; i < packs.rowCount(); ++i) {
                    if (packs.data(packs.index(i), tandem::gui::StickerPacksModel::TitleRole) ==
                        QStringLiteral("Test Shapes")) {
                        return true;
                    }
                }
                return false;
            },
            60000));
        // A malformed link is said to be one.
        bob.core().setLinkAtStart(QStringLiteral("tandem://stickers/#pack_id=zz"));
        QQuickItem* error = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                return (error = findVisible(bob, QStringLiteral("installError"))) != nullptr &&
                       !error->property("text").toString().isEmpty();
            },
            5000));
    }
};

QTEST_MAIN(StickersAppTest)
#include "tst_stickers_app.moc"
