// RunningInstance: one app per user and profile. The first `tandem` for a profile listens on a
// local socket named after the profile's folder, in the user's own runtime folder; a second one
// started for the same profile — the desktop opening a tandem:// link runs `tandem %u`
// (x-scheme-handler/tandem) — hands its links to the first and exits, so the link opens in the
// window that is already there.
//
// The socket is $XDG_RUNTIME_DIR/tandem-<16 hex digits of SHA-256 of the profile's absolute
// path>.sock (QStandardPaths::RuntimeLocation, a 0700 folder of the user's; the socket itself is
// made with QLocalServer::UserAccessOption). Without a runtime folder of the user's there is no
// socket: a guessable name in /tmp could be someone else's, who would receive our links. A
// socket that does not answer is removed only when nobody listens on it (a crash left it); a
// live instance that was slow keeps it. One line per request, then "end"; the first
// instance answers "ok" once it has taken them:
//   link tandem://…     a link to open (as a link given on the command line)
//   activate            come to the front
// A line longer than a link can be, or one that is none of these, ends the connection unheard.
// What arrives is a link like any other: the shell reads it with the strict link parser.
#pragma once

#include <QLocalServer>
#include <QLocalSocket>
#include <QObject>
#include <QString>
#include <QStringList>

namespace tandem::gui {

class RunningInstance : public QObject {
    Q_OBJECT
public:
    explicit RunningInstance(const QString& profileDir, QObject* parent = nullptr);
    ~RunningInstance() override;

    // Where the instance for `profileDir` listens.
    static QString socketPath(const QString& profileDir);

    // If an instance runs for the profile, sends it `links` and asks it to come to the front;
    // true once it has answered. Blocks for at most `timeoutMs` (no event loop needed).
    bool forward(const QStringList& links, int timeoutMs = 3000);
    // Becomes the instance for the profile. A socket left by an app that crashed is replaced;
    // false (with `error`) if it cannot listen.
    bool listen(QString* error);

signals:
    void linkReceived(const QString& link);
    void activationRequested();

private:
    void serve(QLocalSocket* socket);

    QString path_;
    QLocalServer server_;
};

}  // namespace tandem::gui
