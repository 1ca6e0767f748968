// AccountIdLookup: learns the relay account ids of the numbers the user saved (Signal mode).
// A message from one of them names only their account id, and must land in the conversation
// with the number. One lookup at a time, of at most RelayAccountClient::kMaxLookup numbers;
// each number is looked up at most once every kEveryMs (lookups share the relay's hourly
// budget with prekey bundles), so unregistered numbers do not crowd out the rest.
#pragma once

#include <map>

#include <QObject>

#include "storage/Store.h"
#include "transport/relay/RelayAccountClient.h"

namespace tandem::core::signalmode {

class AccountIdLookup : public QObject {
    Q_OBJECT
public:
    static constexpr std::int64_t kEveryMs = 3600 * 1000;

    explicit AccountIdLookup(storage::Store& store, QObject* parent = nullptr)
        : QObject(parent), store_(store) {}
    ~AccountIdLookup() override;

    // Looks up the saved numbers whose account id is not known yet (unless a lookup runs).
    void run(transport::RelayAccountClient relay);

private:
    storage::Store& store_;
    bool running_ = false;
    std::map<QString, std::int64_t> lookedUp_;  // number → when we last looked it up
};

}  // namespace tandem::core::signalmode
