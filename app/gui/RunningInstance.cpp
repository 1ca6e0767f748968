#include "app/gui/RunningInstance.h"

#include <memory>
#include <utility>

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QLocalSocket>
#include <QStandardPaths>

#include "app/core/Links.h"

namespace tandem::gui {

namespace {

// A line: "link " and the longest link the parser reads.
constexpr qsizetype kMaxLineBytes = core::kMaxLinkChars + 16;
// Links in one request: a desktop hands over one; a few is already generous.
constexpr int kMaxLinks = 16;

bool writeAll(QLocalSocket& socket, const QByteArray& bytes, int timeoutMs) {
    if (socket.write(bytes) != bytes.size()) {
        return false;
    }
    while (socket.bytesToWrite() > 0) {
        if (!socket.waitForBytesWritten(timeoutMs)) {
            return false;
        }
    }
    return true;
}

}  // namespace

RunningInstance::RunningInstance(const QString& profileDir, QObject* parent)
    : QObject(parent), path_(socketPath(profileDir)) {
    server_.setSocketOptions(QLocalServer::UserAccessOption);
    connect(&server_, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket* socket = server_.nextPendingConnection()) {
            serve(socket);
        }
    });
}

RunningInstance::~RunningInstance() = default;

QString RunningInstance::socketPath(const QString& profileDir) {
    const QByteArray profile = QDir::cleanPath(QFileInfo(profileDir).absoluteFilePath()).toUtf8();
    const QByteArray digest =
        QCryptographicHash::hash(profile, QCryptographicHash::Sha256).toHex().left(16);
    QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (runtime.isEmpty()) {
        // No private runtime folder (Qt gives none when someone else holds ours): a socket
        // at a guessable name in /tmp could be another user's, who would get our links. The
        // app runs without handing links over.
        return {};
    }
    return QDir(runtime).filePath(QStringLiteral("tandem-%1.sock").arg(QLatin1String(digest)));
}

bool RunningInstance::forward(const QStringList& links, int timeoutMs) {
    if (path_.isEmpty()) {
        return false;
    }
    QLocalSocket socket;
    socket.connectToServer(path_);
    if (!socket.waitForConnected(timeoutMs)) {
        return false;  // none runs (or a stale socket): this one becomes the instance
    }
    QByteArray request;
    for (const QString& link : links) {
        request += "link " + link.trimmed().toUtf8() + '\n';
    }
    request += "activate\nend\n";
    if (!writeAll(socket, request, timeoutMs)) {
        return false;
    }
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(timeoutMs)) {
            return false;
        }
    }
    return socket.readLine().trimmed() == "ok";
}

bool RunningInstance::listen(QString* error) {
    if (path_.isEmpty() || server_.listen(path_)) {
        return true;
    }
    // forward() got no answer. Only a socket nobody listens on (left by an app that crashed)
    // is removed: a live one that was slow or refused our request stays its owner's.
    QLocalSocket probe;
    probe.connectToServer(path_);
    if (probe.waitForConnected(1000) || (probe.error() != QLocalSocket::ServerNotFoundError &&
                                         probe.error() != QLocalSocket::ConnectionRefusedError)) {
        *error =
            QStringLiteral("another Tandem answers on %1 but did not take our links").arg(path_);
        return false;
    }
    QLocalServer::removeServer(path_);
    if (server_.listen(path_)) {
        return true;
    }
    *error = QStringLiteral("cannot listen on %1: %2").arg(path_, server_.errorString());
    return false;
}

void RunningInstance::serve(QLocalSocket* socket) {
    connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
    auto links = std::make_shared<QStringList>();
    connect(socket, &QLocalSocket::readyRead, this, [this, socket, links] {
        while (socket->canReadLine()) {
            const QByteArray line = socket->readLine(kMaxLineBytes + 1).trimmed();
            if (line.startsWith("link tandem://") && line.size() <= kMaxLineBytes &&
                links->size() < kMaxLinks) {
                links->append(QString::fromUtf8(line.mid(5)));
            } else if (line == "activate") {
                links->append(QString());  // in its place among the links
            } else if (line == "end") {
                socket->write("ok\n");
                socket->disconnectFromServer();
                for (const QString& link : std::as_const(*links)) {
                    if (link.isEmpty()) {
                        emit activationRequested();
                    } else {
                        emit linkReceived(link);
                    }
                }
                links->clear();
                return;
            } else {
                socket->abort();  // not ours to read
                return;
            }
        }
        if (socket->bytesAvailable() > kMaxLineBytes) {
            socket->abort();  // a line with no end
        }
    });
}

}  // namespace tandem::gui
