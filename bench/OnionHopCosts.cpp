#include "bench/OnionHopCosts.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <sodium.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>

#include "bench/BenchSupport.h"
#include "crypto/Onion.h"
#include "crypto/QtBytes.h"
#include "tandem/node.pb.h"
#include "transport/onion/node/LongPolls.h"
#include "transport/onion/node/NodeStore.h"

namespace tandem::bench {

namespace {

// Median wall time of `n` calls, µs.
double medianUs(int n, const std::function<void()>& f) {
    std::vector<double> us;
    us.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const std::int64_t t0 = nowNs();
        f();
        us.push_back(static_cast<double>(nowNs() - t0) / 1000.0);
    }
    return median(std::move(us));
}

struct Primitives {
    int n;
    std::vector<std::uint8_t> key = std::vector<std::uint8_t>(32, 7);
    std::vector<std::uint8_t> nonce = std::vector<std::uint8_t>(24, 9);
    std::uint8_t secret[32]{};
    std::uint8_t peer[32]{};

    explicit Primitives(int iterations) : n(iterations) {
        randombytes_buf(secret, sizeof secret);
        crypto_scalarmult_base(peer, secret);
    }
    double x25519() {
        std::uint8_t shared[32];
        return medianUs(n, [&] {
            if (crypto_scalarmult(shared, secret, peer) != 0) {
                std::abort();
            }
        });
    }
    double x25519Base() {
        std::uint8_t pub[32];
        return medianUs(n, [&] { crypto_scalarmult_base(pub, secret); });
    }
    double blake2b() {  // the layer key: BLAKE2b-256 over DH ‖ e_pub ‖ node_pub
        std::uint8_t in[96]{};
        std::uint8_t out[32];
        return medianUs(n, [&] { crypto_generichash(out, 32, in, sizeof in, nullptr, 0); });
    }
    double seal(std::size_t bytes) {
        std::vector<std::uint8_t> in(bytes, 1);
        std::vector<std::uint8_t> out(bytes + 16);
        return medianUs(n, [&] {
            crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), nullptr, in.data(), in.size(),
                                                       nullptr, 0, nullptr, nonce.data(),
                                                       key.data());
        });
    }
    double open(std::size_t bytes) {
        std::vector<std::uint8_t> in(bytes, 1);
        std::vector<std::uint8_t> sealed(bytes + 16);
        crypto_aead_xchacha20poly1305_ietf_encrypt(sealed.data(), nullptr, in.data(), in.size(),
                                                   nullptr, 0, nullptr, nonce.data(), key.data());
        int ok = 0;
        const double us = medianUs(n, [&] {
            ok += crypto_aead_xchacha20poly1305_ietf_decrypt(in.data(), nullptr, nullptr,
                                                             sealed.data(), sealed.size(), nullptr,
                                                             0, nonce.data(), key.data());
        });
        return ok == 0 ? us : -1;
    }
};

std::string hexId(int i) {
    char buf[80];
    std::snprintf(buf, sizeof buf, "05%064x", i);
    return buf;
}

}  // namespace

OnionHopCosts::OnionHopCosts(int payloadBytes, QString scratchDir, int iterations)
    : payloadBytes_(payloadBytes), scratchDir_(std::move(scratchDir)), iterations_(iterations) {}

void OnionHopCosts::measure() {
    stages_.clear();
    measureLayers();
    measureStore();
    measureFsync();
}

void OnionHopCosts::measureLayers() {
    const int n = iterations_;
    Primitives p(n);
    const double dh = p.x25519();
    const double dhBase = p.x25519Base();
    const double kdf = p.blake2b();

    // The store request the sender wraps, as OnionSender builds it.
    proto::node::SwarmRequest request;
    request.mutable_store()->set_recipient(hexId(1));
    request.mutable_store()->set_data(std::string(static_cast<std::size_t>(payloadBytes_), 'x'));
    const std::string requestBytes = request.SerializeAsString();

    std::vector<crypto::X25519KeyPair> nodes;
    std::vector<crypto::OnionHop> path;
    for (int i = 0; i < 3; ++i) {
        nodes.push_back(crypto::X25519KeyPair::generate());
        path.push_back({QStringLiteral("127.0.0.%1:40000").arg(10 + i), nodes.back().publicKey});
    }
    auto wrapped = crypto::wrapOnion(path, crypto::view(requestBytes));
    if (!wrapped) {
        qFatal("wrapOnion failed");
    }
    std::vector<crypto::Bytes> layers{wrapped->packet};
    for (int i = 0; i < 2; ++i) {
        auto peeled = crypto::peelOnion(nodes[static_cast<std::size_t>(i)], layers.back());
        layers.push_back(peeled->payload);
    }

    // Framing of one link: the node's NodeRequest around the layer, serialized and parsed,
    // sealed and opened as one channel frame (SecureChannel: XChaCha20-Poly1305 a frame).
    const auto framing = [&](const std::string& where, std::size_t layerBytes, int times) {
        proto::node::NodeRequest r;
        r.set_onion(std::string(layerBytes, 'y'));
        const std::size_t frame = r.ByteSizeLong();
        const double proto = medianUs(n, [&] {
            const std::string bytes = r.SerializeAsString();
            proto::node::NodeRequest back;
            (void)back.ParseFromString(bytes);
        });
        const double aead = p.seal(frame) + p.open(frame);
        stages_.push_back({where, "frame of " + std::to_string(frame) + " B: protobuf + seal/open",
                           proto + aead, "XChaCha20-Poly1305 seal + open", aead, times});
    };

    // Sender: three layers (an ephemeral key, a DH, a layer key and a seal each).
    double wrapPrims = 0;
    for (const auto& l : layers) {
        wrapPrims += dhBase + dh + kdf + p.seal(l.size());
    }
    stages_.push_back(
        {"sender", "wrapOnion, 3 layers",
         medianUs(n, [&] { (void)crypto::wrapOnion(path, crypto::view(requestBytes)); }),
         "3 × (X25519 base + X25519 + BLAKE2b + seal)", wrapPrims, 1});
    const char* names[] = {"guard", "middle", "member"};
    for (std::size_t i = 0; i < 3; ++i) {
        framing(std::string(names[i]) + " in", layers[i].size(), 1);
        stages_.push_back({names[i], "peelOnion (" + std::to_string(layers[i].size()) + " B)",
                           medianUs(n, [&] { (void)crypto::peelOnion(nodes[i], layers[i]); }),
                           "X25519 + BLAKE2b + open",
                           dh + kdf + p.open(layers[i].size() - crypto::kOnionLayerOverhead), 1});
    }
    // The answer to the long-poll: the message in a SwarmReply, sealed at the member, the
    // recipient's middle and guard, opened by the recipient.
    transport::onion::StoredMessage m;
    m.hash = QByteArray(32, 'h');
    m.data = QByteArray(payloadBytes_, 'x');
    const std::string reply = transport::onion::LongPolls::messagesReply({m}).SerializeAsString();
    SecretBytes layerKey(crypto::view(std::string(32, 'k')));
    std::vector<SecretBytes> keys;
    crypto::Bytes sealed(reply.begin(), reply.end());
    const char* back[] = {"member", "middle", "guard"};
    for (std::size_t i = 0; i < 3; ++i) {
        const crypto::Bytes in = sealed;
        const double real = medianUs(n, [&] { (void)crypto::sealOnionReply(layerKey.span(), in); });
        stages_.push_back({std::string(back[i]) + " out",
                           "sealOnionReply (" + std::to_string(in.size()) + " B)", real,
                           "randombytes nonce + seal", p.seal(in.size()), 1});
        sealed = crypto::sealOnionReply(layerKey.span(), in);
        keys.insert(keys.begin(), SecretBytes(crypto::view(std::string(32, 'k'))));
        framing(std::string(back[i]) + " out", sealed.size(), 1);
    }
    stages_.push_back({"recipient", "openOnionReply, 3 layers + parse",
                       medianUs(n,
                                [&] {
                                    auto opened = crypto::openOnionReply(keys, sealed);
                                    proto::node::SwarmReply r;
                                    (void)r.ParseFromArray(opened->data(),
                                                           static_cast<int>(opened->size()));
                                }),
                       "3 × open", p.open(sealed.size()) * 3, 1});
}

void OnionHopCosts::measureStore() {
    const QString dir = scratchDir_ + QStringLiteral("/hopcosts-store");
    QDir().mkpath(dir);
    auto store = transport::onion::NodeStore::open(dir);
    if (!store) {
        qFatal("NodeStore::open failed: %s", qPrintable(store.error()));
    }
    int i = 0;
    const std::int64_t now = nowNs() / 1000000;
    QByteArray data(payloadBytes_, 'z');
    const int n = std::min(iterations_, 200);
    commitUs_ = medianUs(n, [&] {
        std::memcpy(data.data(), &i, sizeof i);
        (void)(*store)->store(QString::fromStdString(hexId(i % 50)), data, 0, now + i);
        ++i;
    });
    // What the sender's "stored" waits for at each member: the commit, then its fsync on
    // WalSyncer's thread, handed back through the event loop.
    const double durable = medianUs(n, [&] {
        std::memcpy(data.data(), &i, sizeof i);
        (void)(*store)->store(QString::fromStdString(hexId(i % 50)), data, 0, now + i);
        ++i;
        bool synced = false;
        (*store)->whenDurable([&synced](bool) { synced = true; });
        for (int spins = 0; !synced && spins < 1'000'000; ++spins) {
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        }
    });
    const double read = medianUs(n, [&] {
        (void)(*store)->retrieve(QString::fromStdString(hexId(7)), QByteArray(), 256, now);
    });
    // Not summed into the push's path: the long-poll is answered before the commit
    // (SwarmService), and the fsync is on WalSyncer's thread; the commit (a WAL write) holds
    // the member's event loop, the sender's "stored" waits for the fsync too (and the
    // replicas', run at the same time).
    stages_.push_back(
        {"member", "NodeStore::store, one commit (WAL write, on the loop)", commitUs_, "", 0, 0});
    stages_.push_back({"member", "… until durable (WalSyncer's fsync, handed back)", durable,
                       "4 KiB write + fsync (below)", 0, 0});
    stages_.push_back({"member", "the long-poll's read (NodeStore::retrieve)", read, "", 0, 1});
}

void OnionHopCosts::measureFsync() {
    const QByteArray path = (scratchDir_ + QStringLiteral("/hopcosts-fsync")).toLocal8Bit();
    const int fd = ::open(path.constData(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        qFatal("cannot open %s", path.constData());
    }
    std::vector<char> page(4096, 'f');
    fsyncUs_ = medianUs(std::min(iterations_, 200), [&] {
        if (::pwrite(fd, page.data(), page.size(), 0) != static_cast<ssize_t>(page.size()) ||
            ::fsync(fd) != 0) {
            qFatal("write + fsync failed");
        }
    });
    ::close(fd);
    for (auto& s : stages_) {
        if (s.primitives == "4 KiB write + fsync (below)") {
            s.primitives = "4 KiB write + fsync";
            s.primitivesUs = fsyncUs_;
        }
    }
}

double OnionHopCosts::pathRealUs() const {
    double sum = 0;
    for (const auto& s : stages_) {
        sum += s.realUs * s.timesOnPath;
    }
    return sum;
}

double OnionHopCosts::pathPrimitivesUs() const {
    double sum = 0;
    for (const auto& s : stages_) {
        sum += s.primitivesUs * s.timesOnPath;
    }
    return sum;
}

void OnionHopCosts::printTable() const {
    std::printf("\nper hop, besides the link (medians of %d calls in this process, µs):\n",
                iterations_);
    std::printf("%-12s %-52s %9s   %-42s %9s\n", "where", "the real code", "µs", "its primitives",
                "µs");
    for (const auto& s : stages_) {
        std::printf("%-12s %-52s %9.1f   %-42s %9.1f\n", s.where.c_str(), s.what.c_str(), s.realUs,
                    s.primitives.c_str(), s.primitivesUs);
    }
    std::printf(
        "the push's path (6 frames, wrap, 3 peels, the poll's read, 3 reply seals, 3 opens): "
        "real code %.2f ms, its primitives %.2f ms\n"
        "the member's commit %.1f µs on its event loop (no fsync there), a 4 KiB write + fsync "
        "%.1f µs on WalSyncer's thread: the sender's \"stored\" waits for both (and for the "
        "replicas', run at the same time); the push waits for neither (answered from memory "
        "just before the commit)\n",
        pathRealUs() / 1000.0, pathPrimitivesUs() / 1000.0, commitUs_, fsyncUs_);
}

void OnionHopCosts::printPath(double pushP50Ms, double links, int delayMs) const {
    const double floorMs = links * delayMs;
    const double work = pathRealUs() / 1000.0;
    std::printf(
        "push p50 at %2d ms a link: %8.2f ms = floor %6.1f ms + path CPU %.2f ms + "
        "the rest %.2f ms\n",
        delayMs, pushP50Ms, floorMs, work, pushP50Ms - floorMs - work);
}

}  // namespace tandem::bench
