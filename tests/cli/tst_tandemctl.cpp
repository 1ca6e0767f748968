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
        for (const char* command :
             {"create", "change-passphrase", "send", "history", "safety-number", "phrase-check"}) {
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
};

QTEST_GUILESS_MAIN(TandemctlTest)
#include "tst_tandemctl.moc"
