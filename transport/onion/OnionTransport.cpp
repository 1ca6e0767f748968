#include "transport/onion/OnionTransport.h"

namespace tandem::transport::onion {

using proto::node::SwarmReply;
using proto::node::SwarmRequest;

OnionTransport::OnionTransport(NodeDirectory directory, OnionIdentity identity,
                               std::optional<crypto::PublicKey> guard, QObject* parent)
    : Transport(parent),
      identity_(std::move(identity)),
      nodes_(std::move(directory), identity_.sessionId),
      paths_(nodes_, guard),
      sender_(paths_, nodes_),
      poller_(paths_, nodes_, identity_),
      blobs_(paths_, nodes_),
      records_(paths_, nodes_) {
    connect(&paths_, &OnionPaths::guardChanged, this, &OnionTransport::guardChanged);
    connect(&paths_, &OnionPaths::changed, this, &OnionTransport::updateStatus);
    connect(&paths_, &OnionPaths::tested, this, &OnionTransport::onPathTested);
    connect(&paths_, &OnionPaths::testFailed, this, [this] {
        // Said at once: with no other path ready we are offline now, and whoever waits for
        // us to be back (the core's held sends) hears it when we are.
        updateStatus();
        if (running_) {
            retryTimer_.start(500);
        }
    });
    connect(&sender_, &OnionSender::accepted, this, &Transport::accepted);
    connect(&sender_, &OnionSender::failed, this, &Transport::failed);
    connect(&poller_, &OnionPoller::received, this, &Transport::received);
    connect(&poller_, &OnionPoller::lastSeenChanged, this, &OnionTransport::lastSeenChanged);
    connect(&poller_, &OnionPoller::retry, this, [this] { retryTimer_.start(1000); });
    connect(&blobs_, &OnionBlobClient::blobProgress, this, &Transport::blobProgress);
    connect(&blobs_, &OnionBlobClient::blobStored, this, &Transport::blobStored);
    connect(&blobs_, &OnionBlobClient::blobFetched, this, &Transport::blobFetched);
    connect(&blobs_, &OnionBlobClient::blobFailed, this, &Transport::blobFailed);
    connect(&records_, &OnionRecordClient::recordStored, this, &Transport::recordStored);
    connect(&records_, &OnionRecordClient::recordFetched, this, &Transport::recordFetched);
    connect(&records_, &OnionRecordClient::recordFailed, this, &Transport::recordFailed);
    refreshTimer_.setInterval(kDirectoryRefreshMs);
    connect(&refreshTimer_, &QTimer::timeout, this, &OnionTransport::refreshDirectory);
    retryTimer_.setSingleShot(true);
    connect(&retryTimer_, &QTimer::timeout, this, &OnionTransport::retry);
}

OnionTransport::~OnionTransport() {
    stop();
}

void OnionTransport::start() {
    if (running_) {
        return;
    }
    running_ = true;
    sender_.start();
    poller_.start();
    blobs_.start();
    records_.start();
    nodes_.clearSuspects();  // a new start tries every node again
    status_.state = TransportStatus::State::Connecting;
    status_.detail = QStringLiteral("Building onion paths");
    emit statusChanged(status_);
    for (int i = 0; i < OnionPaths::kPaths; ++i) {
        paths_.build(i, false);
    }
    refreshTimer_.start();
}

void OnionTransport::stop() {
    running_ = false;
    poller_.stop();
    retryTimer_.stop();
    refreshTimer_.stop();
    // Acknowledgements not sent yet wait for the next start (what they name is delivered
    // again meanwhile only if this member is read from its beginning: the core drops it).
    paths_.abandonRequests();  // what waits on them is failed below, not called back
    sender_.stop();
    blobs_.stop();
    records_.stop();
    paths_.clear();
    status_.state = TransportStatus::State::Offline;
    status_.path.clear();
}

void OnionTransport::retry() {
    if (!running_) {
        return;
    }
    paths_.buildMissing();
    poller_.poll();
}

void OnionTransport::onPathTested(const std::string& signedDirectory) {
    updateStatus();
    sender_.flush();
    blobs_.flush();
    records_.flush();
    poller_.poll();
    // Adopted once this callback is done (it may rebuild paths); none came when the node's
    // was not newer than ours.
    if (!signedDirectory.empty()) {
        QTimer::singleShot(0, this, [this, signedDirectory] { adoptDirectory(signedDirectory); });
    }
}

void OnionTransport::send(const OutgoingEnvelope& envelope) {
    sender_.send(envelope);
}

void OnionTransport::acknowledge(const QByteArray& serverId) {
    poller_.acknowledge(serverId);
}

void OnionTransport::putBlob(const QByteArray& requestId, const QByteArray& ciphertext) {
    blobs_.put(requestId, ciphertext);
}

void OnionTransport::getBlob(const QByteArray& requestId, const BlobRef& ref) {
    blobs_.get(requestId, ref);
}

void OnionTransport::putRecord(const QByteArray& requestId, const crypto::SignedRecord& record) {
    records_.put(requestId, record);
}

void OnionTransport::getRecord(const QByteArray& requestId, const QByteArray& address) {
    records_.get(requestId, address);
}

std::optional<QString> OnionTransport::pollAddress() const {
    return poller_.pollAddress();
}

std::optional<QString> OnionTransport::routeAddress(const QString& recipient) const {
    return sender_.routeAddress(recipient);
}

QStringList OnionTransport::routeHops(const QString& recipient) const {
    return sender_.routeHops(recipient);
}

QHash<QString, QString> OnionTransport::routes() const {
    return sender_.routes();
}

std::vector<NodeInfo> OnionTransport::guards() const {
    return paths_.guards();
}

QString OnionTransport::stateForDiagnostics() const {
    return QStringLiteral(
               "paths ready %1, sends queued %2 (in flight to %3 recipients), "
               "%4 poll out, poll timer %5")
        .arg(paths_.ready())
        .arg(sender_.queued())
        .arg(sender_.inFlight())
        .arg(poller_.isPolling() ? 1 : 0)
        .arg(poller_.isWaiting() ? QStringLiteral("on") : QStringLiteral("off"));
}

void OnionTransport::setDirectoryRefreshInterval(int ms) {
    refreshTimer_.setInterval(std::max(ms, 100));
}

void OnionTransport::refreshDirectory() {
    const auto path = paths_.pick();
    if (!running_ || !networkKey_ || !path) {
        return;
    }
    const auto& p = paths_.at(*path);
    const auto destination = nodes_.randomNode({p->guard.address, p->middle.address}, std::nullopt);
    if (!destination) {
        return;
    }
    SwarmRequest get;
    get.mutable_get_directory()->set_newer_than(nodes_.directory().version);
    paths_.request(*path, *destination, get, 15000,
                   [this](Expected<SwarmReply, TransportError> reply) {
                       if (running_ && reply && reply->has_directory()) {
                           adoptDirectory(reply->directory());
                       }
                   });
}

void OnionTransport::adoptDirectory(const std::string& signedDirectory) {
    if (!networkKey_ || !running_) {  // queued before a stop(): nothing to rebuild now
        return;
    }
    auto verified =
        NodeDirectory::verify(crypto::view(signedDirectory), *networkKey_, &nodes_.directory());
    if (!verified) {
        qCWarning(lcOnion) << "a node handed out a directory that does not verify:"
                           << verified.error();
        return;
    }
    if (verified->version <= nodes_.directory().version) {
        return;
    }
    qCInfo(lcOnion) << "adopting directory version" << verified->version << "with"
                    << verified->nodes.size() << "nodes";
    nodes_.setDirectory(std::move(verified).value());
    // Whatever names a node that is gone, or listed differently now, is chosen again.
    const auto listed = [this](const NodeInfo& n) {
        const NodeInfo* now = nodes_.directory().find(n.ed25519);
        return now != nullptr && now->address == n.address && now->swarmId == n.swarmId;
    };
    sender_.clearRoutes();
    poller_.directoryChanged(listed);
    paths_.rebuildUnlisted(listed);
    updateStatus();
    emit directoryChanged(QByteArray::fromStdString(signedDirectory));
}

void OnionTransport::updateStatus() {
    status_.path = paths_.statusPath();
    const bool online = !status_.path.isEmpty();
    status_.state = online ? TransportStatus::State::Online : TransportStatus::State::Connecting;
    status_.detail = online ? QStringLiteral("Connected through an onion path")
                            : QStringLiteral("Building onion paths");
    emit statusChanged(status_);
}

}  // namespace tandem::transport::onion
