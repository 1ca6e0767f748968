#include "app/core/TransportRequests.h"

namespace tandem::core {

using transport::BlobRef;
using transport::TransportError;

TransportRequests::TransportRequests(transport::Transport& transport, QObject* parent)
    : QObject(parent), transport_(transport) {
    connect(&transport, &transport::Transport::blobStored, this,
            [this](const QByteArray& id, const BlobRef& ref) { answer(puts_, id, {ref}); });
    connect(&transport, &transport::Transport::blobFetched, this,
            [this](const QByteArray& id, const QByteArray& data) { answer(gets_, id, {data}); });
    connect(&transport, &transport::Transport::blobFailed, this,
            [this](const QByteArray& id, const TransportError& e) {
                answer(puts_, id, Result<BlobRef>(unexpected(e)));
                answer(gets_, id, Result<QByteArray>(unexpected(e)));
            });
    connect(&transport, &transport::Transport::recordStored, this,
            [this](const QByteArray& id, quint64 version) {
                answer(recordPuts_, id, Result<quint64>(version));
            });
    connect(&transport, &transport::Transport::recordFetched, this,
            [this](const QByteArray& id, const crypto::SignedRecord& record) {
                answer(recordGets_, id, Result<crypto::SignedRecord>(record));
            });
    connect(&transport, &transport::Transport::recordFailed, this,
            [this](const QByteArray& id, const TransportError& e) {
                answer(recordPuts_, id, Result<quint64>(unexpected(e)));
                answer(recordGets_, id, Result<crypto::SignedRecord>(unexpected(e)));
            });
}

QByteArray TransportRequests::nextId() {
    // Unique among this object's requests; other users of the transport use other prefixes.
    return QByteArrayLiteral("tr:") + QByteArray::number(reinterpret_cast<quintptr>(this), 16) +
           ':' + QByteArray::number(++counter_);
}

template <class T>
void TransportRequests::answer(std::map<QByteArray, Callback<T>>& pending, const QByteArray& id,
                               Result<T> r) {
    const auto it = pending.find(id);
    if (it == pending.end()) {
        return;
    }
    Callback<T> done = std::move(it->second);
    pending.erase(it);
    done(std::move(r));
}

void TransportRequests::putBlob(const QByteArray& ciphertext, Callback<BlobRef> done) {
    const QByteArray id = nextId();
    puts_.emplace(id, std::move(done));
    transport_.putBlob(id, ciphertext);
}

void TransportRequests::getBlob(const BlobRef& ref, Callback<QByteArray> done) {
    const QByteArray id = nextId();
    gets_.emplace(id, std::move(done));
    transport_.getBlob(id, ref);
}

void TransportRequests::putRecord(const crypto::SignedRecord& record, Callback<quint64> done) {
    const QByteArray id = nextId();
    recordPuts_.emplace(id, std::move(done));
    transport_.putRecord(id, record);
}

void TransportRequests::getRecord(const QByteArray& address, Callback<crypto::SignedRecord> done) {
    const QByteArray id = nextId();
    recordGets_.emplace(id, std::move(done));
    transport_.getRecord(id, address);
}

TransportRequests* ModeRequests::operator()(storage::Mode mode) {
    ModeChannel* channel = channels_[mode];
    transport::Transport* t = channel != nullptr ? channel->transport() : nullptr;
    if (t == nullptr) {
        return nullptr;
    }
    auto& slot = requests_[mode];
    if (!slot || &slot->transport() != t) {
        slot = std::make_unique<TransportRequests>(*t);
    }
    return slot.get();
}

}  // namespace tandem::core
