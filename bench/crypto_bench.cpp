// crypto_bench: each protocol operation beside the libsodium primitives it is made of, in
// the same run. Every figure is the median of R interleaved repetitions of a timed loop.
//   crypto_bench [--reps R] [--scale S]   (S multiplies the iteration counts)
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <sodium.h>
#include <string>
#include <vector>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include "crypto/Onion.h"
#include "crypto/Padding.h"
#include "crypto/Primitives.h"
#include "crypto/Stickers.h"
#include "crypto/session/SessionKeys.h"
#include "crypto/session/SessionMessage.h"
#include "crypto/signal/Ratchet.h"
#include "crypto/signal/SealedSender.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::crypto::signal;

namespace {

volatile std::size_t g_sink = 0;  // keeps results alive

void keep(std::size_t value) {
    g_sink = g_sink + value;  // not `+=`: compound assignment to a volatile is deprecated
}

struct Case {
    std::string name;
    int iterations;
    std::function<void()> body;
    std::vector<double> microseconds;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    if (sodium_init() < 0) {
        return 1;
    }
    int reps = 7;
    int scale = 1;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--reps"))
            reps = args[i + 1].toInt();
        if (args[i] == QLatin1String("--scale"))
            scale = args[i + 1].toInt();
    }
    QTextStream out(stdout);

    // ---- fixtures ------------------------------------------------------------------------
    const Bytes message100(100, 'm');
    const Bytes padded160 = pad(message100);
    const Nonce nonce = randomNonce();
    const SecretBytes key32(Bytes(32, 9));
    const X25519KeyPair xa = X25519KeyPair::generate();
    const X25519KeyPair xb = X25519KeyPair::generate();
    const Ed25519KeyPair ed = Ed25519KeyPair::generate();
    const Signature sig = ed.sign(message100);
    const std::uint8_t one = 1;
    const Bytes sealedSmall = aeadSeal(key32.span(), nonce, {}, message100);
    const Bytes mb(1024 * 1024, 's');
    const Bytes sealedMb = aeadSeal(key32.span(), nonce, {}, mb);
    Bytes boxed(padded160.size() + 96 + crypto_box_SEALBYTES);
    const Bytes sessionPlain = concat({padded160, ed.publicKey, sig});
    crypto_box_seal(boxed.data(), sessionPlain.data(), sessionPlain.size(), xb.publicKey.data());

    // Two established Signal sessions; Bob can reply.
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const IdentityKeyPair bob = IdentityKeyPair::generate();
    const SignedPreKey spk = SignedPreKey::generate(bob, 1);
    auto a = RatchetSession::initiate(alice, PreKeyBundle::of(bob, spk, nullptr)).value();
    auto b =
        std::move(RatchetSession::accept(
                      bob, PreKeyMessage::parse(a.encrypt(message100)->bytes).value(), spk, nullptr)
                      .value()
                      .session);
    (void)a.decrypt(b.encrypt(message100)->bytes);  // Alice now sends plain Whisper messages

    const Ed25519KeyPair relay = Ed25519KeyPair::generate();
    const std::map<std::uint32_t, PublicKey> trusted = {{1, relay.publicKey}};
    const Bytes certificate = SenderCertificate::issue(
        relay, 1, Bytes(SenderCertificate::kAciBytes, 7), QStringLiteral("+15550100"), 1,
        alice.publicKey().ed25519, ~std::uint64_t{0} >> 1);
    const auto sAlice = session::SessionIdentity::generate();
    const auto sBob = session::SessionIdentity::generate();

    std::vector<OnionHop> path;
    std::vector<X25519KeyPair> nodes;
    for (int i = 0; i < 3; ++i) {
        nodes.push_back(X25519KeyPair::generate());
        path.push_back({QStringLiteral("127.0.0.%1:4000").arg(i + 10), nodes.back().publicKey});
    }
    const StickerPackSecret pack = StickerPackSecret::generate();
    const Bytes sealedSticker = encryptStickerImage(pack, 1, mb);

    // ---- cases ---------------------------------------------------------------------------
    const int n = 2000 * scale;
    std::vector<std::uint8_t> scratch(4096);
    std::vector<std::uint8_t> big(mb.size() + 64);
    std::vector<Case> cases = {
        // primitives: raw libsodium calls into buffers allocated once
        {"X25519 (scalarmult)",
         n,
         [&] {
             crypto_scalarmult(scratch.data(), xa.privateKey.data(), xb.publicKey.data());
             keep(scratch[0]);
         },
         {}},
        {"X25519 key pair",
         n,
         [&] {
             randombytes_buf(scratch.data(), 32);
             crypto_scalarmult_base(scratch.data() + 32, scratch.data());
             keep(scratch[32]);
         },
         {}},
        {"Ed25519 sign (100 B)",
         n,
         [&] {
             crypto_sign_detached(scratch.data(), nullptr, message100.data(), message100.size(),
                                  ed.secretKey.data());
             keep(scratch[0]);
         },
         {}},
        {"Ed25519 verify (100 B)",
         n,
         [&] {
             keep(static_cast<std::size_t>(
                 crypto_sign_verify_detached(sig.data(), message100.data(), message100.size(),
                                             ed.publicKey.data()) +
                 1));
         },
         {}},
        {"Ed25519 pk → X25519",
         n,
         [&] {
             keep(static_cast<std::size_t>(
                 crypto_sign_ed25519_pk_to_curve25519(scratch.data(), ed.publicKey.data()) + 1));
         },
         {}},
        {"HMAC-SHA256 (1 B)",
         20 * n,
         [&] {
             crypto_auth_hmacsha256_state st;
             crypto_auth_hmacsha256_init(&st, key32.data(), 32);
             crypto_auth_hmacsha256_update(&st, &one, 1);
             crypto_auth_hmacsha256_final(&st, scratch.data());
             keep(scratch[0]);
         },
         {}},
        {"HKDF-SHA256 → 64 B",
         10 * n,
         [&] {
             // extract + two expand blocks: three HMACs
             crypto_auth_hmacsha256_state st;
             crypto_auth_hmacsha256_init(&st, key32.data(), 32);
             crypto_auth_hmacsha256_update(&st, key32.data(), 32);
             crypto_auth_hmacsha256_final(&st, scratch.data());
             for (std::uint8_t c = 1; c <= 2; ++c) {
                 crypto_auth_hmacsha256_init(&st, scratch.data(), 32);
                 if (c == 2)
                     crypto_auth_hmacsha256_update(&st, scratch.data() + 32, 32);
                 crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>("i"), 1);
                 crypto_auth_hmacsha256_update(&st, &c, 1);
                 crypto_auth_hmacsha256_final(&st, scratch.data() + 32 * c);
             }
             keep(scratch[64]);
         },
         {}},
        {"random 24 B",
         20 * n,
         [&] {
             randombytes_buf(scratch.data(), 24);
             keep(scratch[0]);
         },
         {}},
        {"XChaCha20-Poly1305 seal 100 B",
         20 * n,
         [&] {
             unsigned long long len = 0;
             crypto_aead_xchacha20poly1305_ietf_encrypt(scratch.data(), &len, message100.data(),
                                                        message100.size(), nullptr, 0, nullptr,
                                                        nonce.data(), key32.data());
             keep(len);
         },
         {}},
        {"XChaCha20-Poly1305 open 100 B",
         20 * n,
         [&] {
             unsigned long long len = 0;
             keep(static_cast<std::size_t>(crypto_aead_xchacha20poly1305_ietf_decrypt(
                                               scratch.data(), &len, nullptr, sealedSmall.data(),
                                               sealedSmall.size(), nullptr, 0, nonce.data(),
                                               key32.data()) +
                                           1));
         },
         {}},
        {"crypto_box_seal 320 B",
         n,
         [&] {
             crypto_box_seal(scratch.data(), sessionPlain.data(), sessionPlain.size(),
                             xb.publicKey.data());
             keep(scratch[0]);
         },
         {}},
        {"crypto_box_seal_open 320 B",
         n,
         [&] {
             keep(static_cast<std::size_t>(crypto_box_seal_open(scratch.data(), boxed.data(),
                                                                boxed.size(), xb.publicKey.data(),
                                                                xb.privateKey.data()) +
                                           1));
         },
         {}},
        {"BLAKE2b-256 (96 B)",
         20 * n,
         [&] {
             crypto_generichash(scratch.data(), 32, sessionPlain.data(), 96, nullptr, 0);
             keep(scratch[0]);
         },
         {}},
        {"XChaCha20-Poly1305 seal 1 MiB",
         20 * scale,
         [&] {
             unsigned long long len = 0;
             crypto_aead_xchacha20poly1305_ietf_encrypt(big.data(), &len, mb.data(), mb.size(),
                                                        nullptr, 0, nullptr, nonce.data(),
                                                        key32.data());
             keep(len);
         },
         {}},
        {"XChaCha20-Poly1305 open 1 MiB",
         20 * scale,
         [&] {
             unsigned long long len = 0;
             keep(static_cast<std::size_t>(crypto_aead_xchacha20poly1305_ietf_decrypt(
                                               big.data(), &len, nullptr, sealedMb.data(),
                                               sealedMb.size(), nullptr, 0, nonce.data(),
                                               key32.data()) +
                                           1));
         },
         {}},
        // protocol operations
        {"Signal: ratchet message, same chain (enc+dec)",
         10 * n,
         [&] {
             const auto m = a.encrypt(message100).value();
             keep(b.decrypt(m.bytes)->size());
         },
         {}},
        {"Signal: ratchet step (enc+dec, new DH)",
         n,
         [&] {
             const auto m = a.encrypt(message100).value();
             keep(b.decrypt(m.bytes)->size());
             const auto r = b.encrypt(message100).value();
             keep(a.decrypt(r.bytes)->size());
         },
         {}},
        {"Signal: sealed sender (seal+open)",
         n,
         [&] {
             const Bytes env =
                 sealSender(alice, certificate, MessageType::Whisper, message100, bob.publicKey())
                     .value();
             keep(openSealed(bob, env, trusted, 1)->message.size());
         },
         {}},
        {"Session: message (enc+dec)",
         n,
         [&] {
             const Bytes c =
                 session::encryptSessionMessage(message100, sAlice.ed25519, sBob.x25519.publicKey)
                     .value();
             keep(session::decryptSessionMessage(c, sBob.x25519)->content.size());
         },
         {}},
        // Exact hex: what every parse of a Session ID costs, on the client and at a node.
        {"Session ID: parse", n, [&] { keep(session::parseSessionId(sBob.sessionId)->at(0)); }, {}},
        {"Onion: 3-hop wrap + 3 peels",
         n,
         [&] {
             auto req = wrapOnion(path, message100).value();
             Bytes packet = std::move(req.packet);
             for (const X25519KeyPair& node : nodes) {
                 packet = peelOnion(node, packet)->payload;
             }
             keep(packet.size());
         },
         {}},
        {"Stickers: encrypt 1 MiB image",
         20 * scale,
         [&] { keep(encryptStickerImage(pack, 1, mb).size()); },
         {}},
        {"Stickers: decrypt 1 MiB image",
         20 * scale,
         [&] { keep(decryptStickerImage(pack, 1, sealedSticker)->size()); },
         {}},
    };

    for (int rep = 0; rep < reps; ++rep) {
        for (Case& c : cases) {
            QElapsedTimer t;
            t.start();
            for (int i = 0; i < c.iterations; ++i) {
                c.body();
            }
            c.microseconds.push_back(static_cast<double>(t.nsecsElapsed()) / 1e3 / c.iterations);
        }
    }
    std::map<std::string, double> m;
    out << "crypto_bench: median of " << reps << " interleaved repetitions (µs per operation)\n\n";
    for (Case& c : cases) {
        m[c.name] = median(c.microseconds);
        out << "  " << QString::fromStdString(c.name).leftJustified(48)
            << QString::number(m[c.name], 'f', 2) << "\n";
    }
    const auto p = [&](const char* name) { return m.at(name); };
    // The primitive make-up of each protocol operation (counted from the code).
    struct Composite {
        const char* op;
        double sum;
        const char* recipe;
    };
    const double hmac = p("HMAC-SHA256 (1 B)");
    const double hkdf = p("HKDF-SHA256 → 64 B");
    const double seal = p("XChaCha20-Poly1305 seal 100 B");
    const double open = p("XChaCha20-Poly1305 open 100 B");
    const double dh = p("X25519 (scalarmult)");
    const double keypair = p("X25519 key pair");
    const double rnd = p("random 24 B");
    const std::vector<Composite> composites = {
        {"Signal: ratchet message, same chain (enc+dec)", 4 * hmac + rnd + seal + open,
         "4 HMAC + nonce + seal + open"},
        {"Signal: ratchet step (enc+dec, new DH)",
         2 * (4 * hmac + rnd + seal + open + 2 * dh + keypair + 2 * hkdf),
         "2 × (4 HMAC + nonce + seal + open + 2 X25519 + key pair + 2 HKDF)"},
        {"Signal: sealed sender (seal+open)",
         keypair + 4 * dh + 4 * hkdf + 2 * rnd + 4 * seal + p("Ed25519 verify (100 B)") +
             p("Ed25519 pk → X25519"),
         "key pair + 4 X25519 + 4 HKDF + 2 nonces + 4 AEAD + Ed25519 verify + pk→X25519"},
        {"Session: message (enc+dec)",
         p("Ed25519 sign (100 B)") + p("crypto_box_seal 320 B") + p("crypto_box_seal_open 320 B") +
             p("Ed25519 verify (100 B)") + p("Ed25519 pk → X25519"),
         "sign + box_seal + box_seal_open + verify + pk→X25519"},
        {"Onion: 3-hop wrap + 3 peels",
         3 * (keypair + 2 * dh + 2 * p("BLAKE2b-256 (96 B)") + rnd + seal + open),
         "3 × (key pair + 2 X25519 + 2 BLAKE2b + nonce + seal + open)"},
        {"Stickers: encrypt 1 MiB image", p("XChaCha20-Poly1305 seal 1 MiB") + hkdf,
         "seal 1 MiB + HKDF"},
        {"Stickers: decrypt 1 MiB image", p("XChaCha20-Poly1305 open 1 MiB") + hkdf,
         "open 1 MiB + HKDF"},
    };
    out << "\noperation ÷ sum of its primitives (target ≤ 1.20)\n";
    for (const Composite& c : composites) {
        out << "  " << QString::fromLatin1(c.op).leftJustified(48)
            << QString::number(m[c.op], 'f', 2) << " µs / " << QString::number(c.sum, 'f', 2)
            << " µs = " << QString::number(m[c.op] / c.sum, 'f', 2) << "   (" << c.recipe << ")\n";
    }
    out << "\nratchet message without a DH step: "
        << QString::number(m["Signal: ratchet message, same chain (enc+dec)"] / 2, 'f', 2)
        << " µs per direction (encrypt or decrypt; target < 5 µs)\n"
        << "XChaCha20-Poly1305: "
        << QString::number(1024.0 * 1024.0 / p("XChaCha20-Poly1305 seal 1 MiB"), 'f', 0)
        << " MB/s sealing\n";
    return static_cast<int>(g_sink == 42);
}
