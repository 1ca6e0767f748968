// tandemctl end to end: the real binary, real profiles, every command, and every failure a
// one-line error with a non-zero exit status. Here: help and usage, profiles and passphrases,
// sending and history (contacts, settings and the offline tools: tst_tandemctl_contacts).
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "tests/cli/TandemctlFixture.h"
#include "tests/support/TestSupport.h"

namespace test = tandem::test;
using test::Run;

class TandemctlTest : public QObject, test::TandemctlFixture {
    Q_OBJECT

private slots:
    void helpForEveryCommand() {
        const Run overview = tandemctl({QStringLiteral("--help")});
        QCOMPARE(overview.status, 0);
        for (const char* command : {"create", "change-passphrase", "send", "history", "contact",
                                    "safety-number", "phrase-check"}) {
            QVERIFY2(overview.out.contains(QLatin1String(command)), command);
            const Run help = tandemctl({QLatin1String(command), QStringLiteral("--help")});
            QCOMPARE(help.status, 0);
            QVERIFY(help.out.startsWith(QStringLiteral("Usage: tandemctl")));
            QVERIFY(help.out.contains(QLatin1String(command)));
            QVERIFY(help.out.contains(QStringLiteral("--profile")));
            QCOMPARE(tandemctl({QStringLiteral("help"), QLatin1String(command)}).out, help.out);
        }
        QVERIFY(tandemctl({QStringLiteral("send"), QStringLiteral("--help")})
                    .out.contains(QStringLiteral("--text")));
        QVERIFY(
            tandemctl({QStringLiteral("--version")}).out.startsWith(QStringLiteral("tandemctl ")));
    }

    void usageErrors() {
        const Run none = tandemctl({});
        QCOMPARE(none.status, 2);
        QVERIFY(none.err.contains(QStringLiteral("Commands:")));
        expectOneLineError(tandemctl({QStringLiteral("frobnicate")}), 2,
                           QStringLiteral("unknown command"));
        expectOneLineError(tandemctl({QStringLiteral("send"), QStringLiteral("--bogus")}), 2,
                           QStringLiteral("bogus"));
        expectOneLineError(
            tandemctl({QStringLiteral("send"), QStringLiteral("--text"), QStringLiteral("x")}), 2,
            QStringLiteral("--to is required"));
        expectOneLineError(tandemctl({QStringLiteral("history")}), 2,
                           QStringLiteral("--with is required"));
        expectOneLineError(
            tandemctl({QStringLiteral("history"), QStringLiteral("--with"), QStringLiteral("self"),
                       QStringLiteral("--limit"), QStringLiteral("zero")}),
            2, QStringLiteral("--limit"));
        expectOneLineError(
            tandemctl({QStringLiteral("create"), QStringLiteral("--kdf"), QStringLiteral("weak")}),
            2, QStringLiteral("weak"));
        expectOneLineError(tandemctl({QStringLiteral("send"), QStringLiteral("stray")}), 2,
                           QStringLiteral("stray"));
    }

    void noteToSelfRoundTrip() {
        QTemporaryDir dir;
        const QString profile = newProfile(dir);
        const QStringList texts = {
            QStringLiteral("first"), QStringLiteral("Grüße 🚲 «quotes» \"and\" \\"),
            QStringLiteral("two\nlines"), QStringLiteral("  leading spaces kept")};
        QStringList uids;
        for (const QString& text : texts) {
            const Run sent = tandemctl(
                {QStringLiteral("--profile"), profile, QStringLiteral("send"),
                 QStringLiteral("--to"), QStringLiteral("self"), QStringLiteral("--text"), text},
                secret());
            QCOMPARE(sent.status, 0);
            QCOMPARE(sent.outLines().size(), qsizetype{1});
            QCOMPARE(sent.out.trimmed().size(), qsizetype{32});  // the message uid
            uids << sent.out.trimmed();
        }
        // Global options are accepted after the command, too; the text can come from stdin.
        const Run piped =
            tandemctl({QStringLiteral("send"), QStringLiteral("--profile"), profile,
                       QStringLiteral("--to"), QStringLiteral("self"), QStringLiteral("--text"),
                       QStringLiteral("-"), QStringLiteral("--json")},
                      secret(), QByteArray("from stdin\n"));
        QCOMPARE(piped.status, 0);
        QCOMPARE(
            QJsonDocument::fromJson(piped.out.toUtf8()).object()[QStringLiteral("text")].toString(),
            QStringLiteral("from stdin"));

        const Run history =
            tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("history"),
                       QStringLiteral("--with"), QStringLiteral("self"), QStringLiteral("--json")},
                      secret());
        QCOMPARE(history.status, 0);
        const QStringList lines = history.outLines();
        QCOMPARE(lines.size(), qsizetype{5});
        qint64 lastSent = 0;
        for (qsizetype i = 0; i < 4; ++i) {
            const QJsonObject o = QJsonDocument::fromJson(lines[i].toUtf8()).object();
            QCOMPARE(o[QStringLiteral("text")].toString(), texts[i]);
            QCOMPARE(o[QStringLiteral("uid")].toString(), uids[i]);
            QCOMPARE(o[QStringLiteral("with")].toString(), QStringLiteral("self"));
            QCOMPARE(o[QStringLiteral("direction")].toString(), QStringLiteral("out"));
            QCOMPARE(o[QStringLiteral("status")].toString(), QStringLiteral("sent"));
            const auto sentAt = static_cast<qint64>(o[QStringLiteral("sent_at")].toDouble());
            QVERIFY(sentAt >= lastSent);  // oldest first
            lastSent = sentAt;
        }
        const Run human =
            tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("history"),
                       QStringLiteral("--with"), QStringLiteral("self")},
                      secret());
        QCOMPARE(human.status, 0);
        QVERIFY(human.out.contains(QStringLiteral("You: first")));
        QVERIFY(human.out.indexOf(QStringLiteral("first")) <
                human.out.indexOf(QStringLiteral("from stdin")));
        const Run newest =
            tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("history"),
                       QStringLiteral("--with"), QStringLiteral("self"), QStringLiteral("--limit"),
                       QStringLiteral("2"), QStringLiteral("--json")},
                      secret());
        QCOMPARE(newest.outLines().size(), qsizetype{2});
        QVERIFY(newest.outLines().last().contains(QStringLiteral("from stdin")));
    }

    void passphraseSources() {
        QTemporaryDir dir;
        const QString profile = newProfile(dir);
        const QString file = dir.filePath(QStringLiteral("pass.txt"));
        test::writeFile(file, "secret\n");  // as `echo secret > pass.txt` writes it
        const QStringList history = {QStringLiteral("--profile"), profile,
                                     QStringLiteral("history"), QStringLiteral("--with"),
                                     QStringLiteral("self")};
        QCOMPARE(tandemctl(QStringList{QStringLiteral("--passphrase-file"), file} + history).status,
                 0);
        QCOMPARE(tandemctl(history, secret()).status, 0);
        // The file wins over the environment.
        QCOMPARE(tandemctl(QStringList{QStringLiteral("--passphrase-file"), file} + history,
                           {{QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("wrong")}})
                     .status,
                 0);
        // No terminal and nothing given: say how to give it instead of hanging.
        expectOneLineError(tandemctl(history), 1, QStringLiteral("--passphrase-file"));
        expectOneLineError(tandemctl(QStringList{QStringLiteral("--passphrase-file"),
                                                 dir.filePath(QStringLiteral("missing"))} +
                                     history),
                           1, QStringLiteral("missing"));
    }

    void wrongPassphraseIsOneLineAndChangesNothing() {
        QTemporaryDir dir;
        const QString profile = newProfile(dir);
        QCOMPARE(tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("send"),
                            QStringLiteral("--to"), QStringLiteral("self"),
                            QStringLiteral("--text"), QStringLiteral("x")},
                           secret())
                     .status,
                 0);
        auto before = test::snapshot(profile);
        before.remove(QStringLiteral("tandem.lock"));
        const Run r = tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("history"),
                                 QStringLiteral("--with"), QStringLiteral("self")},
                                {{QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("guess")}});
        expectOneLineError(r, 1, QStringLiteral("Wrong passphrase"));
        QVERIFY(r.out.isEmpty());
        auto after = test::snapshot(profile);
        after.remove(QStringLiteral("tandem.lock"));
        QCOMPARE(after, before);
    }

    void sendRefusesWhatItCannotDo() {
        QTemporaryDir dir;
        const QString profile = newProfile(dir);
        const auto send = [&](const QString& to, const QString& text) {
            return tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("send"),
                              QStringLiteral("--to"), to, QStringLiteral("--text"), text},
                             secret());
        };
        expectOneLineError(send(QStringLiteral("self"), QStringLiteral("   \n ")), 1,
                           QStringLiteral("empty"));
        expectOneLineError(send(QStringLiteral("self"), QString(70000, u'a')), 1,
                           QStringLiteral("too long"));
        expectOneLineError(send(QStringLiteral("+15551234567"), QStringLiteral("hi")), 1,
                           QStringLiteral("no Signal account"));
        expectOneLineError(send(QStringLiteral("bob"), QStringLiteral("hi")), 1,
                           QStringLiteral("phone number"));
        const Run none = tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("history"),
                                    QStringLiteral("--with"), QStringLiteral("+15551234567")},
                                   secret());
        QCOMPARE(none.status, 0);
        QVERIFY(none.out.isEmpty());  // no conversation with them yet
        expectOneLineError(
            tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("history"),
                       QStringLiteral("--with"), QStringLiteral("bob")},
                      secret()),
            1, QStringLiteral("no conversation"));
    }

    void profileErrors() {
        QTemporaryDir dir;
        const QString profile = newProfile(dir);
        expectOneLineError(
            tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("create")}, secret()),
            1, QStringLiteral("already exists"));
        expectOneLineError(
            tandemctl({QStringLiteral("--profile"), dir.filePath(QStringLiteral("nope")),
                       QStringLiteral("history"), QStringLiteral("--with"), QStringLiteral("self")},
                      secret()),
            1, QStringLiteral("no Tandem profile"));
        // A damaged database: one line naming the file.
        const QString db = profile + QStringLiteral("/tandem.db");
        QByteArray bytes = test::readFile(db);
        bytes.truncate(bytes.size() / 2 + 7);
        test::writeFile(db, bytes);
        expectOneLineError(
            tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("history"),
                       QStringLiteral("--with"), QStringLiteral("self")},
                      secret()),
            1, db);
    }

    void changePassphrase() {
        QTemporaryDir dir;
        const QString profile = newProfile(dir);
        QCOMPARE(tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("send"),
                            QStringLiteral("--to"), QStringLiteral("self"),
                            QStringLiteral("--text"), QStringLiteral("survives")},
                           secret())
                     .status,
                 0);
        const QByteArray database = test::readFile(profile + QStringLiteral("/tandem.db"));
        const QString newFile = dir.filePath(QStringLiteral("new.txt"));
        test::writeFile(newFile, "brand new phrase\n");
        const Run changed =
            tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("change-passphrase"),
                       QStringLiteral("--new-passphrase-file"), newFile, QStringLiteral("--kdf"),
                       QStringLiteral("interactive")},
                      secret());
        QVERIFY2(changed.status == 0, qPrintable(changed.err));
        QCOMPARE(test::readFile(profile + QStringLiteral("/tandem.db")), database);
        const QStringList history = {QStringLiteral("--profile"), profile,
                                     QStringLiteral("history"), QStringLiteral("--with"),
                                     QStringLiteral("self")};
        expectOneLineError(tandemctl(history, secret()), 1, QStringLiteral("Wrong passphrase"));
        const Run withNew =
            tandemctl(QStringList{QStringLiteral("--passphrase-file"), newFile} + history);
        QCOMPARE(withNew.status, 0);
        QVERIFY(withNew.out.contains(QStringLiteral("survives")));
        // The current passphrase must be right for a change.
        expectOneLineError(
            tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("change-passphrase"),
                       QStringLiteral("--new-passphrase-file"), newFile},
                      secret()),
            1, QStringLiteral("Wrong passphrase"));
    }

    void defaultProfileIsInXdgData() {
        const Run created = tandemctl(
            {QStringLiteral("create"), QStringLiteral("--kdf"), QStringLiteral("interactive")},
            secret());
        QCOMPARE(created.status, 0);
        QVERIFY(QFile::exists(home_.filePath(QStringLiteral("data/tandem/tandem.key"))));
        QVERIFY(QFile::exists(home_.filePath(QStringLiteral("data/tandem/tandem.db"))));
        QCOMPARE(QFileInfo(home_.filePath(QStringLiteral("data/tandem"))).permissions() &
                     (QFile::ReadGroup | QFile::ReadOther | QFile::WriteOther),
                 QFile::Permissions());
    }

    // A message is sent whole and exactly, or refused with the reason: never cut at the limit
    // (65 537 bytes were read and trimmed before), never with its invalid UTF-8 replaced.
    void aMessageIsSentWholeAndExactlyOrNotAtAll() {
        QTemporaryDir dir;
        const QString profile = newProfile(dir);
        const QStringList send = {QStringLiteral("--profile"), profile,
                                  QStringLiteral("send"),      QStringLiteral("--to"),
                                  QStringLiteral("self"),      QStringLiteral("--text"),
                                  QStringLiteral("-")};
        const auto history = [&] {
            return tandemctl(
                       {QStringLiteral("--profile"), profile, QStringLiteral("history"),
                        QStringLiteral("--with"), QStringLiteral("self"), QStringLiteral("--json")},
                       secret())
                .outLines();
        };
        // Byte 65 537 is a space: once silently dropped with everything after it.
        const QByteArray tooLong = QByteArray(65536, 'a') + ' ' + QByteArray(10, 'b');
        expectOneLineError(tandemctl(send, secret(), tooLong), 1,
                           QStringLiteral("65547 bytes; the limit is 65536"));
        expectOneLineError(tandemctl(send, secret(), QByteArray(3 << 20, 'z')), 1,
                           QStringLiteral("3145728 bytes"));
        expectOneLineError(tandemctl(send, secret(), QByteArray("caf\xc3 au lait\n")), 1,
                           QStringLiteral("not valid UTF-8"));
        QVERIFY(history().isEmpty());
        // The limit itself, and the line end echo adds, are fine.
        QCOMPARE(tandemctl(send, secret(), QByteArray(65536, 'a') + '\n').status, 0);
        // Trailing spaces and inner lines are the sender's: kept.
        QCOMPARE(tandemctl(send, secret(), QByteArray("two  \nlines  \n")).status, 0);
        const QStringList lines = history();
        QCOMPARE(lines.size(), qsizetype{2});
        QCOMPARE(QJsonDocument::fromJson(lines[0].toUtf8())[QStringLiteral("text")].toString(),
                 QString(65536, u'a'));
        QCOMPARE(QJsonDocument::fromJson(lines[1].toUtf8())[QStringLiteral("text")].toString(),
                 QStringLiteral("two  \nlines  "));
        // Invalid UTF-8 on the command line: refused, not replaced.
        QProcess shell;
        shell.start(QStringLiteral("bash"),
                    {QStringLiteral("-c"),
                     QStringLiteral("exec \"$0\" --profile \"$1\" send --to self --text "
                                    "\"$(printf 'bad\\377')\""),
                     QStringLiteral(TANDEMCTL), profile});
        QVERIFY(shell.waitForFinished(30000));
        QCOMPARE(shell.exitCode(), 2);
        QVERIFY(shell.readAllStandardError().contains("argument 7 is not valid UTF-8"));
        QCOMPARE(history().size(), qsizetype{2});
    }

    // What a sender wrote cannot drive the terminal: a carriage return faked a "[time] You:"
    // line, escape sequences retitled it, a bidi override reversed what followed.
    void historyShowsControlCharactersEscaped() {
        QTemporaryDir dir;
        const QString profile = newProfile(dir);
        const QString text = QStringLiteral(
            "ok\r[2026-01-01 10:00:00] You: send money\x1b]0;pwned\x07 \u202etxt.exe"
            "\nnext\x9b");
        QCOMPARE(tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("send"),
                            QStringLiteral("--to"), QStringLiteral("self"),
                            QStringLiteral("--text"), text},
                           secret())
                     .status,
                 0);
        const Run human =
            tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("history"),
                       QStringLiteral("--with"), QStringLiteral("self")},
                      secret());
        QCOMPARE(human.status, 0);
        for (const QChar raw :
             {QChar(u'\r'), QChar(0x1b), QChar(0x07), QChar(0x202e), QChar(0x9b)}) {
            QVERIFY2(!human.out.contains(raw), qPrintable(QString::number(raw.unicode(), 16)));
        }
        QVERIFY2(human.out.contains(QStringLiteral("ok\\r[2026-01-01 10:00:00] You: send "
                                                   "money\\x1b]0;pwned\\x07 \\u202etxt.exe")),
                 qPrintable(human.out));
        // A line of the message continues indented: it cannot pass for an entry of its own.
        QVERIFY(human.out.contains(QStringLiteral("\n    next\\x9b")));
        // JSON stays exact.
        const Run json =
            tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("history"),
                       QStringLiteral("--with"), QStringLiteral("self"), QStringLiteral("--json")},
                      secret());
        QCOMPARE(QJsonDocument::fromJson(json.out.toUtf8())[QStringLiteral("text")].toString(),
                 text);
        // A failure quotes what it was given (or a relay's error text): escaped as well.
        const Run failed =
            tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("history"),
                       QStringLiteral("--with"), QStringLiteral("+49\x1b]0;pwned\x07")},
                      secret());
        expectOneLineError(failed, 1, QStringLiteral("+49\\x1b]0;pwned\\x07"));
        QVERIFY(!failed.err.contains(QChar(0x1b)));
    }

    // A passphrase ends where its line ends, from a file and from the environment alike.
    void aPassphraseLineEndIsNoPartOfIt() {
        QTemporaryDir dir;
        const QString profile = dir.filePath(QStringLiteral("p"));
        QCOMPARE(tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("create"),
                            QStringLiteral("--kdf"), QStringLiteral("interactive")},
                           {{QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("horse\n")}})
                     .status,
                 0);
        const QString file = dir.filePath(QStringLiteral("pass"));
        test::writeFile(file, "horse\n");
        for (const auto& [env, useFile] :
             {std::pair{QStringLiteral("horse"), false},
              std::pair{QStringLiteral("horse\r\n"), false}, std::pair{QString(), true}}) {
            QStringList args = {QStringLiteral("--profile"), profile};
            if (useFile) {
                args << QStringLiteral("--passphrase-file") << file;
            }
            const Run r = tandemctl(
                args + QStringList{QStringLiteral("whoami")},
                useFile ? QMap<QString, QString>{}
                        : QMap<QString, QString>{{QStringLiteral("TANDEM_PASSPHRASE"), env}});
            QVERIFY2(r.status == 0, qPrintable(r.err));
        }
    }

    // A create that fails (here: the disk takes no more than 8 KiB) leaves the folder as it
    // was: no half-made database (tandem.db.new stayed behind), no key file.
    void aFailedCreateLeavesNothing() {
        QTemporaryDir dir;
        const QString profile = dir.filePath(QStringLiteral("p"));
        QProcess shell;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("secret"));
        shell.setProcessEnvironment(env);
        shell.start(QStringLiteral("bash"),
                    {QStringLiteral("-c"),
                     QStringLiteral("trap '' XFSZ; ulimit -f 8; exec \"$0\" --profile \"$1\" "
                                    "create --kdf interactive"),
                     QStringLiteral(TANDEMCTL), profile});
        QVERIFY(shell.waitForFinished(30000));
        QCOMPARE(shell.exitCode(), 1);
        const QStringList left = QDir(profile).entryList(QDir::Files);
        QVERIFY2(!left.contains(QStringLiteral("tandem.db.new")) &&
                     !left.contains(QStringLiteral("tandem.key")),
                 qPrintable(left.join(u' ')));
        // And a create with room succeeds in the same folder.
        QCOMPARE(tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("create"),
                            QStringLiteral("--kdf"), QStringLiteral("interactive")},
                           secret())
                     .status,
                 0);
    }
};

QTEST_GUILESS_MAIN(TandemctlTest)
#include "tst_tandemctl.moc"
