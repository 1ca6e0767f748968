#include "app/core/signal/AccountIdLookup.h"

#include <QDateTime>

#include "app/core/CoreLog.h"
#include "app/core/Guarded.h"
#include "app/core/signal/SignalCodec.h"
#include "tandem/common/Clock.h"
#include "transport/relay/Address.h"

namespace tandem::core::signalmode {

using namespace tandem::storage;
using transport::TransportError;

AccountIdLookup::~AccountIdLookup() {
    store_.post([] {}).waitForFinished();  // no continuation of ours is left to run
}

void AccountIdLookup::run(transport::RelayAccountClient relay) {
    if (running_) {
        return;
    }
    running_ = true;
    const std::int64_t now = nowMs();
    std::erase_if(lookedUp_, [now](const auto& entry) { return entry.second < now - kEveryMs; });
    store_.read(
        [skip = lookedUp_](Repositories& r) -> StoreResult<QStringList> {
            TANDEM_TRY_ASSIGN(const auto all, r.contacts.list(Mode::Signal));
            QStringList unresolved;
            for (const Contact& c : all) {
                if (c.serviceId.isEmpty() && relay::isE164(c.address) &&
                    skip.count(c.address) == 0 &&
                    unresolved.size() < transport::RelayAccountClient::kMaxLookup) {
                    unresolved.push_back(c.address);
                }
            }
            return unresolved;
        },
        this,
        [this, relay](StoreResult<QStringList> unresolved) mutable {
            if (!unresolved || unresolved->empty()) {
                running_ = false;
                return;
            }
            for (const QString& phone : *unresolved) {
                lookedUp_[phone] = nowMs();
            }
            relay.lookup(*unresolved)
                .then(guarded(
                    this, [this](Expected<std::vector<transport::LookedUp>, TransportError> found) {
                        if (!found) {
                            running_ = false;
                            return;
                        }
                        store_.write(
                            [found =
                                 std::move(found).value()](Repositories& r) -> StoreResult<void> {
                                for (const auto& [phone, aci] : found) {
                                    if (aci.size() != relay::kAciBytes) {
                                        continue;
                                    }
                                    TANDEM_TRY_ASSIGN(const auto contact,
                                                      r.contacts.find(Mode::Signal, phone));
                                    if (contact) {
                                        TANDEM_TRY(learnServiceId(r, *contact,
                                                                  relay::aciAddress(aci), nowMs()));
                                    }
                                }
                                return {};
                            },
                            this,
                            [this](StoreResult<void> stored) {
                                running_ = false;
                                if (!stored) {
                                    qCWarning(lcCore) << "cannot record contacts' account ids:"
                                                      << stored.error().message;
                                }
                            });
                    }));
        });
}

}  // namespace tandem::core::signalmode
