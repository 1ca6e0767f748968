// relay_bench's end-to-end run through the real core.
#include "bench/EndToEnd.h"

#include <memory>
#include <vector>

#include <QTemporaryDir>

#include "app/core/Await.h"
#include "app/core/Messenger.h"
#include "app/core/NetworkConfig.h"
#include "app/core/signal/SignalRegistration.h"
#include "storage/Store.h"

namespace tandem::bench {

namespace {

struct Profile {
    QTemporaryDir dir;
    storage::Store store;
    std::unique_ptr<core::Messenger> messenger;
    QString phone;
    int received = 0;
    std::int64_t receivedAtNs = 0;  // when the last message was stored and announced
};

}  // namespace

Percentiles endToEnd(const Options& o, RelaydUnderTest& relay) {
    const auto network = core::NetworkConfig::load(relay.writeNetworkJson());
    if (!network) {
        qFatal("bad network file");
    }
    Profile alice;
    Profile bob;
    alice.phone = QStringLiteral("+15556000001");
    bob.phone = QStringLiteral("+15556000002");
    for (Profile* p : {&alice, &bob}) {
        if (!core::awaitFuture(p->store.create(
                p->dir.path(),
                storage::Credentials::withPassphrase(SecretBytes::fromString("bench passphrase")),
                storage::KdfStrength::Interactive))) {
            qFatal("cannot create a profile");
        }
        core::SignalRegistration registration(p->store, *network, p->phone);
        (void)core::awaitFuture(registration.requestCode());
        if (!core::awaitFuture(registration.complete(QString()))) {
            qFatal("cannot register");
        }
        p->messenger = std::make_unique<core::Messenger>(p->store);
        QObject::connect(p->messenger.get(), &core::Messenger::messageReceived,
                         [p](const storage::Message&, const QString&, storage::Mode) {
                             p->receivedAtNs = nowNs();
                             ++p->received;
                         });
        if (!core::awaitFuture(p->messenger->start())) {
            qFatal("cannot start a messenger");
        }
        core::spinUntil([&] { return p->messenger->isConnected(storage::Mode::Signal); }, 10000);
    }
    std::vector<std::int64_t> latencies;
    const int warmup = 30;
    for (int i = 0; i < warmup + o.e2eMessages; ++i) {
        const int before = bob.received;
        const std::int64_t start = nowNs();
        (void)alice.messenger->sendText(storage::Mode::Signal, bob.phone,
                                        QStringLiteral("message %1").arg(i));
        if (!core::spinUntil([&] { return bob.received > before; }, 10000)) {
            qFatal("a message did not arrive");
        }
        if (i >= warmup) {
            latencies.push_back(bob.receivedAtNs - start);
        }
        // Steady, not saturated: the delivery receipt goes back before the next message.
        core::spinUntil([&] { return alice.messenger->isIdle() && bob.messenger->isIdle(); }, 2000);
    }
    return percentiles(latencies);
}

}  // namespace tandem::bench
