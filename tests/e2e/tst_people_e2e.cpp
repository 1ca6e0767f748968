// People over the real relay and onion network (docs/people.md), driven through tandemctl as a
// user would: the demo profile alice, and strangers who write to her first. In each mode:
//   - a profile (name and avatar) reaches a contact once accepted, and never a stranger
//     before: the stranger's view of alice stays nameless, and no read receipt reaches them;
//   - a request accepted (the sender then sees alice's profile), deleted (a later message is a
//     new request), blocked (later messages leave nothing: no conversation, no receipt);
//   - unblocking lists nobody as blocked again;
//   - a file sent with a request is fetched only once the request is accepted.
#include <optional>

#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

using namespace tandem;

namespace {

const QString kAlicePhone = QStringLiteral("+4915100000001");
using Run = test::CtlRun;

QJsonObject jsonObject(const QString& out) {
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(out.trimmed().toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        qFatal("not a JSON object: %s", qPrintable(out));
    }
    return doc.object();
}

QString str(const QJsonObject& o, const char* key) {
    return o[QLatin1String(key)].toString();
}

}  // namespace

class PeopleE2eTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QProcess localnet_;
    QElapsedTimer clock_;
    int strangers_ = 0;

    QString demo() const { return dir_.filePath(QStringLiteral("demo")); }
    QString network() const { return dir_.filePath(QStringLiteral("net/network.json")); }

    Run ctl(const QString& who, const QStringList& args, int timeoutMs = 60000) {
        return test::demoCtl(demo(), who, args, timeoutMs);
    }

    Run ok(const QString& who, const QStringList& args) {
        const Run r = ctl(who, args);
        if (r.status != 0) {
            qFatal("tandemctl %s as %s failed (%d): %s", qPrintable(args.join(u' ')),
                   qPrintable(who), r.status, qPrintable(r.err));
        }
        return r;
    }

    // A new profile with an account in both modes, knowing nobody. Its Signal-mode number is
    // not shown to those it writes to.
    QString stranger() {
        const QString who = QStringLiteral("stranger%1").arg(++strangers_);
        QFile pass(dir_.filePath(QStringLiteral("demo/%1.pass").arg(who)));
        if (!pass.open(QIODevice::WriteOnly) || pass.write("a stranger's passphrase\n") <= 0) {
            qFatal("cannot write a passphrase file");
        }
        pass.close();
        ok(who, {QStringLiteral("create"), QStringLiteral("--kdf"), QStringLiteral("interactive")});
        ok(who, {QStringLiteral("init"), QStringLiteral("signal"), QStringLiteral("--phone"),
                 QStringLiteral("+49151000001%1").arg(strangers_, 2, 10, QLatin1Char('0')),
                 QStringLiteral("--network"), network()});
        ok(who, {QStringLiteral("init"), QStringLiteral("session"), QStringLiteral("--network"),
                 network()});
        return who;
    }

    // Where `who` is reached in `mode`: alice by her number, anyone by their Session ID.
    QString addressOf(const QString& who, const QString& mode) {
        if (mode == QLatin1String("signal")) {
            if (who == QLatin1String("alice")) {
                return kAlicePhone;
            }
            const QJsonObject me =
                jsonObject(ok(who, {QStringLiteral("whoami"), QStringLiteral("--json")}).out);
            for (const auto& a : me[QStringLiteral("accounts")].toArray()) {
                if (str(a.toObject(), "mode") == QLatin1String("signal")) {
                    return str(a.toObject(), "account_id");
                }
            }
            qFatal("no Signal account");
        }
        return test::demoSessionId(demo(), who);
    }

    void send(const QString& who, const QString& to, const QString& text) {
        ok(who,
           {QStringLiteral("send"), QStringLiteral("--to"), to, QStringLiteral("--text"), text});
    }
    void receive(const QString& who) {
        ok(who, {QStringLiteral("receive"), QStringLiteral("--wait"), QStringLiteral("2")});
    }

    // `who`'s conversation with `with` as `tandemctl conversations --json` lists it.
    std::optional<QJsonObject> conversation(const QString& who, const QString& with) {
        const QJsonObject all =
            jsonObject(ok(who, {QStringLiteral("conversations"), QStringLiteral("--json")}).out);
        for (const auto& c : all[QStringLiteral("conversations")].toArray()) {
            if (str(c.toObject(), "with") == with) {
                return c.toObject();
            }
        }
        return std::nullopt;
    }

    std::optional<QJsonObject> contact(const QString& who, const QString& address) {
        const QJsonObject all =
            jsonObject(ok(who, {QStringLiteral("contacts"), QStringLiteral("--json")}).out);
        for (const auto& c : all[QStringLiteral("contacts")].toArray()) {
            if (str(c.toObject(), "address") == address) {
                return c.toObject();
            }
        }
        return std::nullopt;
    }

    // The status of the last message `who` sent to `with` ("sent", "delivered", "read").
    QString lastStatus(const QString& who, const QString& with) {
        const Run r = ok(who, {QStringLiteral("history"), QStringLiteral("--with"), with,
                               QStringLiteral("--json")});
        const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
        return lines.isEmpty() ? QString() : str(jsonObject(lines.last()), "status");
    }

    // Where alice finds a stranger's first message: their account id (their number is not
    // shared) or their Session ID.
    QString requestFrom(const QString& stranger, const QString& mode) {
        return addressOf(stranger, mode);
    }

private slots:
    void initTestCase() {
        QElapsedTimer clock;
        clock.start();
        QVERIFY2(test::startLocalnet(localnet_, dir_.filePath(QStringLiteral("net")), 30000,
                                     {QStringLiteral("--link-delay"), QStringLiteral("0")}),
                 "tandem-localnet did not become ready");
        QVERIFY(test::setUpDemoProfiles(
            QStringLiteral(TANDEM_SOURCE_DIR "/scripts/demo-profiles.sh"), demo(), network()));
        // alice's profile: a name and a picture.
        QImage picture(640, 480, QImage::Format_RGB32);
        picture.fill(QColor(0x30, 0x80, 0xd0));
        const QString file = dir_.filePath(QStringLiteral("alice.png"));
        QVERIFY(picture.save(file));
        const QJsonObject set =
            jsonObject(ok(QStringLiteral("alice"),
                          {QStringLiteral("profile"), QStringLiteral("--name"),
                           QStringLiteral("Alice Liddell"), QStringLiteral("--avatar"), file,
                           QStringLiteral("--json")})
                           .out);
        QCOMPARE(str(set, "name"), QStringLiteral("Alice Liddell"));
        QVERIFY(set[QStringLiteral("avatar_bytes")].toInt() > 0);
        qInfo("network and profiles ready in %lld ms", clock.elapsed());
    }

    void init() { clock_.start(); }
    void cleanup() { qInfo("took %lld ms", clock_.elapsed()); }

    void requestAcceptedThenProfileShared_data() {
        QTest::addColumn<QString>("mode");
        QTest::newRow("signal") << QStringLiteral("signal");
        QTest::newRow("session") << QStringLiteral("session");
    }
    void requestAcceptedThenProfileShared() {
        QFETCH(QString, mode);
        const QString alice = QStringLiteral("alice");
        const QString s = stranger();
        const QString aliceThere = addressOf(alice, mode);
        send(s, aliceThere, QStringLiteral("hello, we have not met"));
        receive(alice);
        const QString from = requestFrom(s, mode);
        const auto request = conversation(alice, from);
        QVERIFY2(request, "the stranger's message made no conversation");
        QVERIFY((*request)[QStringLiteral("request")].toBool());
        QCOMPARE((*request)[QStringLiteral("unread")].toInt(), 1);
        QVERIFY2(!contact(alice, from), "a stranger became a contact before being accepted");

        // alice reads it: the stranger learns nothing, not even that it was read.
        ok(alice, {QStringLiteral("read"), QStringLiteral("--with"), from});
        receive(s);
        QCOMPARE(lastStatus(s, aliceThere), QStringLiteral("delivered"));
        const auto before = conversation(s, aliceThere);
        QVERIFY(before);
        QCOMPARE(str(*before, "name"), QString());  // no profile before acceptance

        ok(alice, {QStringLiteral("accept"), from});
        receive(s);
        QVERIFY(!(*conversation(alice, from))[QStringLiteral("request")].toBool());
        QVERIFY2(contact(alice, from), "an accepted request is a contact");
        const auto known = contact(s, aliceThere);
        QVERIFY2(known, "the stranger lost alice");
        QCOMPARE(str(*known, "profile_name"), QStringLiteral("Alice Liddell"));
        QVERIFY((*known)[QStringLiteral("avatar")].toBool());
    }

    void requestDeletedComesBackAsNew_data() { requestAcceptedThenProfileShared_data(); }
    void requestDeletedComesBackAsNew() {
        QFETCH(QString, mode);
        const QString alice = QStringLiteral("alice");
        const QString s = stranger();
        const QString aliceThere = addressOf(alice, mode);
        const QString from = requestFrom(s, mode);
        send(s, aliceThere, QStringLiteral("first try"));
        receive(alice);
        QVERIFY(conversation(alice, from));
        ok(alice, {QStringLiteral("delete"), from});
        QVERIFY2(!conversation(alice, from), "a deleted request is still listed");
        send(s, aliceThere, QStringLiteral("second try"));
        receive(alice);
        const auto again = conversation(alice, from);
        QVERIFY2(again, "a message after the delete made no new request");
        QVERIFY((*again)[QStringLiteral("request")].toBool());
        QCOMPARE((*again)[QStringLiteral("unread")].toInt(), 1);
        const auto s2 = conversation(s, aliceThere);
        QVERIFY(s2);
        QCOMPARE(str(*s2, "name"), QString());
    }

    void blockedSenderLeavesNothing_data() { requestAcceptedThenProfileShared_data(); }
    void blockedSenderLeavesNothing() {
        QFETCH(QString, mode);
        const QString alice = QStringLiteral("alice");
        const QString s = stranger();
        const QString aliceThere = addressOf(alice, mode);
        const QString from = requestFrom(s, mode);
        send(s, aliceThere, QStringLiteral("buy my stuff"));
        receive(alice);
        QVERIFY(conversation(alice, from));
        ok(alice, {QStringLiteral("block"), from});
        QVERIFY2(!conversation(alice, from), "a blocked request is still listed");
        const QJsonObject blocked =
            jsonObject(ok(alice, {QStringLiteral("blocked"), QStringLiteral("--json")}).out);
        bool listed = false;
        for (const auto& c : blocked[QStringLiteral("blocked")].toArray()) {
            listed = listed || str(c.toObject(), "address") == from;
        }
        QVERIFY2(listed, "the blocked sender is not in the blocked list");

        send(s, aliceThere, QStringLiteral("buy my stuff, again"));
        receive(alice);
        QVERIFY2(!conversation(alice, from), "a blocked sender's message made a conversation");
        const Run history = ok(alice, {QStringLiteral("history"), QStringLiteral("--with"), from,
                                       QStringLiteral("--json")});
        QVERIFY2(history.out.trimmed().isEmpty(), qPrintable(history.out));
        receive(s);
        QCOMPARE(lastStatus(s, aliceThere), QStringLiteral("sent"));  // no delivery receipt

        ok(alice, {QStringLiteral("unblock"), from});
        const QJsonObject after =
            jsonObject(ok(alice, {QStringLiteral("blocked"), QStringLiteral("--json")}).out);
        for (const auto& c : after[QStringLiteral("blocked")].toArray()) {
            QVERIFY(str(c.toObject(), "address") != from);
        }
    }

    // A file that comes with a request is not fetched: the stranger cannot make alice's device
    // download anything (or show when it is online) before she accepts. Accepting fetches it.
    void requestFilesWaitForAccept_data() { requestAcceptedThenProfileShared_data(); }
    void requestFilesWaitForAccept() {
        QFETCH(QString, mode);
        const QString alice = QStringLiteral("alice");
        const QString s = stranger();
        const QString aliceThere = addressOf(alice, mode);
        const QString from = requestFrom(s, mode);
        QByteArray bytes;
        for (int i = 0; i < 300000; ++i) {
            bytes.append(static_cast<char>((static_cast<qint64>(i) * 7919) % 251));
        }
        const QString file = dir_.filePath(QStringLiteral("from-%1.bin").arg(s));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size());
        f.close();
        ok(s,
           {QStringLiteral("send"), QStringLiteral("--to"), aliceThere, QStringLiteral("--attach"),
            file, QStringLiteral("--text"), QStringLiteral("have a look")});
        receive(alice);
        const auto lastFile = [&]() {
            const Run r = ok(alice, {QStringLiteral("history"), QStringLiteral("--with"), from,
                                     QStringLiteral("--json")});
            const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
            return lines.isEmpty() ? QJsonObject() : jsonObject(lines.last());
        };
        const QJsonObject held = lastFile();
        const QJsonObject a = held[QStringLiteral("attachment")].toObject();
        QVERIFY2(!a.isEmpty(), "the request's message has no file");
        QCOMPARE(str(a, "state"), QStringLiteral("remote"));
        QCOMPARE(a[QStringLiteral("transferred")].toInt(), 0);
        QVERIFY(!a[QStringLiteral("complete")].toBool());
        receive(alice);  // connecting again does not fetch it either
        QCOMPARE(str(lastFile()[QStringLiteral("attachment")].toObject(), "state"),
                 QStringLiteral("remote"));

        ok(alice, {QStringLiteral("accept"), from});
        receive(alice);  // back online: what the request held is fetched
        const QJsonObject fetched = lastFile();
        QVERIFY2(
            fetched[QStringLiteral("attachment")].toObject()[QStringLiteral("complete")].toBool(),
            qPrintable(QJsonDocument(fetched).toJson(QJsonDocument::Compact)));
        const QString out = dir_.filePath(QStringLiteral("saved-%1.bin").arg(s));
        ok(alice,
           {QStringLiteral("save"), QString::number(fetched[QStringLiteral("id")].toInteger()),
            QStringLiteral("--out"), out});
        QFile saved(out);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QCOMPARE(saved.readAll(), bytes);
    }

    void profileErrorsAreClear() {
        const QString file = dir_.filePath(QStringLiteral("not-a-picture.png"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is text, not a picture");
        f.close();
        const Run r = ctl(QStringLiteral("alice"),
                          {QStringLiteral("profile"), QStringLiteral("--avatar"), file});
        QVERIFY(r.status != 0);
        QVERIFY2(r.err.contains(QStringLiteral("not a picture")), qPrintable(r.err));
        const Run name =
            ctl(QStringLiteral("alice"), {QStringLiteral("profile"), QStringLiteral("--name"),
                                          QStringLiteral("Evil\u202Eeman")});
        QVERIFY(name.status != 0);
        const Run unknown = ctl(QStringLiteral("alice"),
                                {QStringLiteral("accept"), QStringLiteral("+4915199999999")});
        QVERIFY(unknown.status != 0);
        QVERIFY2(unknown.err.contains(QStringLiteral("no conversation")), qPrintable(unknown.err));
        // Nothing changed.
        const QJsonObject p = jsonObject(
            ok(QStringLiteral("alice"), {QStringLiteral("profile"), QStringLiteral("--json")}).out);
        QCOMPARE(str(p, "name"), QStringLiteral("Alice Liddell"));
    }
};

QTEST_GUILESS_MAIN(PeopleE2eTest)
#include "tst_people_e2e.moc"
