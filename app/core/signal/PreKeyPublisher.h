// PreKeyPublisher: puts this account's prekeys at the relay (Signal mode). One path for
// registration and for every later connection: whatever the profile holds that was never
// uploaded (the signed prekey, one-time prekeys) goes up, and is marked uploaded only once
// the relay took it. refill() first asks the relay how many one-time prekeys it has left and
// makes kBatch more when fewer than kLowWater remain (rotating the signed prekey when due).
// A failure leaves the keys marked not uploaded: the next connection tries again.
#pragma once

#include <QFuture>
#include <QObject>

#include "app/core/CoreError.h"
#include "app/core/signal/SignalCodec.h"
#include "storage/Store.h"
#include "transport/relay/RelayAccountClient.h"

namespace tandem::core::signalmode {

class PreKeyPublisher : public QObject {
    Q_OBJECT
public:
    static constexpr std::int64_t kLowWater = 20;
    static constexpr int kBatch = 100;  // also the most one upload carries

    explicit PreKeyPublisher(storage::Store& store, QObject* parent = nullptr)
        : QObject(parent), store_(store) {}
    ~PreKeyPublisher() override;

    // How many keys went up.
    QFuture<CoreResult<int>> uploadPending(transport::RelayAccountClient relay);
    QFuture<CoreResult<int>> refill(transport::RelayAccountClient relay, const Identity& me);
    [[nodiscard]] bool busy() const { return busy_; }

private:
    storage::Store& store_;
    bool busy_ = false;
};

}  // namespace tandem::core::signalmode
