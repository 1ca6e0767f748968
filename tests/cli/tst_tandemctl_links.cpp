// tandemctl and links over the real local network (processes only, loopback, ports chosen by
// tandem-localnet at run time): tandem-localnet prints its network link and writes it to
// DIR/network.link; `init signal|session --network LINK` and `set-network LINK` join by it;
// `invite` on one profile and `add-contact LINK` on another let a message through in both
// modes; malformed links are one-line errors. The fixture: TandemctlFixture.h.
#include <csignal>
#include <sys/prctl.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "tests/cli/TandemctlFixture.h"
#include "tests/support/TestSupport.h"

namespace test = tandem::test;
using test::Run;

class TandemctlLinksTest : public QObject, test::TandemctlFixture {
    Q_OBJECT

    QTemporaryDir netDir_;
    QProcess localnet_;
    QString link_;  // as tandem-localnet printed it
    QTemporaryDir aliceDir_;
    QTemporaryDir bobDir_;
    QString alice_;
    QString bob_;

    Run as(const QString& profile, const QStringList& args) {
        return tandemctl(QStringList{QStringLiteral("--profile"), profile} + args, secret());
    }

    // The invitations `invite --json` lists, by mode.
    QJsonObject invitation(const QString& profile, const QString& mode) {
        const Run r = as(profile, {QStringLiteral("invite"), QStringLiteral("--json")});
        const QJsonArray list = QJsonDocument::fromJson(r.out.toUtf8())
                                    .object()[QStringLiteral("invitations")]
                                    .toArray();
        for (const QJsonValue& v : list) {
            if (v[QStringLiteral("mode")].toString() == mode) {
                return v.toObject();
            }
        }
        return {};
    }

    // `receive` on `profile` until a message with `text` came (or 60 s passed).
    bool receives(const QString& profile, const QString& text, QString& seen) {
        return QTest::qWaitFor(
            [&] {
                const Run got = as(profile, {QStringLiteral("receive"), QStringLiteral("--json"),
                                             QStringLiteral("--wait"), QStringLiteral("3")});
                seen += got.out + got.err;
                return got.out.contains(text);
            },
            60000);
    }

private slots:
    void initTestCase() {
        localnet_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        localnet_.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
        localnet_.start(test::binDirOr(QStringLiteral("tandem-localnet")),
                        {QStringLiteral("--dir"), netDir_.filePath(QStringLiteral("net"))});
        QVERIFY(localnet_.waitForStarted(10000));
        QByteArray out;
        QElapsedTimer clock;
        clock.start();
        while (!out.contains("tandem-localnet network key ") && clock.elapsed() < 30000 &&
               localnet_.state() == QProcess::Running) {
            localnet_.waitForReadyRead(200);
            out += localnet_.readAllStandardOutput();
        }
        QVERIFY2(out.contains("tandem-localnet ready "), out.constData());
        for (const QByteArray& line : out.split('\n')) {
            if (line.startsWith("tandem-localnet link ")) {
                link_ = QString::fromLatin1(line.mid(21));
            }
        }
        QVERIFY2(link_.startsWith(QStringLiteral("tandem://network/#key=")), out.constData());
        // The same link in DIR/network.link, one line; short enough for a QR code.
        QCOMPARE(test::readFile(netDir_.filePath(QStringLiteral("net/network.link"))),
                 link_.toLatin1() + '\n');
        QVERIFY2(link_.size() < 2900, qPrintable(QString::number(link_.size())));
        qInfo("the default local network's link: %lld characters",
              static_cast<long long>(link_.size()));
        alice_ = newProfile(aliceDir_);
        bob_ = newProfile(bobDir_);
    }

    void cleanupTestCase() {
        localnet_.terminate();
        localnet_.waitForFinished(15000);
    }

    void initBothModesFromTheLink() {
        const Run session = as(alice_, {QStringLiteral("init"), QStringLiteral("session"),
                                        QStringLiteral("--network"), link_});
        QVERIFY2(session.status == 0, qPrintable(session.err));
        QVERIFY(session.out.contains(QStringLiteral("Your Session ID: 05")));
        const Run signal =
            as(alice_, {QStringLiteral("init"), QStringLiteral("signal"), QStringLiteral("--phone"),
                        QStringLiteral("+4915100000031"), QStringLiteral("--network"), link_});
        QVERIFY2(signal.status == 0, qPrintable(signal.err));
        // Bob from the file, then moved to the link: the same network.
        const QString file = netDir_.filePath(QStringLiteral("net/network.json"));
        QCOMPARE(
            as(bob_, {QStringLiteral("init"), QStringLiteral("signal"), QStringLiteral("--phone"),
                      QStringLiteral("+4915100000032"), QStringLiteral("--network"), file})
                .status,
            0);
        const Run moved = as(bob_, {QStringLiteral("set-network"), QStringLiteral("  ") + link_});
        QVERIFY2(moved.status == 0, qPrintable(moved.err));
        QVERIFY2(moved.out.contains(QStringLiteral("joins the network in the network link")) &&
                     moved.out.contains(QStringLiteral("Network key: ")),
                 qPrintable(moved.out));
        QVERIFY2(moved.err.isEmpty(), qPrintable(moved.err));  // the same relay
        QCOMPARE(as(bob_, {QStringLiteral("init"), QStringLiteral("session"),
                           QStringLiteral("--network"), link_})
                     .status,
                 0);
    }

    void inviteNamesNoPhoneNumber() {
        const Run human = as(alice_, {QStringLiteral("invite")});
        QVERIFY2(human.status == 0, qPrintable(human.err));
        QVERIFY(!human.out.contains(QStringLiteral("4915100000031")));
        QVERIFY(human.out.contains(QStringLiteral("tandem://contact/#id=aci:")));
        QVERIFY(human.out.contains(QStringLiteral("tandem://contact/#id=05")));
        const Run qr = as(alice_, {QStringLiteral("invite"), QStringLiteral("--mode"),
                                   QStringLiteral("signal"), QStringLiteral("--qr")});
        QVERIFY(qr.out.contains(QStringLiteral("▄")) && qr.out.contains(QStringLiteral("█")));
        QVERIFY(!qr.out.contains(QStringLiteral("tandem://contact/#id=05")));
        const QJsonObject signal = invitation(alice_, QStringLiteral("signal"));
        QVERIFY(signal[QStringLiteral("address")].toString().startsWith(QStringLiteral("aci:")));
        expectOneLineError(as(alice_, {QStringLiteral("invite"), QStringLiteral("--mode"),
                                       QStringLiteral("both")}),
                           2, QStringLiteral("--mode is signal or session"));
        QTemporaryDir empty;
        const QString none = newProfile(empty);
        expectOneLineError(as(none, {QStringLiteral("invite")}), 1,
                           QStringLiteral("no account yet"));
        expectOneLineError(as(none, {QStringLiteral("invite"), QStringLiteral("--mode"),
                                     QStringLiteral("session")}),
                           1, QStringLiteral("no Session ID"));
    }

    // Alice's links, added by Bob (with the name the Session link suggests), carry a message
    // to her in each mode.
    void aMessageThroughEachModeFromAnInvitation() {
        const Run signalLink = as(
            alice_, {QStringLiteral("invite"), QStringLiteral("--mode"), QStringLiteral("signal")});
        const QString signal = signalLink.outLines().last();
        const QString session =
            invitation(alice_, QStringLiteral("session"))[QStringLiteral("link")].toString();
        const Run named = as(
            alice_, {QStringLiteral("invite"), QStringLiteral("--mode"), QStringLiteral("session"),
                     QStringLiteral("--name"), QStringLiteral("Alice 🚲")});
        const QString sessionNamed = named.outLines().last();
        QVERIFY(sessionNamed.startsWith(session + QStringLiteral("&name=")));

        const Run addSignal = as(bob_, {QStringLiteral("add-contact"), signal,
                                        QStringLiteral("--name"), QStringLiteral("Al")});
        QVERIFY2(addSignal.status == 0, qPrintable(addSignal.err));
        QVERIFY2(addSignal.out.contains(QStringLiteral("(Al) to your signal contacts")),
                 qPrintable(addSignal.out));
        const Run addSession = as(bob_, {QStringLiteral("add-contact"), sessionNamed});
        QVERIFY2(addSession.status == 0, qPrintable(addSession.err));
        QVERIFY2(addSession.out.contains(QStringLiteral("(Alice 🚲) to your session contacts")),
                 qPrintable(addSession.out));

        const QString aci = signal.section(u'=', 1);
        const QString sessionId = session.section(u'=', 1);
        QCOMPARE(as(bob_, {QStringLiteral("send"), QStringLiteral("--to"), aci,
                           QStringLiteral("--text"), QStringLiteral("by invitation, relay")})
                     .status,
                 0);
        QCOMPARE(as(bob_, {QStringLiteral("send"), QStringLiteral("--to"), sessionId,
                           QStringLiteral("--text"), QStringLiteral("by invitation, onion")})
                     .status,
                 0);
        QString seen;
        QVERIFY2(receives(alice_, QStringLiteral("by invitation, relay"), seen), qPrintable(seen));
        if (!seen.contains(QStringLiteral("by invitation, onion"))) {
            QVERIFY2(receives(alice_, QStringLiteral("by invitation, onion"), seen),
                     qPrintable(seen));
        }
    }

    void malformedLinksAreOneLineErrors() {
        const QString aci =
            invitation(alice_, QStringLiteral("signal"))[QStringLiteral("address")].toString();
        expectOneLineError(as(bob_, {QStringLiteral("add-contact"),
                                     QStringLiteral("tandem://contact/#id=+4915100000031")}),
                           1, QStringLiteral("never a phone number"));
        expectOneLineError(
            as(bob_, {QStringLiteral("add-contact"), QStringLiteral("tandem://contact/#id=") + aci +
                                                         QStringLiteral("&id=") + aci}),
            1, QStringLiteral("\"id\" appears twice"));
        expectOneLineError(as(bob_, {QStringLiteral("add-contact"), link_}), 1,
                           QStringLiteral("this is a network link, not a contact link"));
        expectOneLineError(as(bob_, {QStringLiteral("set-network"), link_.left(link_.size() / 2)}),
                           1, QStringLiteral("was it cut short?"));
        QString altered = link_;
        const qsizetype at = altered.indexOf(QStringLiteral("config=")) + 20;
        altered[at] = altered[at] == u'A' ? u'B' : u'A';
        expectOneLineError(as(bob_, {QStringLiteral("set-network"), altered}), 1,
                           QStringLiteral("its signature does not match"));
        QTemporaryDir fresh;
        const QString carol = newProfile(fresh);
        expectOneLineError(
            as(carol, {QStringLiteral("init"), QStringLiteral("session"),
                       QStringLiteral("--network"), QStringLiteral("tandem://network/#key=00")}),
            1, QStringLiteral("not a valid network link"));
        expectOneLineError(
            as(carol, {QStringLiteral("init"), QStringLiteral("session"),
                       QStringLiteral("--network"), QStringLiteral("tandem://contact/#id=") + aci}),
            1, QStringLiteral("this is a contact link, not a network link"));
        // Nothing was set up by the refusals.
        QVERIFY(as(carol, {QStringLiteral("whoami")}).out.contains(QStringLiteral("no account")));
    }
};

QTEST_GUILESS_MAIN(TandemctlLinksTest)
#include "tst_tandemctl_links.moc"
