// tandemctl end to end, its contacts and settings: contact names, a contact's safety and
// verification, the settings the app shares, and the offline tools (safety-number,
// phrase-check). The fixture: TandemctlFixture.h.
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "tests/cli/TandemctlFixture.h"

namespace test = tandem::test;
using test::Run;

class TandemctlContactsTest : public QObject, test::TandemctlFixture {
    Q_OBJECT

private slots:
    void safetyNumberOffline() {
        const QStringList args = {
            QStringLiteral("safety-number"),
            QStringLiteral("--local-id"),
            QStringLiteral("+14152222222"),
            QStringLiteral("--local-key"),
            QStringLiteral("0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868"),
            QStringLiteral("--remote-id"),
            QStringLiteral("+14153333333"),
            QStringLiteral("--remote-key"),
            QStringLiteral("05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b")};
        const Run r = tandemctl(args);
        QCOMPARE(r.status, 0);
        // libsignal's test vector, in 12 groups of 5.
        QCOMPARE(r.out.trimmed(),
                 QStringLiteral(
                     "30035 44776 92869 39689 28698 76765 45825 75691 62576 84344 09180 79131"));
        QStringList swapped = args;
        swapped.swapItemsAt(2, 6);
        swapped.swapItemsAt(4, 8);
        QCOMPARE(tandemctl(swapped).out, r.out);  // the same number on both phones
        QStringList badKey = args;
        badKey[4] =
            QStringLiteral("0406863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868");
        expectOneLineError(tandemctl(badKey), 1, QStringLiteral("--local-key"));
        expectOneLineError(tandemctl({QStringLiteral("safety-number"), QStringLiteral("--local-id"),
                                      QStringLiteral("+1")}),
                           2, QStringLiteral("required"));
    }

    void phraseCheck() {
        const QString phrase = QStringLiteral(
            "puffin luxury annoyed rustled memoir faxed smidgen puddle kiwi nylon utopia zinger "
            "kiwi");
        const QString id =
            QStringLiteral("054830367d369d94605247999a375dbd0a0f65fdec5de1535612bcb6d4de452c69");
        const Run quoted = tandemctl({QStringLiteral("phrase-check"), phrase});
        QCOMPARE(quoted.status, 0);
        QCOMPARE(quoted.out.trimmed(), id);
        QCOMPARE(tandemctl(QStringList{QStringLiteral("phrase-check")} + phrase.split(u' '))
                     .out.trimmed(),
                 id);
        QCOMPARE(tandemctl({QStringLiteral("phrase-check"), QStringLiteral("-")}, {},
                           phrase.toUtf8() + "\n")
                     .out.trimmed(),
                 id);
        expectOneLineError(tandemctl({QStringLiteral("phrase-check"),
                                      QString(phrase).replace(QStringLiteral("memoir"),
                                                              QStringLiteral("xylophone"))}),
                           1, QStringLiteral("xylophone"));
        expectOneLineError(tandemctl({QStringLiteral("phrase-check"), phrase.section(u' ', 0, 11)}),
                           1, QStringLiteral("13 words"));
        expectOneLineError(tandemctl({QStringLiteral("phrase-check")}), 2,
                           QStringLiteral("phrase"));
    }

    void contactNamesAreCheckedAndCanBeCleared() {
        QTemporaryDir dir;
        const QString profile = newProfile(dir);
        const auto add = [&](const QString& name) {
            return tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("add-contact"),
                              QStringLiteral("+4915100000009"), QStringLiteral("--name"), name},
                             secret());
        };
        expectOneLineError(add(QStringLiteral("   ")), 1, QStringLiteral("blank"));
        expectOneLineError(add(QStringLiteral("Bob\nAlice")), 1, QStringLiteral("line breaks"));
        expectOneLineError(add(QStringLiteral("Bob\u202e")), 1, QStringLiteral("U+202e"));
        // 64 characters (128 UTF-16 units) are fine; 65 are not, counted as characters.
        QString emoji;
        for (int i = 0; i < 64; ++i) {
            emoji += QStringLiteral("🙂");
        }
        QCOMPARE(add(emoji).status, 0);
        expectOneLineError(add(emoji + u'x'), 1, QStringLiteral("this one has 65"));
        const Run named = add(QStringLiteral("Bob"));
        QVERIFY2(named.status == 0 && named.out.contains(QStringLiteral("(Bob)")),
                 qPrintable(named.out));
        const Run cleared = add(QString());
        QVERIFY2(cleared.status == 0 && !cleared.out.contains(u'('), qPrintable(cleared.out));
        // Without --name the name stays.
        QCOMPARE(add(QStringLiteral("Bobby")).status, 0);
        const Run kept =
            tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("add-contact"),
                       QStringLiteral("+4915100000009")},
                      secret());
        QVERIFY2(kept.out.contains(QStringLiteral("(Bobby)")), qPrintable(kept.out));
    }

    // `contact` before any message: no safety number is made up, verifying is refused, an
    // unknown contact or a bad address is one clear line, and nothing is changed by a refusal.
    void contactBeforeAnyMessage() {
        QTemporaryDir dir;
        const QString profile = newProfile(dir);
        const auto run = [&](QStringList args) {
            return tandemctl(QStringList{QStringLiteral("--profile"), profile} + args, secret());
        };
        QCOMPARE(run({QStringLiteral("add-contact"), QStringLiteral("+4915100000009"),
                      QStringLiteral("--name"), QStringLiteral("Bob")})
                     .status,
                 0);
        const Run shown = run({QStringLiteral("contact"), QStringLiteral("--with"),
                               QStringLiteral("+4915100000009")});
        QVERIFY2(shown.status == 0, qPrintable(shown.err));
        QVERIFY2(shown.out.contains(QStringLiteral("Bob (+4915100000009, signal mode)")) &&
                     shown.out.contains(QStringLiteral("not known yet")) &&
                     shown.out.contains(QStringLiteral("verification:  default")),
                 qPrintable(shown.out));
        expectOneLineError(run({QStringLiteral("contact"), QStringLiteral("--with"),
                                QStringLiteral("+4915100000009"), QStringLiteral("--verify")}),
                           1, QStringLiteral("no safety number"));
        expectOneLineError(run({QStringLiteral("contact"), QStringLiteral("--with"),
                                QStringLiteral("+4915100000008")}),
                           1, QStringLiteral("no contact +4915100000008"));
        expectOneLineError(
            run({QStringLiteral("contact"), QStringLiteral("--with"), QStringLiteral("bob")}), 1,
            QStringLiteral("neither a phone number nor a Session ID"));
        expectOneLineError(run({QStringLiteral("contact"), QStringLiteral("--with"),
                                QStringLiteral("+4915100000009"), QStringLiteral("--verify"),
                                QStringLiteral("--clear")}),
                           2, QStringLiteral("exclude each other"));
        const Run json = run({QStringLiteral("contact"), QStringLiteral("--with"),
                              QStringLiteral("+4915100000009"), QStringLiteral("--json")});
        const QJsonObject o = QJsonDocument::fromJson(json.out.trimmed().toUtf8()).object();
        QCOMPARE(o[QStringLiteral("verification")].toString(), QStringLiteral("default"));
        QCOMPARE(o[QStringLiteral("safety_number")].toString(), QString());
        QCOMPARE(o[QStringLiteral("mode")].toString(), QStringLiteral("signal"));
    }

    // `settings`: the switches the app's Settings page shows, on until turned off, kept in
    // the profile; a value other than on/off is a usage error that changes nothing.
    void settingsAreThoseOfTheApp() {
        QTemporaryDir dir;
        const QString profile = newProfile(dir);
        const auto run = [&](QStringList args) {
            return tandemctl(QStringList{QStringLiteral("--profile"), profile,
                                         QStringLiteral("settings"), QStringLiteral("--json")} +
                                 args,
                             secret());
        };
        const auto read = [&](QStringList args = {}) {
            const Run r = run(args);
            return QJsonDocument::fromJson(r.out.trimmed().toUtf8()).object();
        };
        QCOMPARE(read()[QStringLiteral("read_receipts")].toBool(), true);
        QCOMPARE(read()[QStringLiteral("previews")].toBool(), true);
        QCOMPARE(read({QStringLiteral("--read-receipts"),
                       QStringLiteral("off")})[QStringLiteral("read_receipts")]
                     .toBool(),
                 false);
        expectOneLineError(run({QStringLiteral("--previews"), QStringLiteral("maybe")}), 2,
                           QStringLiteral("--previews takes on or off"));
        const QJsonObject after = read();
        QCOMPARE(after[QStringLiteral("read_receipts")].toBool(), false);  // kept
        QCOMPARE(after[QStringLiteral("previews")].toBool(), true);        // not touched
    }
};

QTEST_GUILESS_MAIN(TandemctlContactsTest)
#include "tst_tandemctl_contacts.moc"
