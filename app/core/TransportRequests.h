// TransportRequests: one transport's blob and record requests as calls with a callback, for
// the sticker (and attachment) jobs. The Transport answers by signals that name a request id;
// this class gives every call its own id and calls back exactly once, on the core thread.
// A request still open when this object goes is never called back.
#pragma once

#include <functional>
#include <map>
#include <memory>

#include <QObject>

#include <tandem/common/Expected.h>

#include "app/core/ModeChannel.h"
#include "crypto/SignedRecord.h"
#include "transport/Transport.h"

namespace tandem::core {

class TransportRequests : public QObject {
    Q_OBJECT
public:
    template <class T>
    using Result = Expected<T, transport::TransportError>;
    template <class T>
    using Callback = std::function<void(Result<T>)>;

    explicit TransportRequests(transport::Transport& transport, QObject* parent = nullptr);

    [[nodiscard]] transport::Transport& transport() const { return transport_; }

    void putBlob(const QByteArray& ciphertext, Callback<transport::BlobRef> done);
    void getBlob(const transport::BlobRef& ref, Callback<QByteArray> done);
    // The record is verified by the transport before it is handed back.
    void putRecord(const crypto::SignedRecord& record, Callback<quint64> done);
    void getRecord(const QByteArray& address, Callback<crypto::SignedRecord> done);

private:
    QByteArray nextId();
    template <class T>
    void answer(std::map<QByteArray, Callback<T>>& pending, const QByteArray& id, Result<T> r);

    transport::Transport& transport_;
    quint64 counter_ = 0;
    std::map<QByteArray, Callback<transport::BlobRef>> puts_;
    std::map<QByteArray, Callback<QByteArray>> gets_;
    std::map<QByteArray, Callback<quint64>> recordPuts_;
    std::map<QByteArray, Callback<crypto::SignedRecord>> recordGets_;
};

// One TransportRequests per mode, over that mode's channel's transport: made when first asked
// for, and made again when the channel's transport is another one. nullptr without a transport.
class ModeRequests {
public:
    explicit ModeRequests(const Channels& channels) : channels_(channels) {}
    TransportRequests* operator()(storage::Mode mode);

private:
    const Channels& channels_;
    std::map<storage::Mode, std::unique_ptr<TransportRequests>> requests_;
};

}  // namespace tandem::core
