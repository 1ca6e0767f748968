// OnionBlobClient: the onion file store from the client's side (Blob.h). put() refuses more
// than kMaxBlobBytes with TooLarge before anything is sent; otherwise the blob goes through a
// path to a member of the swarm nearest its id, which replicates it to the rest of the swarm
// before blobStored(BlobRef{id, size}). get() asks a member of that swarm and checks the
// bytes against the id; a member without it (NOT_FOUND) or with other bytes is passed over
// for another, up to kAttempts; then NotFound. blobProgress() comes at the start (0) and the
// end (size) of each. Without a ready path a blob waits (at most kMaxWaiting) for flush().
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>

#include <QByteArray>
#include <QObject>
#include <QSet>
#include <QString>

#include <tandem/common/Expected.h>

#include "tandem/node.pb.h"
#include "transport/Transport.h"

namespace tandem::transport::onion {

class NodeChooser;
class OnionPaths;

class OnionBlobClient : public QObject {
    Q_OBJECT
public:
    static constexpr int kAttempts = 3;
    static constexpr std::size_t kMaxWaiting = 20000;

    OnionBlobClient(OnionPaths& paths, NodeChooser& nodes, QObject* parent = nullptr);

    void start() { running_ = true; }
    // Every blob waiting or on the wire fails (the links were abandoned: no answer comes).
    void stop();
    void put(const QByteArray& requestId, const QByteArray& ciphertext);
    void get(const QByteArray& requestId, const BlobRef& ref);
    // Runs what waits for a path (a path is ready).
    void flush();

signals:
    void blobProgress(const QByteArray& requestId, qint64 done, qint64 total);
    void blobStored(const QByteArray& requestId, const tandem::transport::BlobRef& ref);
    void blobFetched(const QByteArray& requestId, const QByteArray& ciphertext);
    void blobFailed(const QByteArray& requestId, const tandem::transport::TransportError& error);

private:
    struct BlobOp {
        QByteArray requestId;
        bool put = false;
        QByteArray id;
        QByteArray data;  // put: the ciphertext
        std::int64_t size = 0;
        int attempt = 0;          // requests made
        int reroutes = 0;         // paths rebuilt because their hops were the members left to ask
        std::set<QString> tried;  // members that did not have it, or did not answer
        std::optional<TransportError> lastError;
    };
    void run(BlobOp op);
    void done(const BlobOp& op, Expected<proto::node::SwarmReply, TransportError> reply);

    OnionPaths& paths_;
    NodeChooser& nodes_;
    bool running_ = false;
    std::deque<BlobOp> waiting_;  // for a path
    QSet<QByteArray> inFlight_;   // request ids on the wire (stop() fails them)
};

}  // namespace tandem::transport::onion
