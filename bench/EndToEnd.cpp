// relay_bench's end-to-end run through the real core.
#include "bench/EndToEnd.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include <QTemporaryDir>

#include "app/core/Await.h"
#include "app/core/Messenger.h"
#include "app/core/NetworkConfig.h"
#include "app/core/signal/SignalRegistration.h"
#include "bench/StoreTrace.h"
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
    StoreTrace trace;
};

// --trace: one message's steps, from both stores' commits (µs after sendText).
struct Steps {
    std::vector<std::int64_t> toSenderStore, sealAndRows, senderCommit, hop, openAndRows,
        receiverCommit, back, senderPages, receiverPages, otherCommits;

    int leftOut = 0;

    void add(std::int64_t start, std::int64_t end, const StoreTrace::Commit& a,
             const StoreTrace::Commit& b, int others) {
        if (a.endNs == 0 || b.endNs == 0 || b.beganNs < a.endNs) {
            ++leftOut;  // not the shape we expect (a retry, overlapping commits)
            return;
        }
        toSenderStore.push_back(a.beganNs - start);
        sealAndRows.push_back(a.committingNs - a.beganNs);
        senderCommit.push_back(a.endNs - a.committingNs);
        hop.push_back(b.beganNs - a.endNs);
        openAndRows.push_back(b.committingNs - b.beganNs);
        receiverCommit.push_back(b.endNs - b.committingNs);
        back.push_back(end - b.endNs);
        senderPages.push_back(a.pages);
        receiverPages.push_back(b.pages);
        otherCommits.push_back(others);
    }

    static double med(std::vector<std::int64_t> v) {
        if (v.empty()) {
            return 0;
        }
        std::sort(v.begin(), v.end());
        return static_cast<double>(v[v.size() / 2]);
    }

    void print() const {
        std::fprintf(stderr,
                     "\ntrace of %zu messages (%d left out: not one commit on each side in "
                     "order), medians (µs); the hooks cost a few µs a statement, so quote the "
                     "end-to-end percentiles of a run without --trace:\n"
                     "  sendText -> the sender's transaction begins      %8.1f\n"
                     "  load ratchet, seal, message + outbox rows         %8.1f\n"
                     "  sender's COMMIT (%2.0f pages)                        %8.1f\n"
                     "  back to the core, relay hop, to the receiver's store %5.1f\n"
                     "  open, ratchet step, message + receipt rows        %8.1f\n"
                     "  receiver's COMMIT (%2.0f pages)                      %8.1f\n"
                     "  back on the core thread, messageReceived          %8.1f\n"
                     "  other commits meanwhile (either store)            %8.0f\n",
                     toSenderStore.size(), leftOut, med(toSenderStore) / 1e3,
                     med(sealAndRows) / 1e3, med(senderPages), med(senderCommit) / 1e3,
                     med(hop) / 1e3, med(openAndRows) / 1e3, med(receiverPages),
                     med(receiverCommit) / 1e3, med(back) / 1e3, med(otherCommits));
    }
};

constexpr int warmupMessages = 30;

}  // namespace

EndToEndResult endToEnd(const Options& o, RelaydUnderTest& relay) {
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
        if (o.trace) {
            p->trace.attach(p->store);
        } else if (p == &bob) {
            p->trace.attachCommitsOnly(p->store);  // when his store has each message
        }
        if (!core::awaitFuture(p->messenger->start())) {
            qFatal("cannot start a messenger");
        }
        core::spinUntil([&] { return p->messenger->isConnected(storage::Mode::Signal); }, 10000);
    }
    OneAtATimeHop hop(relay, warmupMessages + o.e2eMessages, o.payload);
    std::vector<std::int64_t> hops;
    std::vector<std::int64_t> latencies;
    std::vector<std::int64_t> toStore;  // only after a send that began with both sides idle
    bool settled = true;
    Steps steps;
    const int warmup = warmupMessages;
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
            // The first commit of Bob's that wrote pages after the send: the one that stored
            // it (nothing else of his runs meanwhile: both sides are idle before each send).
            if (const auto stored = bob.trace.firstCommitAfter(start);
                settled && stored.endNs != 0) {
                toStore.push_back(stored.endNs - start);
            }
            if (o.trace) {
                const auto a = alice.trace.firstCommitAfter(start);
                const auto b = bob.trace.firstCommitAfter(start);
                steps.add(start, bob.receivedAtNs, a, b,
                          alice.trace.commitsBetween(start, bob.receivedAtNs) +
                              bob.trace.commitsBetween(start, bob.receivedAtNs) - 2);
            }
        } else if (i == warmup - 1 && o.trace) {
            alice.trace.clearStatements();
            bob.trace.clearStatements();
        }
        // Steady, not saturated: the delivery receipt goes back before the next message.
        settled = core::spinUntil(
            [&] { return alice.messenger->isIdle() && bob.messenger->isIdle(); }, 2000);
    }
    // Then the hop alone, one message at a time at about the texts' pace (each sent ~1 ms
    // after the last arrived), on the same relay. Not interleaved with the texts: the relay's
    // work for one (acknowledgements, commits) then lands on the other — the texts took
    // ~400 µs more — and a pause long enough to avoid that lets every thread go cold.
    for (int i = 0; i < warmup + o.e2eMessages; ++i) {
        if (const auto h = hop.once(); h && i >= warmup) {
            hops.push_back(*h);
        }
        core::spinUntil([] { return false; }, 1);
    }
    if (o.trace) {
        steps.print();
        for (Profile* p : {&alice, &bob}) {
            const auto size = core::awaitFuture(
                p->store.read([](storage::Repositories& r) -> storage::StoreResult<std::int64_t> {
                    return r.db.queryInt("SELECT max(length(state)) FROM crypto_sessions");
                }));
            std::fprintf(stderr, "  %s's ratchet record: %lld bytes\n",
                         p == &alice ? "sender" : "receiver",
                         static_cast<long long>(size ? *size : -1));
        }
        alice.trace.printStatements(stderr, "sender (all its transactions)", 14);
        bob.trace.printStatements(stderr, "receiver (all its transactions)", 14);
    }
    return EndToEndResult{percentiles(std::move(toStore)), percentiles(std::move(latencies)),
                          percentiles(std::move(hops))};
}

}  // namespace tandem::bench
