// tandemctl end to end: the real binary, real profiles, every command, and every failure a
// one-line error with a non-zero exit status.
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "tests/support/TestSupport.h"

namespace test = tandem::test;

namespace {

struct Run {
    int status = -1;
    QString out;
    QString err;
    [[nodiscard]] QStringList outLines() const { return out.split(u'\n', Qt::SkipEmptyParts); }
    [[nodiscard]] QStringList errLines() const { return err.split(u'\n', Qt::SkipEmptyParts); }
};

}  // namespace

class TandemctlTest : public QObject {
    Q_OBJECT

    QTemporaryDir home_;

    Run tandemctl(const QStringList& args, const QMap<QString, QString>& env = {},
                  const QByteArray& input = {}) {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("TANDEM_PASSPHRASE"));
        environment.insert(QStringLiteral("XDG_DATA_HOME"), home_.filePath(QStringLiteral("data")));
        for (auto it = env.begin(); it != env.end(); ++it) {
            environment.insert(it.key(), it.value());
        }
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(TANDEMCTL), args);
        if (!process.waitForStarted(10000)) {
            qFatal("tandemctl did not start");
        }
        if (!input.isEmpty()) {
            process.write(input);
        }
        process.closeWriteChannel();
        if (!process.waitForFinished(60000)) {
            process.kill();
            qFatal("tandemctl did not finish: %s", qPrintable(args.join(u' ')));
        }
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }

    // A profile with a fast KDF; the passphrase is "secret" via the environment.
    QString newProfile(QTemporaryDir& dir) {
        const QString profile = dir.filePath(QStringLiteral("profile"));
        const Run r = tandemctl({QStringLiteral("--profile"), profile, QStringLiteral("create"),
                                 QStringLiteral("--kdf"), QStringLiteral("interactive")},
                                {{QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("secret")}});
        if (r.status != 0) {
            qFatal("create failed: %s", qPrintable(r.err));
        }
        return profile;
    }

    static const QMap<QString, QString>& secret() {
        static const QMap<QString, QString> env{
            {QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("secret")}};
        return env;
    }

    static void expectOneLineError(const Run& r, int status, const QString& contains) {
        QCOMPARE(r.status, status);
        QCOMPARE(r.errLines().size(), qsizetype{1});
        QVERIFY2(r.err.contains(contains), qPrintable(r.err));
        QVERIFY(r.err.startsWith(QStringLiteral("tandemctl")));
    }

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
