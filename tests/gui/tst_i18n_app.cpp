// The app in Simplified Chinese (docs/translations.md). ctest runs it with LANG=zh_CN.UTF-8
// and LANGUAGE=zh_CN and an empty settings folder, so the language is the system's, as a
// user in China gets it. Over tandem-localnet, the demo profiles (alice, bob) and a stranger
// (carol, a message request), on the real QML:
// - every main page (first run, account set-up, unlock, the list and a chat, the menus,
//   Session mode, a message request, contact details, the sticker picker and creator,
//   latency, Share my ID, Settings, About) shows no English source string of
//   tandem_zh_CN.ts where it has a translation, and shows Chinese;
// - what the core says reaches the window translated (a wrong passphrase), and dates and
//   numbers are the locale's (the chat's day separator, the latency table);
// - Settings' language choice switches the window to English and back at once, and is kept
//   in the app's settings file;
// - a screenshot of each page goes to the test artifacts as i18n-zh_CN-<page>.png
//   (docs/screenshots/zh_CN/ holds the ones looked at).
#include <functional>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QLocale>
#include <QProcess>
#include <QQuickItem>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include "qml/app/AppWindow.h"
#include "qml/core/AppCore.h"
#include "qml/ui/Language.h"
#include "tests/gui/QuickDriver.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

using tandem::gui::AppCore;
using tandem::gui::AppWindow;
using tandem::test::click;
using tandem::test::findVisible;

namespace {

QQuickItem* sceneRoot(AppWindow& app) {
    QQuickItem* content = app.window()->contentItem();
    return content->parentItem() != nullptr ? content->parentItem() : content;
}

QObject* findObject(AppWindow& app, const char* name) {
    return app.window()->findChild<QObject*>(QLatin1String(name));
}

bool hasHan(const QString& text) {
    for (const QChar c : text) {
        if (c.script() == QChar::Script_Han) {
            return true;
        }
    }
    return false;
}

// Every text shown now: labels, buttons, fields' placeholders, titles.
QStringList visibleTexts(QQuickItem* item) {
    QStringList out;
    if (!item->isVisible() || item->opacity() <= 0.0) {
        return out;
    }
    for (const char* property : {"text", "placeholderText", "title"}) {
        const QVariant value = item->property(property);
        if (value.typeId() == QMetaType::QString && !value.toString().trimmed().isEmpty()) {
            out << value.toString();
        }
    }
    for (QQuickItem* child : item->childItems()) {
        out << visibleTexts(child);
    }
    return out;
}

// The English sources of the translation that are translated to something else, as patterns
// (%1, %n stand for anything).
struct Sources {
    QList<QRegularExpression> patterns;
    QStringList texts;
};

Sources readSources(const QString& tsFile) {
    Sources sources;
    QFile file(tsFile);
    if (!file.open(QIODevice::ReadOnly)) {
        return sources;
    }
    QXmlStreamReader xml(&file);
    QString source;
    QString translation;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) {
            continue;
        }
        if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation") ||
                   xml.name() == QLatin1String("numerusform")) {
            translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            static const QRegularExpression placeholder(QStringLiteral("%L?\\d+|%n"));
            QString letters = source;
            letters.remove(placeholder);
            letters.remove(QRegularExpression(QStringLiteral("[^A-Za-z]")));
            if (translation.isEmpty() || translation == source || letters.size() < 3) {
                continue;
            }
            QStringList literal = source.split(placeholder);
            for (QString& part : literal) {
                part = QRegularExpression::escape(part);
            }
            sources.patterns << QRegularExpression(
                QStringLiteral("^") + literal.join(QStringLiteral("(.+)")) + QStringLiteral("$"),
                QRegularExpression::DotMatchesEverythingOption);
            sources.texts << source;
        }
    }
    return sources;
}

}  // namespace

class I18nAppTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QProcess localnet_;
    std::unique_ptr<AppWindow> alice_;
    Sources sources_;
    QString carolId_;

    QString demo() const { return dir_.filePath(QStringLiteral("demo")); }
    QString settingsFile() const {
        return dir_.filePath(QStringLiteral("config/tandem/tandem.conf"));
    }

    // The page shows Chinese, and no English source string that has a translation.
    void checkTranslated(AppWindow& app, const QString& page) {
        const QStringList texts = visibleTexts(sceneRoot(app));
        QStringList english;
        int chinese = 0;
        for (const QString& text : texts) {
            chinese += hasHan(text) ? 1 : 0;
            // A mark before a word ("◔ ", "⚠ ") is not part of it.
            QString words = text.trimmed();
            while (!words.isEmpty() && !words.front().isLetterOrNumber() && words.front() != u'(' &&
                   words.front() != u'"') {
                words.remove(0, 1);
            }
            for (qsizetype i = 0; i < sources_.patterns.size(); ++i) {
                if (sources_.patterns[i].match(text).hasMatch() ||
                    sources_.patterns[i].match(words).hasMatch()) {
                    english
                        << QStringLiteral("\"%1\" (source \"%2\")").arg(text, sources_.texts[i]);
                    break;
                }
            }
        }
        QVERIFY2(english.isEmpty(), qPrintable(page + QStringLiteral(" shows English: ") +
                                               english.join(QStringLiteral("; "))));
        QVERIFY2(chinese >= 2, qPrintable(page + QStringLiteral(" shows no Chinese: ") +
                                          texts.join(QStringLiteral(" | "))));
    }

    void shoot(AppWindow& app, const QString& page) {
        // Two frames, so what was just opened is drawn.
        QTest::qWait(300);
        const QImage shot = app.window()->grabWindow();
        QVERIFY(!shot.isNull());
        QVERIFY(shot.save(tandem::test::artifactsDir() + QStringLiteral("/i18n-zh_CN-") + page +
                          QStringLiteral(".png")));
    }

    bool openPopup(AppWindow& app, const char* name) {
        QObject* popup = findObject(app, name);
        if (popup == nullptr || !QMetaObject::invokeMethod(popup, "open")) {
            return false;
        }
        return QTest::qWaitFor([&] { return popup->property("opened").toBool(); }, 5000);
    }

    bool closePopup(AppWindow& app, const char* name) {
        QObject* popup = findObject(app, name);
        if (popup == nullptr || !QMetaObject::invokeMethod(popup, "close")) {
            return false;
        }
        return QTest::qWaitFor([&] { return !popup->property("visible").toBool(); }, 5000);
    }

    QQuickItem* conversationRow(AppWindow& app, const QString& title) {
        return tandem::test::rowWhere(app, "title", title);
    }

private slots:
    void initTestCase() {
        // ctest's environment: the system speaks Simplified Chinese.
        QCOMPARE(QLocale::system().language(), QLocale::Chinese);
        QCOMPARE(tandem::gui::Language::resolve(QStringLiteral("system")), QStringLiteral("zh_CN"));
        // The app's settings file (theme, language) in a folder of its own: nothing chosen.
        qputenv("XDG_CONFIG_HOME", dir_.filePath(QStringLiteral("config")).toUtf8());
        QCoreApplication::setApplicationVersion(QStringLiteral(TANDEM_VERSION));
        sources_ = readSources(
            QStringLiteral(TANDEM_SOURCE_DIR "/resources/translations/tandem_zh_CN.ts"));
        QVERIFY(sources_.patterns.size() > 300);

        QVERIFY2(tandem::test::startLocalnet(localnet_, dir_.filePath(QStringLiteral("net"))),
                 "tandem-localnet did not become ready");
        QVERIFY(tandem::test::setUpDemoProfiles(
            QStringLiteral(TANDEM_SOURCE_DIR "/scripts/demo-profiles.sh"), demo(),
            dir_.filePath(QStringLiteral("net/network.json"))));
        // Something to read in alice's chat with bob.
        const auto sent = tandem::test::demoCtl(
            demo(), QStringLiteral("bob"),
            {QStringLiteral("send"), QStringLiteral("--to"), QStringLiteral("+4915100000001"),
             QStringLiteral("--text"), QStringLiteral("你好，Alice！明天一起吃午饭吗？")},
            60000);
        QVERIFY2(sent.status == 0, qPrintable(sent.err));
        // And a file: its card (type, name, size) in the chat.
        const QString notes = dir_.filePath(QStringLiteral("会议纪要.txt"));
        tandem::test::writeFile(notes, QByteArray(3000, 'x'));
        const auto attached = tandem::test::demoCtl(
            demo(), QStringLiteral("bob"),
            {QStringLiteral("send"), QStringLiteral("--to"), QStringLiteral("+4915100000001"),
             QStringLiteral("--attach"), notes},
            60000);
        QVERIFY2(attached.status == 0, qPrintable(attached.err));
        // A stranger writes to alice in Session mode: a message request.
        tandem::test::writeFile(demo() + QStringLiteral("/carol.pass"), "carol's passphrase\n");
        const auto ctl = [&](const QStringList& args) {
            const auto r = tandem::test::demoCtl(demo(), QStringLiteral("carol"), args, 60000);
            if (r.status != 0) {
                qWarning("tandemctl %s: %s", qPrintable(args.join(u' ')), qPrintable(r.err));
            }
            return r.status;
        };
        QCOMPARE(
            ctl({QStringLiteral("create"), QStringLiteral("--kdf"), QStringLiteral("interactive")}),
            0);
        QCOMPARE(
            ctl({QStringLiteral("init"), QStringLiteral("session"), QStringLiteral("--network"),
                 dir_.filePath(QStringLiteral("net/network.json"))}),
            0);
        QCOMPARE(
            ctl({QStringLiteral("profile"), QStringLiteral("--name"), QStringLiteral("Carol")}), 0);
        carolId_ = tandem::test::demoSessionId(demo(), QStringLiteral("carol"));
        QCOMPARE(ctl({QStringLiteral("send"), QStringLiteral("--to"),
                      tandem::test::demoSessionId(demo(), QStringLiteral("alice")),
                      QStringLiteral("--text"), QStringLiteral("你好，我是 Carol。")}),
                 0);
    }

    void cleanupTestCase() {
        alice_.reset();
        localnet_.terminate();
        localnet_.waitForFinished(15000);
    }

    // The first run: choosing a passphrase, then setting up an account in each mode.
    void firstRunAndAccountSetup() {
        QTemporaryDir profile;
        AppWindow app(profile.path());
        QVERIFY(app.load());
        QVERIFY(QTest::qWaitForWindowExposed(app.window()));
        QCOMPARE(tandem::gui::Language::current(), QStringLiteral("zh_CN"));
        QCOMPARE(QLocale().language(), QLocale::Chinese);
        QCOMPARE(app.window()->title(), QStringLiteral("Tandem"));
        QCOMPARE(findVisible(app, QStringLiteral("welcomeTitle"))->property("text").toString(),
                 QStringLiteral("欢迎使用 Tandem"));
        checkTranslated(app, QStringLiteral("first run"));
        shoot(app, QStringLiteral("first-run"));

        // Too short: AppCore's own words, translated.
        app.core().createProfile(QStringLiteral("short"));
        QVERIFY(QTest::qWaitFor([&] { return hasHan(app.core().error()); }, 5000));
        app.core().createProfile(QStringLiteral("a first run passphrase"));
        QVERIFY(
            QTest::qWaitFor([&] { return app.core().state() == AppCore::State::Ready; }, 30000));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("setupNetwork")) != nullptr; }, 5000));
        findVisible(app, QStringLiteral("setupNetwork"))
            ->setProperty("text", dir_.filePath(QStringLiteral("net/network.json")));
        QVERIFY(QTest::qWaitFor(
            [&] {
                QQuickItem* summary = findVisible(app, QStringLiteral("setupNetworkSummary"));
                return summary != nullptr && hasHan(summary->property("text").toString());
            },
            5000));
        checkTranslated(app, QStringLiteral("account set-up (Signal)"));
        shoot(app, QStringLiteral("account-setup-signal"));

        click(app, findVisible(app, QStringLiteral("sessionModeButton")));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("setupCreateSession")) != nullptr; },
            5000));
        click(app, findVisible(app, QStringLiteral("setupCreateSession")));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("setupWroteItDown")) != nullptr; }, 5000));
        checkTranslated(app, QStringLiteral("account set-up (Session, the phrase)"));
        shoot(app, QStringLiteral("account-setup-session"));
    }

    // The unlock page, and what the core says of a wrong passphrase.
    void unlock() {
        alice_ = std::make_unique<AppWindow>(demo() + QStringLiteral("/alice"));
        AppWindow& app = *alice_;
        QVERIFY(app.load());
        QVERIFY(QTest::qWaitForWindowExposed(app.window()));
        QVERIFY(
            QTest::qWaitFor([&] { return app.core().state() == AppCore::State::Locked; }, 10000));
        app.core().unlock(QStringLiteral("not alice's passphrase"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return app.core().state() == AppCore::State::Locked &&
                       app.core().error() ==
                           QStringLiteral("密码无法打开此配置文件。请检查后重试。");
            },
            30000));
        checkTranslated(app, QStringLiteral("unlock"));
        shoot(app, QStringLiteral("unlock"));
        app.core().unlock(QStringLiteral("alice-demo-passphrase"));
        QVERIFY(
            QTest::qWaitFor([&] { return app.core().state() == AppCore::State::Ready; }, 30000));
        QVERIFY(QTest::qWaitFor([&] { return app.core().connected(); }, 60000));
        app.core().setMode(QStringLiteral("signal"));
    }

    // The list and the chat with bob: his message under the day separator "今天".
    void conversationListAndChat() {
        AppWindow& app = *alice_;
        QVERIFY(
            QTest::qWaitFor([&] { return conversationRow(app, QStringLiteral("Bob")); }, 30000));
        QVERIFY(app.window()->title().contains(QStringLiteral("Signal 模式")));
        click(app, conversationRow(app, QStringLiteral("Bob")));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return visibleTexts(sceneRoot(app))
                    .contains(QStringLiteral("你好，Alice！明天一起吃午饭吗？"));
            },
            30000));
        QVERIFY(QTest::qWaitFor(
            [&] { return visibleTexts(sceneRoot(app)).contains(QStringLiteral("今天")); }, 5000));
        QVERIFY(QTest::qWaitFor(
            [&] { return visibleTexts(sceneRoot(app)).contains(QStringLiteral("会议纪要.txt")); },
            30000));
        checkTranslated(app, QStringLiteral("chat"));
        shoot(app, QStringLiteral("chat"));
    }

    // The header's menu, a chat's timer menu, and Session mode's header with the onion path.
    void menusAndSessionHeader() {
        AppWindow& app = *alice_;
        click(app, findVisible(app, QStringLiteral("menuButton")));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("settingsMenuItem")) != nullptr; }, 5000));
        checkTranslated(app, QStringLiteral("the menu"));
        shoot(app, QStringLiteral("menu"));
        QTest::keyClick(app.window(), Qt::Key_Escape);
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("settingsMenuItem")) == nullptr; }, 5000));

        click(app, findVisible(app, QStringLiteral("timerButton")));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("timerChoice0")) != nullptr; }, 5000));
        checkTranslated(app, QStringLiteral("the timer menu"));
        shoot(app, QStringLiteral("timer-menu"));
        QTest::keyClick(app.window(), Qt::Key_Escape);
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("timerChoice0")) == nullptr; }, 5000));

        app.core().setMode(QStringLiteral("session"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                QQuickItem* path = findVisible(app, QStringLiteral("onionPath"));
                return path != nullptr &&
                       path->property("text").toString().startsWith(
                           QStringLiteral("路径：你 → ")) &&
                       path->property("text").toString().endsWith(QStringLiteral(" → 你的节点群"));
            },
            60000));
        QVERIFY(app.window()->title().contains(QStringLiteral("Session 模式")));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("requestsEntry")) != nullptr; }, 30000));
        checkTranslated(app, QStringLiteral("Session mode"));
        shoot(app, QStringLiteral("session-mode"));

        // The request: its bar in place of the composer.
        click(app, findVisible(app, QStringLiteral("requestsEntry")));
        QQuickItem* row = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                QQuickItem* list = findVisible(app, QStringLiteral("conversationList"));
                const auto* content = list->property("contentItem").value<QQuickItem*>();
                for (QQuickItem* r : content->childItems()) {
                    if (r->property("address").toString() == carolId_) {
                        row = r;
                    }
                }
                return row != nullptr;
            },
            5000));
        click(app, row);
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("acceptRequestButton")) != nullptr; },
            5000));
        checkTranslated(app, QStringLiteral("a message request"));
        shoot(app, QStringLiteral("message-request"));
        click(app, findVisible(app, QStringLiteral("requestsEntry")));  // back to the list
        app.core().setMode(QStringLiteral("signal"));
        QVERIFY(
            QTest::qWaitFor([&] { return conversationRow(app, QStringLiteral("Bob")); }, 10000));
        click(app, conversationRow(app, QStringLiteral("Bob")));
    }

    void contactDetails() {
        AppWindow& app = *alice_;
        // Made when first opened (OnDemand): opened as a user does.
        click(app, findVisible(app, QStringLiteral("detailsButton")));
        QVERIFY(QTest::qWaitFor(
            [&] {
                QObject* popup = findObject(app, "detailsPopup");
                return popup != nullptr && popup->property("opened").toBool();
            },
            5000));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("verifyButton")) != nullptr; }, 10000));
        checkTranslated(app, QStringLiteral("contact details"));
        shoot(app, QStringLiteral("contact-details"));
        QVERIFY(closePopup(app, "detailsPopup"));
    }

    void stickerPickerAndCreator() {
        AppWindow& app = *alice_;
        click(app, findVisible(app, QStringLiteral("stickerButton")));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("stickerGrid")) != nullptr; }, 5000));
        checkTranslated(app, QStringLiteral("sticker picker"));
        shoot(app, QStringLiteral("sticker-picker"));
        QTest::keyClick(app.window(), Qt::Key_Escape);
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("stickerGrid")) == nullptr; }, 5000));

        QVERIFY(openPopup(app, "stickersPopup"));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("stickerCreatorPage")) != nullptr; },
            5000));
        checkTranslated(app, QStringLiteral("sticker creator"));
        shoot(app, QStringLiteral("sticker-creator"));
        QVERIFY(closePopup(app, "stickersPopup"));
    }

    // Probes through both transports: the table's figures and the charts' axes.
    void latency() {
        AppWindow& app = *alice_;
        QVERIFY(app.core().runProbes(4, 0, 100));
        QVERIFY(QTest::qWaitFor([&] { return !app.core().probing(); }, 120000));
        QVERIFY(openPopup(app, "latencyPopup"));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("latencySummary")) != nullptr; }, 5000));
        QVERIFY(visibleTexts(sceneRoot(app)).contains(QStringLiteral("p50（毫秒）")));
        checkTranslated(app, QStringLiteral("latency"));
        shoot(app, QStringLiteral("latency"));
        QVERIFY(closePopup(app, "latencyPopup"));
    }

    void shareMyId() {
        AppWindow& app = *alice_;
        // Made when first opened (OnDemand): from the menu, as a user does.
        click(app, findVisible(app, QStringLiteral("menuButton")));
        QQuickItem* share = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                return (share = findVisible(app, QStringLiteral("shareIdMenuItem"))) != nullptr;
            },
            5000));
        click(app, share);
        QVERIFY(QTest::qWaitFor(
            [&] {
                QObject* popup = findObject(app, "shareIdDialog");
                return popup != nullptr && popup->property("opened").toBool();
            },
            5000));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("shareLink_signal")) != nullptr; },
            10000));
        checkTranslated(app, QStringLiteral("Share my ID"));
        shoot(app, QStringLiteral("share-my-id"));
        QVERIFY(closePopup(app, "shareIdDialog"));
    }

    void settingsAndAbout() {
        AppWindow& app = *alice_;
        QVERIFY(openPopup(app, "settingsPopup"));
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("language_system")) != nullptr; }, 5000));
        QVERIFY(findVisible(app, QStringLiteral("language_system"))->property("checked").toBool());
        checkTranslated(app, QStringLiteral("settings"));
        shoot(app, QStringLiteral("settings"));
        // The rest of the page: the language, the passphrase, the folder, About.
        QQuickItem* about = findVisible(app, QStringLiteral("aboutButton"));
        QVERIFY(about != nullptr);
        for (QQuickItem* item = about; item != nullptr; item = item->parentItem()) {
            if (item->inherits("QQuickFlickable")) {
                item->setProperty("contentY",
                                  item->property("contentHeight").toReal() - item->height());
                break;
            }
        }
        shoot(app, QStringLiteral("settings-end"));
        click(app, about);
        QVERIFY(QTest::qWaitFor(
            [&] { return findVisible(app, QStringLiteral("aboutLicence")) != nullptr; }, 5000));
        const QStringList texts = visibleTexts(sceneRoot(app));
        QVERIFY(texts.contains(QStringLiteral("Tandem " TANDEM_VERSION)));
        // The dialog's standard button, in Qt's own translation.
        QVERIFY2(texts.contains(QStringLiteral("关闭")), qPrintable(texts.join(u'|')));
        checkTranslated(app, QStringLiteral("About"));
        shoot(app, QStringLiteral("about"));
        QVERIFY(closePopup(app, "aboutDialog"));
    }

    // English, then Chinese again, from Settings: at once, and kept.
    void languageChoiceSwitches() {
        AppWindow& app = *alice_;
        click(app, findVisible(app, QStringLiteral("language_en")));
        QVERIFY(QTest::qWaitFor(
            [&] { return app.window()->title().contains(QStringLiteral("Signal mode")); }, 5000));
        QCOMPARE(QLocale().language(), QLocale::English);
        QVERIFY(visibleTexts(sceneRoot(app)).contains(QStringLiteral("Settings")));
        QVERIFY(!visibleTexts(sceneRoot(app)).contains(QStringLiteral("设置")));
        QCOMPARE(QSettings(settingsFile(), QSettings::IniFormat)
                     .value(QStringLiteral("appearance/language"))
                     .toString(),
                 QStringLiteral("en"));
        shoot(app, QStringLiteral("settings-english"));

        click(app, findVisible(app, QStringLiteral("language_zh_CN")));
        QVERIFY(QTest::qWaitFor(
            [&] { return app.window()->title().contains(QStringLiteral("Signal 模式")); }, 5000));
        QCOMPARE(QLocale().language(), QLocale::Chinese);
        QVERIFY(visibleTexts(sceneRoot(app)).contains(QStringLiteral("设置")));
        QCOMPARE(QSettings(settingsFile(), QSettings::IniFormat)
                     .value(QStringLiteral("appearance/language"))
                     .toString(),
                 QStringLiteral("zh_CN"));
        checkTranslated(app, QStringLiteral("settings, Chinese again"));

        click(app, findVisible(app, QStringLiteral("language_system")));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return !QSettings(settingsFile(), QSettings::IniFormat)
                            .contains(QStringLiteral("appearance/language"));
            },
            5000));
        QCOMPARE(tandem::gui::Language::current(), QStringLiteral("zh_CN"));
        QVERIFY(closePopup(app, "settingsPopup"));
    }
};

QTEST_MAIN(I18nAppTest)
#include "tst_i18n_app.moc"
