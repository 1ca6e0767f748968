// What others send is data: text and names that look like HTML are shown as they were written,
// and nothing in them makes the app fetch anything (in Session mode a fetched image would hand
// the recipient's IP address to the sender, past the onion network).
//
// - everyTextElementIsPlain: a check over the QML sources. Every Text, Label, TextEdit and
//   TextArea says `textFormat: …PlainText`, and the controls whose text is drawn by an
//   IconLabel (buttons, menu items, delegates, tool tips: AutoText, so rich when the text looks
//   like HTML) take only literal texts.
// - hostileTextInBothModes: the real app over tandem-localnet. A third profile, mallory, sends
//   alice HTML-looking messages in Signal and in Session mode, and alice's contacts for mallory
//   carry HTML-looking names. A local HTTP server stands where the messages point. Alice's
//   window shows the list, the conversation and the contact details: every text item that
//   holds one of those strings is plain text, the server sees no request, and the notification
//   body is escaped for the desktop's markup. Screenshots are kept.
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QQuickItem>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "qml/app/AppWindow.h"
#include "qml/app/Notifier.h"
#include "qml/core/AppCore.h"
#include "tests/gui/QuickDriver.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

using tandem::gui::AppCore;
using tandem::gui::AppWindow;

using tandem::test::click;
using tandem::test::shoot;

namespace {

// ---- the QML sources -------------------------------------------------------------------------

// The source with every comment blanked and every string literal replaced by `_` (newlines
// kept, so line numbers hold): braces and words inside strings then count for nothing.
QString withoutStringsAndComments(const QString& source) {
    QString out;
    out.reserve(source.size());
    for (qsizetype i = 0; i < source.size(); ++i) {
        const QChar c = source[i];
        const QChar next = i + 1 < source.size() ? source[i + 1] : QChar();
        if (c == u'/' && next == u'/') {
            while (i < source.size() && source[i] != u'\n') {
                ++i;
            }
            out += u'\n';
        } else if (c == u'/' && next == u'*') {
            for (i += 2; i + 1 < source.size() && !(source[i] == u'*' && source[i + 1] == u'/');
                 ++i) {
                if (source[i] == u'\n') {
                    out += u'\n';
                }
            }
            ++i;
        } else if (c == u'"' || c == u'\'' || c == u'`') {
            for (++i; i < source.size() && source[i] != c; ++i) {
                if (source[i] == u'\\') {
                    ++i;
                } else if (source[i] == u'\n') {
                    out += u'\n';
                }
            }
            out += u'_';
        } else {
            out += c;
        }
    }
    return out;
}

int lineOf(const QString& text, qsizetype at) {
    return static_cast<int>(text.left(at).count(u'\n')) + 1;
}

// The index of the `}` that closes the `{` at `open`.
qsizetype closingBrace(const QString& text, qsizetype open) {
    int depth = 0;
    for (qsizetype i = open; i < text.size(); ++i) {
        if (text[i] == u'{') {
            ++depth;
        } else if (text[i] == u'}' && --depth == 0) {
            return i;
        }
    }
    return text.size();
}

// The block's own lines: nested objects and functions blanked out.
QString ownLevel(const QString& block) {
    QString out;
    int depth = 0;
    for (const QChar c : block) {
        if (c == u'{') {
            ++depth;
        } else if (c == u'}') {
            --depth;
        } else if (depth == 0) {
            out += c;
        }
    }
    return out;
}

// The expression bound to `name:` in `block`, up to where the binding ends: a `;` or the
// block's `}` outside brackets, or a line end with all brackets closed and no operator left
// hanging at the end of the line or the start of the next.
QString bindingOf(const QString& block, const QString& name) {
    const QRegularExpression start(
        QStringLiteral("(^|[\\s;{])%1\\s*:").arg(QRegularExpression::escape(name)));
    const auto m = start.match(block);
    if (!m.hasMatch()) {
        return {};
    }
    static const QRegularExpression hangingEnd(QStringLiteral("([-+?:,(=]|&&|\\|\\|)\\s*$"));
    static const QRegularExpression hangingStart(QStringLiteral("^\\s*([-+?:.]|&&|\\|\\|)"));
    QString expression;
    int depth = 0;
    for (qsizetype i = m.capturedEnd(); i < block.size(); ++i) {
        const QChar c = block[i];
        if (c == u'(' || c == u'[' || c == u'{') {
            ++depth;
        } else if (c == u')' || c == u']' || c == u'}') {
            if (--depth < 0) {
                break;
            }
        } else if (depth == 0 && c == u';') {
            break;
        } else if (depth == 0 && c == u'\n') {
            const qsizetype nextEnd = block.indexOf(u'\n', i + 1);
            const QString following = block.mid(i + 1, nextEnd < 0 ? -1 : nextEnd - i - 1);
            if (!hangingEnd.match(expression).hasMatch() &&
                !hangingStart.match(following).hasMatch()) {
                break;
            }
        }
        expression += c;
    }
    return expression.simplified();
}

// True when every value the expression can take is a literal: strings are `_` by now, and
// qsTr(_, …) and qsTranslate(_, _, …) (a literal in another file's context) are too; a
// condition may pick between literals.
bool onlyLiterals(QString expression) {
    static const QRegularExpression translated(
        QStringLiteral("(qsTr\\(\\s*_|qsTranslate\\(\\s*_\\s*,\\s*_)[^()]*\\)"));
    expression.replace(translated, QStringLiteral("_"));
    expression.remove(QRegularExpression(QStringLiteral("\\s+")));
    const qsizetype question = expression.indexOf(u'?');
    const QStringList values =
        question < 0 ? QStringList{expression} : expression.mid(question + 1).split(u':');
    for (const QString& value : values) {
        if (value != QLatin1String("_") && value != QLatin1String("(_)")) {
            return false;
        }
    }
    return true;
}

struct QmlProblem {
    QString where;
    QString what;
};

std::vector<QmlProblem> checkQmlFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {{path, QStringLiteral("cannot be read")}};
    }
    const QString text = withoutStringsAndComments(QString::fromUtf8(file.readAll()));
    std::vector<QmlProblem> problems;
    const QString name = path.section(u'/', -1);
    // Elements that draw their text themselves: PlainText, always.
    static const QRegularExpression textElement(
        QStringLiteral("(?<![.\\w])(Text|Label|TextEdit|TextArea)\\s*\\{"));
    // Controls whose text an IconLabel draws (AutoText): literal texts only; data goes into
    // a contentItem that is a plain Label.
    static const QRegularExpression iconLabelControl(QStringLiteral(
        "(?<![.\\w])(Button|ToolButton|TabButton|RoundButton|DelayButton|MenuItem|ItemDelegate|"
        "CheckDelegate|RadioDelegate|SwitchDelegate|SwipeDelegate|CheckBox|RadioButton|Switch|"
        "ToolTip|MenuBarItem|Action)\\s*\\{"));
    for (const auto* pattern : {&textElement, &iconLabelControl}) {
        for (auto it = pattern->globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            const qsizetype open = m.capturedEnd() - 1;
            const QString own = ownLevel(text.mid(open + 1, closingBrace(text, open) - open - 1));
            const QString where = QStringLiteral("%1:%2 (%3)")
                                      .arg(name)
                                      .arg(lineOf(text, m.capturedStart(1)))
                                      .arg(m.captured(1));
            if (pattern == &textElement) {
                static const QRegularExpression plain(
                    QStringLiteral("(^|[\\s;])textFormat\\s*:\\s*(Text|TextEdit)\\.PlainText"));
                if (!plain.match(own).hasMatch()) {
                    problems.push_back({where, QStringLiteral("no textFormat: Text.PlainText")});
                }
            } else if (const QString value = bindingOf(own, QStringLiteral("text"));
                       !value.isEmpty() && !onlyLiterals(value)) {
                problems.push_back({where, QStringLiteral("text from data: ") + value});
            }
        }
    }
    // An attached tool tip is drawn by the style's Text (AutoText): literal texts only.
    static const QRegularExpression attachedToolTip(
        QStringLiteral("(?<![\\w])ToolTip\\.text\\s*:"));
    for (auto it = attachedToolTip.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        const QString value =
            bindingOf(text.mid(m.capturedStart()), QStringLiteral("ToolTip.text"));
        if (!onlyLiterals(value) && value != QLatin1String("Accessible.name")) {
            problems.push_back({QStringLiteral("%1:%2 (ToolTip.text)")
                                    .arg(name)
                                    .arg(lineOf(text, m.capturedStart())),
                                QStringLiteral("text from data: ") + value});
        }
    }
    return problems;
}

// ---- the app ---------------------------------------------------------------------------------

// Counts every connection made to it: nothing the app shows may point it here.
class HttpWatch : public QObject {
public:
    HttpWatch() {
        QVERIFY(server_.listen(QHostAddress::LocalHost, 0));
        QObject::connect(&server_, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = server_.nextPendingConnection()) {
                ++connections_;
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    requests_ += QString::fromLatin1(socket->readLine().trimmed());
                    socket->write("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                    socket->disconnectFromHost();
                });
            }
        });
    }
    [[nodiscard]] QString url(const char* what) const {
        return QStringLiteral("http://127.0.0.1:%1/%2")
            .arg(server_.serverPort())
            .arg(QLatin1String(what));
    }
    [[nodiscard]] int connections() const { return connections_; }
    [[nodiscard]] QStringList requests() const { return requests_; }

private:
    QTcpServer server_;
    int connections_ = 0;
    QStringList requests_;
};

QQuickItem* find(AppWindow& app, const char* name) {
    auto* item = app.window()->findChild<QQuickItem*>(QLatin1String(name));
    if (item == nullptr) {
        qFatal("no item named %s in the window", name);
    }
    return item;
}

struct TextSeen {
    QString type;
    QString text;
    int format = 0;
};

// Every text item in the window (popups included: they sit in the overlay, under the same
// root) whose text holds one of `markers`.
void collectTexts(QQuickItem* item, const QStringList& markers, std::vector<TextSeen>& out) {
    if (item->inherits("QQuickText") || item->inherits("QQuickTextEdit")) {
        const QString text = item->property("text").toString();
        for (const QString& marker : markers) {
            if (text.contains(marker)) {
                out.push_back({QString::fromLatin1(item->metaObject()->className()), text,
                               item->property("textFormat").toInt()});
                break;
            }
        }
    }
    for (QQuickItem* child : item->childItems()) {
        collectTexts(child, markers, out);
    }
}

QQuickItem* conversationRow(AppWindow& app, const QString& address) {
    QQuickItem* list = find(app, "conversationList");
    if (list == nullptr) {
        return nullptr;
    }
    const auto* content = list->property("contentItem").value<QQuickItem*>();
    for (QQuickItem* row : content->childItems()) {
        if (row->property("address").toString() == address) {
            return row;
        }
    }
    return nullptr;
}

}  // namespace

class UntrustedTextTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QProcess localnet_;

    QString demo() const { return dir_.filePath(QStringLiteral("demo")); }
    QString network() const { return dir_.filePath(QStringLiteral("net/network.json")); }

    // tandemctl on a demo profile (its passphrase file is DEMO/WHO.pass); its standard output.
    QByteArray ctl(const QString& who, QStringList args, int* exitCode = nullptr) const {
        QProcess p;
        args = QStringList{QStringLiteral("--profile"), demo() + u'/' + who,
                           QStringLiteral("--passphrase-file"), demo() + u'/' + who + ".pass"} +
               args;
        p.start(tandem::test::binDirOr(QStringLiteral("tandemctl")), args);
        if (!p.waitForFinished(90000)) {
            p.kill();
            p.waitForFinished();
        }
        if (exitCode != nullptr) {
            *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        }
        if (p.exitCode() != 0) {
            qWarning("tandemctl %s: %s", qPrintable(args.mid(4).join(u' ')),
                     p.readAllStandardError().constData());
        }
        return p.readAllStandardOutput();
    }
    QString sessionIdOf(const QString& who) const {
        const auto doc =
            QJsonDocument::fromJson(ctl(who, {QStringLiteral("whoami"), QStringLiteral("--json")}));
        for (const auto& a : doc.object()[QStringLiteral("accounts")].toArray()) {
            if (a.toObject()[QStringLiteral("mode")].toString() == QLatin1String("session")) {
                return a.toObject()[QStringLiteral("session_id")].toString();
            }
        }
        return {};
    }

private slots:
    void everyTextElementIsPlain() {
        QStringList files;
        for (QDirIterator it(QStringLiteral(TANDEM_SOURCE_DIR "/qml"), {QStringLiteral("*.qml")},
                             QDir::Files, QDirIterator::Subdirectories);
             it.hasNext();) {
            files += it.next();
        }
        QVERIFY(files.size() >= 5);
        QStringList problems;
        for (const QString& f : files) {
            for (const QmlProblem& p : checkQmlFile(f)) {
                problems += p.where + QStringLiteral(": ") + p.what;
            }
        }
        for (const QString& p : problems) {
            qWarning("%s", qPrintable(p));
        }
        QVERIFY2(problems.isEmpty(),
                 qPrintable(QStringLiteral("%1 places show text that could be rich (above)")
                                .arg(problems.size())));
    }

    // The checker itself, on sources it must refuse and accept.
    void theCheckerSeesWhatItShould() {
        QTemporaryDir tmp;
        const auto problemsOf = [&](const QByteArray& qml) {
            const QString path = tmp.filePath(QStringLiteral("T.qml"));
            tandem::test::writeFile(path, qml);
            return checkQmlFile(path).size();
        };
        QCOMPARE(problemsOf("Item { Label { text: row.title } }"), std::size_t{1});
        QCOMPARE(problemsOf("Item { Label { text: row.title; Rectangle { } }\n"
                            "  Text { textFormat: Text.RichText } }"),
                 std::size_t{2});
        // A textFormat that belongs to a child does not count for its parent.
        QCOMPARE(problemsOf("Label { text: t\n Text { textFormat: Text.PlainText } }"),
                 std::size_t{1});
        QCOMPARE(problemsOf("Label { text: t; textFormat: Text.PlainText }"), std::size_t{0});
        QCOMPARE(problemsOf("Label { // { Text {\n text: \"} Label {\"\n"
                            " textFormat: Text.PlainText }"),
                 std::size_t{0});
        QCOMPARE(problemsOf("Item { ToolTip.text: contact.name }"), std::size_t{1});
        QCOMPARE(problemsOf("Item { ToolTip.text: qsTr(\"Menu\") }"), std::size_t{0});
        QCOMPARE(problemsOf("Button { text: busy ? qsTr(\"A…\") : qsTr(\"B\") }"), std::size_t{0});
        QCOMPARE(problemsOf("Button { text: qsTr(\"Call %1\").arg(name) }"), std::size_t{1});
        QCOMPARE(problemsOf("MenuItem { text: qsTranslate(\"Chat\", \"Save as\") }"),
                 std::size_t{0});
        QCOMPARE(problemsOf("MenuItem { text: qsTranslate(context, \"Save as\") }"),
                 std::size_t{1});
        QCOMPARE(problemsOf("MenuItem { text: qsTranslate(\"Chat\", name) }"), std::size_t{1});
        QCOMPARE(problemsOf("MenuItem {\n text: busy\n ? qsTr(\"a\")\n : name\n}"), std::size_t{1});
        QCOMPARE(problemsOf("ItemDelegate { text: model.title }"), std::size_t{1});
    }

    void hostileTextInBothModes() {
        QVERIFY2(tandem::test::startLocalnet(localnet_, dir_.filePath(QStringLiteral("net"))),
                 "tandem-localnet did not become ready");
        QVERIFY(tandem::test::setUpDemoProfiles(
            QStringLiteral(TANDEM_SOURCE_DIR "/scripts/demo-profiles.sh"), demo(), network()));
        HttpWatch watch;

        // Mallory: a number and a Session ID of her own.
        tandem::test::writeFile(demo() + QStringLiteral("/mallory.pass"), "mallory passphrase\n");
        int code = 0;
        ctl(QStringLiteral("mallory"),
            {QStringLiteral("create"), QStringLiteral("--kdf"), QStringLiteral("interactive")},
            &code);
        QCOMPARE(code, 0);
        const QString malloryPhone = QStringLiteral("+4915100000066");
        ctl(QStringLiteral("mallory"),
            {QStringLiteral("init"), QStringLiteral("signal"), QStringLiteral("--phone"),
             malloryPhone, QStringLiteral("--network"), network(), QStringLiteral("--share-phone")},
            &code);
        QCOMPARE(code, 0);
        ctl(QStringLiteral("mallory"),
            {QStringLiteral("init"), QStringLiteral("session"), QStringLiteral("--network"),
             network()},
            &code);
        QCOMPARE(code, 0);
        const QString mallorySession = sessionIdOf(QStringLiteral("mallory"));
        const QString aliceSession = sessionIdOf(QStringLiteral("alice"));
        QVERIFY(mallorySession.startsWith(QStringLiteral("05")));

        // Alice saved mallory under names she pasted from somewhere.
        const QString signalName =
            QStringLiteral("<img src=\"%1\">Mallory").arg(watch.url("name-signal.png"));
        const QString sessionName =
            QStringLiteral("<h1>Mal</h1><img src=\"%1\">").arg(watch.url("n.png"));
        ctl(QStringLiteral("alice"),
            {QStringLiteral("add-contact"), malloryPhone, QStringLiteral("--name"), signalName},
            &code);
        QCOMPARE(code, 0);
        ctl(QStringLiteral("alice"),
            {QStringLiteral("add-contact"), mallorySession, QStringLiteral("--name"), sessionName},
            &code);
        QCOMPARE(code, 0);

        // Mallory writes while alice is away: it waits at the relay and in alice's swarm.
        const QStringList texts = {
            QStringLiteral("<img src=\"%1?who=alice\"> hi").arg(watch.url("p.png")),
            QStringLiteral("<h1 style=\"font-size:90px;color:red\">BIG</h1>"
                           "<a href=\"%1\">click</a>")
                .arg(watch.url("link")),
        };
        for (const QString& to : {QStringLiteral("+4915100000001"), aliceSession}) {
            for (const QString& text : texts) {
                ctl(QStringLiteral("mallory"),
                    {QStringLiteral("send"), QStringLiteral("--to"), to, QStringLiteral("--text"),
                     text},
                    &code);
                QCOMPARE(code, 0);
            }
        }

        AppWindow alice(demo() + QStringLiteral("/alice"));
        QVERIFY(alice.load());
        QVERIFY(QTest::qWaitForWindowExposed(alice.window()));
        QFile pass(demo() + QStringLiteral("/alice.pass"));
        QVERIFY(pass.open(QIODevice::ReadOnly));
        alice.core().unlock(QString::fromUtf8(pass.readLine()).trimmed());
        QVERIFY(
            QTest::qWaitFor([&] { return alice.core().state() == AppCore::State::Ready; }, 30000));

        const QStringList markers = {QStringLiteral("<img"), QStringLiteral("<h1"),
                                     QStringLiteral("<a href")};
        for (const auto& [mode, address, name] :
             {std::tuple{QStringLiteral("signal"), malloryPhone, signalName},
              std::tuple{QStringLiteral("session"), mallorySession, sessionName}}) {
            click(alice, find(alice, mode == QLatin1String("signal") ? "signalModeButton"
                                                                     : "sessionModeButton"));
            QCOMPARE(alice.core().mode(), mode);
            QQuickItem* row = nullptr;
            QVERIFY2(QTest::qWaitFor(
                         [&] {
                             row = conversationRow(alice, address);
                             return row != nullptr &&
                                    row->property("lastText").toString() == texts.last();
                         },
                         90000),
                     qPrintable(mode + QStringLiteral(": mallory's messages did not arrive")));
            QCOMPARE(row->property("title").toString(), name);
            click(alice, row);
            QVERIFY(QTest::qWaitFor(
                [&] { return find(alice, "chatTitle")->property("text").toString() == name; },
                5000));
            click(alice, find(alice, "detailsButton"));
            auto* details = alice.window()->findChild<QObject*>(QStringLiteral("detailsPopup"));
            QVERIFY(details != nullptr);
            QVERIFY(QTest::qWaitFor([&] { return details->property("opened").toBool(); }, 5000));
            QTest::qWait(1500);  // time enough for an image load to reach the watch

            std::vector<TextSeen> seen;
            collectTexts(alice.window()->contentItem(), markers, seen);
            QStringList rich;
            for (const TextSeen& s : seen) {
                if (s.format != 0) {  // Text.PlainText and TextEdit.PlainText are 0
                    rich += s.type + QStringLiteral(" format ") + QString::number(s.format) +
                            QStringLiteral(": ") + s.text.left(60);
                }
            }
            // The list's title and preview, the chat's title, both bubbles, the details' title.
            QVERIFY2(seen.size() >= 6, qPrintable(QString::number(seen.size())));
            QVERIFY2(watch.connections() == 0,
                     qPrintable(QStringLiteral("%1 connections to the watch: %2")
                                    .arg(watch.connections())
                                    .arg(watch.requests().join(QStringLiteral(", ")))));
            QVERIFY2(rich.isEmpty(), qPrintable(rich.join(u'\n')));
            shoot(alice, QStringLiteral("untrusted-text-") + mode);
            QTest::keyClick(alice.window(), Qt::Key_Escape);
            QVERIFY(QTest::qWaitFor([&] { return !details->property("visible").toBool(); }, 5000));
        }

        // A notification while alice looks elsewhere: its body is escaped for the desktop's
        // notification markup (Pango: <b>, <a href>, <img src> in some servers).
        QWindow elsewhere;
        elsewhere.resize(100, 100);
        elsewhere.show();
        elsewhere.requestActivate();
        QVERIFY(QTest::qWaitFor([&] { return !alice.window()->isActive(); }, 5000));
        alice.core().setPreviews(true);
        const int before = alice.notifier()->notificationCount();
        ctl(QStringLiteral("mallory"),
            {QStringLiteral("send"), QStringLiteral("--to"), aliceSession, QStringLiteral("--text"),
             QStringLiteral("<b>now</b> & <img src=\"%1\">").arg(watch.url("notify.png"))},
            &code);
        QCOMPARE(code, 0);
        QVERIFY(
            QTest::qWaitFor([&] { return alice.notifier()->notificationCount() > before; }, 60000));
        QCOMPARE(alice.notifier()->lastNotification().text,
                 QStringLiteral("&lt;b&gt;now&lt;/b&gt; &amp; &lt;img src=&quot;%1&quot;&gt;")
                     .arg(watch.url("notify.png")));
        QCOMPARE(alice.notifier()->lastNotification().title, sessionName);  // plain by spec
        QCOMPARE(watch.connections(), 0);

        // Mallory registers again (a new identity key). Alice writes to her: the relay refuses
        // what is sealed for the old key, the app fetches the new one and sends again, and the
        // open chat says that the safety number changed.
        ctl(QStringLiteral("mallory"),
            {QStringLiteral("init"), QStringLiteral("signal"), QStringLiteral("--phone"),
             malloryPhone, QStringLiteral("--network"), network(), QStringLiteral("--share-phone"),
             QStringLiteral("--force")},
            &code);
        QCOMPARE(code, 0);
        alice.window()->requestActivate();
        QVERIFY(QTest::qWaitForWindowActive(alice.window()));
        click(alice, find(alice, "signalModeButton"));
        QQuickItem* row = nullptr;
        QVERIFY(
            QTest::qWaitFor([&] { return (row = conversationRow(alice, malloryPhone)); }, 10000));
        click(alice, row);
        // The banner is made only when it shows.
        QVERIFY(tandem::test::findVisible(alice, QStringLiteral("identityWarning")) == nullptr);
        alice.core().sendText(malloryPhone, QStringLiteral("still you?"));
        QQuickItem* warning = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                return (warning =
                            tandem::test::findVisible(alice, QStringLiteral("identityWarning")));
            },
            30000));
        QVERIFY(warning->property("text").toString().contains(QStringLiteral("safety number")));
        shoot(alice, QStringLiteral("identity-changed"));
        const QByteArray got = ctl(QStringLiteral("mallory"),
                                   {QStringLiteral("receive"), QStringLiteral("--json")}, &code);
        QVERIFY2(got.contains("still you?"), got.constData());
    }

    void cleanupTestCase() {
        localnet_.terminate();
        localnet_.waitForFinished(15000);
    }
};

QTEST_MAIN(UntrustedTextTest)
#include "tst_untrusted_text.moc"
