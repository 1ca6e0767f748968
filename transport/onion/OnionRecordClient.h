// OnionRecordClient: signed mutable records (crypto/SignedRecord.h) from the client's side of
// the onion network. A record goes through a path to a member of the swarm nearest its address
// (its 32 bytes read as a ring key, as a blob's id), which checks it, keeps it if it is newer
// and replicates it to the rest of the swarm before recordStored(version); a record that is
// not newer is refused there as StaleVersion (with the version held). put() checks the record
// first (verifyRecord): a record over kMaxRecordPayloadBytes is TooLarge before anything is
// sent. get() asks a member of that swarm and takes its answer only if the record verifies and
// is at the address asked for; a member without it (NOT_FOUND), with a record that does not
// verify, or that does not answer is passed over for another, up to kAttempts; then NotFound
// (or the last failure). Without a ready path a request waits (at most kMaxWaiting) for flush().
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <set>

#include <QByteArray>
#include <QObject>
#include <QSet>
#include <QString>

#include <tandem/common/Expected.h>

#include "crypto/SignedRecord.h"
#include "tandem/node.pb.h"
#include "transport/Transport.h"

namespace tandem::transport::onion {

class NodeChooser;
class OnionPaths;

class OnionRecordClient : public QObject {
    Q_OBJECT
public:
    static constexpr int kAttempts = 3;
    static constexpr std::size_t kMaxWaiting = 20000;

    OnionRecordClient(OnionPaths& paths, NodeChooser& nodes, QObject* parent = nullptr);

    void start() { running_ = true; }
    // Every request waiting or on the wire fails (the links were abandoned: no answer comes).
    void stop();
    void put(const QByteArray& requestId, const crypto::SignedRecord& record);
    void get(const QByteArray& requestId, const QByteArray& address);
    // Runs what waits for a path (a path is ready).
    void flush();

signals:
    void recordStored(const QByteArray& requestId, quint64 storedVersion);
    void recordFetched(const QByteArray& requestId, const tandem::crypto::SignedRecord& record);
    void recordFailed(const QByteArray& requestId, const tandem::transport::TransportError& error);

private:
    struct RecordOp {
        QByteArray requestId;
        QByteArray address;
        std::optional<crypto::SignedRecord> record;  // put: the record
        int attempt = 0;                             // requests made
        int reroutes = 0;         // paths rebuilt because their hops were the members left
        std::set<QString> tried;  // members that did not have it, or did not answer
        std::optional<TransportError> lastError;
    };
    void run(RecordOp op);
    void answered(RecordOp op, const QString& member,
                  Expected<proto::node::SwarmReply, TransportError> reply);
    void giveUp(const RecordOp& op);

    OnionPaths& paths_;
    NodeChooser& nodes_;
    bool running_ = false;
    std::deque<RecordOp> waiting_;  // for a path
    QSet<QByteArray> inFlight_;     // request ids on the wire (stop() fails them)
};

}  // namespace tandem::transport::onion
