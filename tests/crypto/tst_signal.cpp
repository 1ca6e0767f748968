// Signal mode's sessions: identity keys and prekeys, X3DH, and the Double Ratchet under loss,
// reordering, replay and tampering, its state persisted at every step. Sealed sender, safety
// numbers and registration-lock PINs: tst_signal_trust.
#include <algorithm>
#include <optional>
#include <random>
#include <sodium.h>

#include <QRandomGenerator>
#include <QTest>

#include "crypto/signal/Ratchet.h"
#include "crypto/signal/X3dh.h"
#include "tandem/ratchet.pb.h"
#include "tandem/signal.pb.h"
#include "tests/crypto/CryptoTestUtil.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::crypto::signal;
using tandem::test::hex;
using tandem::test::text;
using tandem::test::toHex;

namespace {

// Alice starts a session from Bob's bundle; Bob accepts her first message.
struct Pair {
    IdentityKeyPair alice = IdentityKeyPair::generate();
    IdentityKeyPair bob = IdentityKeyPair::generate();
    SignedPreKey bobSigned = SignedPreKey::generate(bob, 7);
    OneTimePreKey bobOneTime = OneTimePreKey::generate(42);
    std::optional<RatchetSession> a;
    std::optional<RatchetSession> b;

    void establish(bool withOneTime = true) {
        const PreKeyBundle bundle =
            PreKeyBundle::of(bob, bobSigned, withOneTime ? &bobOneTime : nullptr);
        a.emplace(RatchetSession::initiate(alice, bundle).value());
        const auto first = a->encrypt(view("hello bob")).value();
        QCOMPARE(first.type, MessageType::PreKey);
        const auto message = PreKeyMessage::parse(first.bytes).value();
        QCOMPARE(message.signedPreKeyId, 7u);
        QCOMPARE(message.oneTimePreKeyId.has_value(), withOneTime);
        auto accepted =
            RatchetSession::accept(bob, message, bobSigned, withOneTime ? &bobOneTime : nullptr);
        QVERIFY(accepted.has_value());
        QCOMPARE(text(accepted->plaintext), std::string("hello bob"));
        b.emplace(std::move(accepted->session));
    }
};

Bytes whisper(const OutgoingMessage& m) {
    if (m.type == MessageType::Whisper) {
        return m.bytes;
    }
    return PreKeyMessage::parse(m.bytes).value().message;
}

RatchetSession roundTrip(const RatchetSession& s) {
    return RatchetSession::deserialize(s.serialize().span()).value();
}

}  // namespace

class SignalTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    // ---- identities and prekeys ---------------------------------------------------------

    void identityKeys() {
        const IdentityKeyPair id = IdentityKeyPair::generate();
        const SerializedKey serialized = id.publicKey().serialized();
        QCOMPARE(serialized[0], std::uint8_t{0x05});
        QCOMPARE(toHex(deserializeKey(serialized).value()), toHex(id.publicKey().x25519));
        QVERIFY(!deserializeKey(ByteView(serialized).first(32)).has_value());
        SerializedKey wrongType = serialized;
        wrongType[0] = 0x04;
        QVERIFY(!deserializeKey(wrongType).has_value());
        const auto restored = IdentityKeyPair::fromSecret(id.signing().secretKey.span());
        QVERIFY(restored.has_value());
        QVERIFY(restored->publicKey() == id.publicKey());
        Bytes damaged(id.signing().secretKey.data(), id.signing().secretKey.data() + 64);
        damaged[40] ^= 1;  // the stored public half no longer matches the seed
        QCOMPARE(IdentityKeyPair::fromSecret(damaged).error().code, CryptoErrorCode::InvalidKey);
    }

    void bundleSignatureIsChecked() {
        const IdentityKeyPair bob = IdentityKeyPair::generate();
        const SignedPreKey spk = SignedPreKey::generate(bob, 1);
        const OneTimePreKey otk = OneTimePreKey::generate(5);
        PreKeyBundle bundle = PreKeyBundle::of(bob, spk, &otk);
        QVERIFY(bundle.verify().has_value());
        const auto parsed = PreKeyBundle::parse(bundle.serialize());
        QVERIFY(parsed.has_value());
        QVERIFY(parsed->verify().has_value());
        QCOMPARE(parsed->oneTimePreKey->first, 5u);

        PreKeyBundle forged = bundle;
        forged.signedPreKey = X25519KeyPair::generate().publicKey;  // a MITM's prekey
        QCOMPARE(forged.verify().error().code, CryptoErrorCode::BadSignature);
        QCOMPARE(x3dhInitiate(IdentityKeyPair::generate(), forged).error().code,
                 CryptoErrorCode::BadSignature);
        PreKeyBundle otherIdentity = bundle;
        otherIdentity.identity = IdentityKeyPair::generate().publicKey();
        QCOMPARE(otherIdentity.verify().error().code, CryptoErrorCode::BadSignature);
        QCOMPARE(PreKeyBundle::parse(hex("0a0102")).error().code, CryptoErrorCode::Malformed);
    }

    void x3dhAgrees() {
        for (const bool withOneTime : {true, false}) {
            const IdentityKeyPair alice = IdentityKeyPair::generate();
            const IdentityKeyPair bob = IdentityKeyPair::generate();
            const SignedPreKey spk = SignedPreKey::generate(bob, 1);
            const OneTimePreKey otk = OneTimePreKey::generate(9);
            const auto init =
                x3dhInitiate(alice, PreKeyBundle::of(bob, spk, withOneTime ? &otk : nullptr));
            QVERIFY(init.has_value());
            const auto resp = x3dhRespond(bob, spk, withOneTime ? &otk : nullptr, alice.publicKey(),
                                          init->ephemeralPublic);
            QVERIFY(resp.has_value());
            QVERIFY(init->sharedSecret.equals(resp->sharedSecret.span()));
            QCOMPARE(init->associatedData, resp->associatedData);
            QCOMPARE(init->associatedData.size(), std::size_t{66});
            // Without the one-time prekey the responder derives something else.
            if (withOneTime) {
                const auto without =
                    x3dhRespond(bob, spk, nullptr, alice.publicKey(), init->ephemeralPublic);
                QVERIFY(!init->sharedSecret.equals(without->sharedSecret.span()));
            }
        }
    }

    // ---- the ratchet ----------------------------------------------------------------------

    void thousandMessagesBothWaysWithStateRestoredAtEveryStep() {
        Pair p;
        p.establish();
        auto* rng = QRandomGenerator::global();
        int fromAliceCount = 0;
        int fromBobCount = 0;
        int sent = 0;
        while (fromAliceCount < 1000 || fromBobCount < 1000) {
            // Bursts in random directions, every message delivered once, in order.
            const bool fromAlice =
                fromBobCount >= 1000 || (fromAliceCount < 1000 && rng->bounded(2) == 0);
            const int burst = 1 + static_cast<int>(rng->bounded(5));
            for (int i = 0; i < burst && (fromAlice ? fromAliceCount : fromBobCount) < 1000;
                 ++i, ++sent) {
                ++(fromAlice ? fromAliceCount : fromBobCount);
                RatchetSession& sender = fromAlice ? *p.a : *p.b;
                RatchetSession& receiver = fromAlice ? *p.b : *p.a;
                const std::string body = "message " + std::to_string(sent);
                const auto out = sender.encrypt(view(body));
                QVERIFY(out.has_value());
                sender = roundTrip(sender);
                const auto in = receiver.decrypt(whisper(*out));
                QVERIFY2(in.has_value(), qPrintable(in ? QString() : in.error().message));
                QCOMPARE(text(*in), body);
                receiver = roundTrip(receiver);
            }
        }
        QCOMPARE(p.a->skippedKeyCount(), std::size_t{0});
        QCOMPARE(p.b->skippedKeyCount(), std::size_t{0});
    }

    void preKeyMessagesUntilTheFirstReply() {
        Pair p;
        p.establish();
        QVERIFY(p.a->awaitingReply());
        const auto second = p.a->encrypt(view("still waiting")).value();
        QCOMPARE(second.type, MessageType::PreKey);
        // The same base key: Bob recognises his existing session.
        const auto parsed = PreKeyMessage::parse(second.bytes).value();
        QCOMPARE(toHex(parsed.baseKey), toHex(*p.b->remoteBaseKey()));
        QCOMPARE(text(p.b->decrypt(parsed.message).value()), std::string("still waiting"));
        const auto reply = p.b->encrypt(view("hi alice")).value();
        QCOMPARE(reply.type, MessageType::Whisper);
        QCOMPARE(text(p.a->decrypt(reply.bytes).value()), std::string("hi alice"));
        QVERIFY(!p.a->awaitingReply());
        QCOMPARE(p.a->encrypt(view("now plain")).value().type, MessageType::Whisper);
    }

    // Before Bob answers, Alice's session knows his signed prekey as the receiving ratchet key
    // but has no chain on it. A message claiming that key, counter 0, sealed under the message
    // key of an empty chain key (HMAC with an empty key: public) must not open, must change
    // nothing, and Alice keeps sending PreKey messages.
    void aMessageOnAChainThatDoesNotExistIsRefused() {
        Pair p;
        p.establish();
        QVERIFY(p.a->awaitingReply());
        const SecretBytes before = p.a->serialize();
        Bytes ad = concat({p.alice.publicKey().serialized(), p.bob.publicKey().serialized()});
        ad.push_back(1);  // version
        const PublicKey& spk = p.bobSigned.keyPair.publicKey;
        ad.insert(ad.end(), spk.begin(), spk.end());
        ad.insert(ad.end(), 8, 0);  // previous counter 0, counter 0
        std::uint8_t messageKey[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256_state state;
        const std::uint8_t emptyKey[1] = {0};
        crypto_auth_hmacsha256_init(&state, emptyKey, 0);
        const std::uint8_t seed = 0x01;
        crypto_auth_hmacsha256_update(&state, &seed, 1);
        crypto_auth_hmacsha256_final(&state, messageKey);
        const Nonce nonce = randomNonce();
        proto::SignalMessage m;
        m.set_version(1);
        m.set_ratchet_key(toString(spk));
        m.set_counter(0);
        m.set_previous_counter(0);
        m.set_nonce(toString(nonce));
        m.set_ciphertext(
            toString(aeadSeal(ByteView(messageKey, sizeof messageKey), nonce, ad, view("forged"))));
        const std::string forged = m.SerializeAsString();
        QVERIFY(!p.a->decrypt(view(forged)).has_value());
        QVERIFY(p.a->serialize().equals(before.span()));
        QVERIFY(p.a->awaitingReply());
        QCOMPARE(p.a->encrypt(view("still a prekey message")).value().type, MessageType::PreKey);
    }

    // decrypt() does only the receiving half of a DH step (one X25519); the new sending key
    // and its root step wait for the first encrypt() after it, across a save and a load.
    void theSendingHalfOfAStepWaitsForTheFirstSend() {
        Pair p;
        p.establish();
        const auto stateOf = [](const RatchetSession& s) {
            const SecretBytes bytes = s.serialize();
            proto::RatchetState state;
            [&] { QVERIFY(state.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))); }();
            return state;
        };
        // Bob opened Alice's first message: no sending chain yet, and the signed prekey's
        // private key is not kept in the session (only its public half, as the last key).
        proto::RatchetState waiting = stateOf(*p.b);
        QVERIFY(waiting.sending_chain().empty());
        QCOMPARE(toHex(view(waiting.sending_public())), toHex(p.bobSigned.keyPair.publicKey));
        QCOMPARE(waiting.sending_private(), std::string(32, '\0'));
        // More on the same chain opens while the step waits; the wait survives a reload.
        const auto more = p.a->encrypt(view("and more")).value();
        p.b.emplace(roundTrip(*p.b));
        QCOMPARE(text(p.b->decrypt(whisper(more)).value()), std::string("and more"));
        QVERIFY(stateOf(*p.b).sending_chain().empty());
        // Copies of both states (a restored backup) talk on: Bob's copy answers with a key of
        // its own and Alice's copy moves to a new key on it. Bob himself never sent that key:
        // a message on it does not open and changes nothing.
        RatchetSession copyOfBob = roundTrip(*p.b);
        RatchetSession copyOfAlice = roundTrip(*p.a);
        const auto fromCopy = copyOfBob.encrypt(view("from the copy")).value();
        QCOMPARE(text(copyOfAlice.decrypt(whisper(fromCopy)).value()),
                 std::string("from the copy"));
        const auto onNewKey = copyOfAlice.encrypt(view("on a key Bob never sent")).value();
        const SecretBytes before = p.b->serialize();
        QCOMPARE(p.b->decrypt(whisper(onNewKey)).error().code, CryptoErrorCode::Malformed);
        QVERIFY(p.b->serialize().equals(before.span()));
        // Bob's own first send makes the step: a fresh key on a new root, and Alice follows.
        const auto reply = p.b->encrypt(view("hi alice")).value();
        const proto::RatchetState stepped = stateOf(*p.b);
        QCOMPARE(stepped.sending_chain().size(), std::size_t{32});
        QVERIFY(toHex(view(stepped.sending_public())) != toHex(p.bobSigned.keyPair.publicKey));
        QVERIFY(stepped.root_key() != waiting.root_key());
        QCOMPARE(text(p.a->decrypt(whisper(reply)).value()), std::string("hi alice"));
        const auto back = p.a->encrypt(view("back")).value();
        QCOMPARE(text(p.b->decrypt(whisper(back)).value()), std::string("back"));
        QVERIFY(stateOf(*p.b).sending_chain().empty());  // waits again
    }

    // Across a waiting step: Bob's earlier messages on his old chain arrive after his first
    // message on the new one (the previous-chain length carries them as skipped keys); and a
    // step made ahead (prepareToSend, as after a receipt) is made once, not again by encrypt().
    void aWaitingStepKeepsLateMessagesAndIsMadeOnce() {
        Pair p;
        p.establish();
        const auto hi = p.b->encrypt(view("hi")).value();  // Bob's first chain
        QCOMPARE(text(p.a->decrypt(whisper(hi)).value()), std::string("hi"));
        const auto m1 = p.b->encrypt(view("m1")).value();
        const auto m2 = p.b->encrypt(view("m2")).value();
        const auto fromAlice = p.a->encrypt(view("from alice")).value();  // Alice's new key
        QCOMPARE(text(p.b->decrypt(whisper(fromAlice)).value()), std::string("from alice"));
        p.b.emplace(roundTrip(*p.b));                      // waiting, saved and loaded
        const auto m3 = p.b->encrypt(view("m3")).value();  // the step, previous chain: 3
        QCOMPARE(text(p.a->decrypt(whisper(m3)).value()), std::string("m3"));
        QCOMPARE(text(p.a->decrypt(whisper(m2)).value()), std::string("m2"));
        QCOMPARE(text(p.a->decrypt(whisper(m1)).value()), std::string("m1"));
        QVERIFY(!p.a->decrypt(whisper(m1)).has_value());  // once

        const auto again = p.a->encrypt(view("again")).value();
        QCOMPARE(text(p.b->decrypt(whisper(again)).value()), std::string("again"));
        QVERIFY(p.b->prepareToSend().has_value());
        const SecretBytes prepared = p.b->serialize();
        QVERIFY(p.b->prepareToSend().has_value());  // nothing more to do
        QVERIFY(p.b->serialize().equals(prepared.span()));
        const auto more = p.a->encrypt(view("more on the same chain")).value();
        QCOMPARE(text(p.b->decrypt(whisper(more)).value()), std::string("more on the same chain"));
        proto::RatchetState before;
        QVERIFY(before.ParseFromArray(prepared.data(), static_cast<int>(prepared.size())));
        const auto reply = p.b->encrypt(view("reply")).value();
        const SecretBytes after = p.b->serialize();
        proto::RatchetState now;
        QVERIFY(now.ParseFromArray(after.data(), static_cast<int>(after.size())));
        QCOMPARE(now.sending_public(), before.sending_public());  // no second step
        QCOMPARE(now.root_key(), before.root_key());
        QCOMPARE(text(p.a->decrypt(whisper(reply)).value()), std::string("reply"));
    }

    void theResponderCannotSpeakFirst() {
        const IdentityKeyPair bob = IdentityKeyPair::generate();
        const IdentityKeyPair alice = IdentityKeyPair::generate();
        const SignedPreKey spk = SignedPreKey::generate(bob, 1);
        auto a = RatchetSession::initiate(alice, PreKeyBundle::of(bob, spk, nullptr)).value();
        const auto first = PreKeyMessage::parse(a.encrypt(view("x")).value().bytes).value();
        // Wrong prekeys named: refused before any work.
        const SignedPreKey other = SignedPreKey::generate(bob, 2);
        QCOMPARE(RatchetSession::accept(bob, first, other, nullptr).error().code,
                 CryptoErrorCode::UnknownPrekey);
        const OneTimePreKey otk = OneTimePreKey::generate(3);
        QCOMPARE(RatchetSession::accept(bob, first, spk, &otk).error().code,
                 CryptoErrorCode::UnknownPrekey);
    }

    void outOfOrderAndLostMessages() {
        Pair p;
        p.establish();
        // Alice → Bob: 0..49, delivered shuffled, with 5 lost for good.
        std::vector<std::pair<int, Bytes>> inFlight;
        for (int i = 0; i < 50; ++i) {
            inFlight.emplace_back(i, whisper(p.a->encrypt(view("m" + std::to_string(i))).value()));
        }
        std::shuffle(inFlight.begin(), inFlight.end(), std::mt19937(7));
        int delivered = 0;
        for (const auto& [n, bytes] : inFlight) {
            if (n % 10 == 3) {
                continue;  // lost
            }
            const auto got = p.b->decrypt(bytes);
            QVERIFY2(got.has_value(), qPrintable(got ? QString() : got.error().message));
            QCOMPARE(text(*got), "m" + std::to_string(n));
            *p.b = roundTrip(*p.b);
            ++delivered;
        }
        QCOMPARE(delivered, 45);
        QCOMPARE(p.b->skippedKeyCount(), std::size_t{5});  // kept for the lost ones
        // Then a DH step each way; messages from the old chain still open later.
        const Bytes late = whisper(p.a->encrypt(view("late in chain 1")).value());
        QCOMPARE(text(p.a->decrypt(p.b->encrypt(view("turn")).value().bytes).value()),
                 std::string("turn"));
        const Bytes next = whisper(p.a->encrypt(view("chain 2")).value());
        QCOMPARE(text(p.b->decrypt(next).value()), std::string("chain 2"));
        QCOMPARE(text(p.b->decrypt(late).value()), std::string("late in chain 1"));
    }

    void replayIsRefused() {
        Pair p;
        p.establish();
        const Bytes m1 = whisper(p.a->encrypt(view("one")).value());
        const Bytes m2 = whisper(p.a->encrypt(view("two")).value());
        QVERIFY(p.b->decrypt(m2).has_value());
        QVERIFY(p.b->decrypt(m1).has_value());  // out of order: fine once
        QCOMPARE(p.b->decrypt(m1).error().code, CryptoErrorCode::Replayed);
        QCOMPARE(p.b->decrypt(m2).error().code, CryptoErrorCode::Replayed);
        // A replay from a chain both sides have moved past.
        QVERIFY(p.a->decrypt(p.b->encrypt(view("reply")).value().bytes).has_value());
        QVERIFY(p.b->decrypt(whisper(p.a->encrypt(view("new chain")).value())).has_value());
        QCOMPARE(p.b->decrypt(m2).error().code, CryptoErrorCode::Replayed);
    }

    void tamperingIsRefusedAndChangesNothing() {
        Pair p;
        p.establish();
        const Bytes good = whisper(p.a->encrypt(view("authentic")).value());
        const SecretBytes before = p.b->serialize();
        proto::SignalMessage parsed;
        QVERIFY(parsed.ParseFromArray(good.data(), static_cast<int>(good.size())));
        const auto variant = [&](auto change) {
            proto::SignalMessage m = parsed;
            change(m);
            const std::string s = m.SerializeAsString();
            return Bytes(s.begin(), s.end());
        };
        const std::vector<Bytes> tampered = {
            variant([](proto::SignalMessage& m) { m.set_counter(m.counter() + 1); }),
            variant(
                [](proto::SignalMessage& m) { m.set_previous_counter(m.previous_counter() + 1); }),
            variant([](proto::SignalMessage& m) {
                m.set_ratchet_key(toString(X25519KeyPair::generate().publicKey));
            }),
            variant([](proto::SignalMessage& m) { (*m.mutable_ciphertext())[0] ^= 1; }),
            variant([](proto::SignalMessage& m) { (*m.mutable_nonce())[3] ^= 1; }),
            variant([](proto::SignalMessage& m) { m.mutable_ciphertext()->pop_back(); }),
        };
        for (const Bytes& bad : tampered) {
            const auto result = p.b->decrypt(bad);
            QVERIFY(!result.has_value());
            QVERIFY(result.error().code == CryptoErrorCode::DecryptFailed ||
                    result.error().code == CryptoErrorCode::Malformed);
            QVERIFY(p.b->serialize().equals(before.span()));  // state untouched
        }
        QCOMPARE(
            p.b->decrypt(variant([](proto::SignalMessage& m) { m.set_version(2); })).error().code,
            CryptoErrorCode::Malformed);
        QCOMPARE(p.b->decrypt(hex("deadbeef")).error().code, CryptoErrorCode::Malformed);
        QCOMPARE(text(p.b->decrypt(good).value()), std::string("authentic"));
    }

    void forwardJumpIsBounded() {
        Pair p;
        p.establish();
        for (std::uint32_t i = 0; i < RatchetSession::kMaxSkip; ++i) {
            (void)p.a->encrypt(view("skipped"));
        }
        // Exactly kMaxSkip ahead is still fine…
        QVERIFY(p.b->decrypt(whisper(p.a->encrypt(view("far")).value())).has_value());
        QCOMPARE(p.b->skippedKeyCount(), std::size_t{RatchetSession::kMaxSkip});
        // …one more than that is refused.
        for (std::uint32_t i = 0; i < RatchetSession::kMaxSkip + 1; ++i) {
            (void)p.a->encrypt(view("skipped"));
        }
        QCOMPARE(p.b->decrypt(whisper(p.a->encrypt(view("too far")).value())).error().code,
                 CryptoErrorCode::TooFarAhead);
    }

    void damagedStateIsRefused() {
        Pair p;
        p.establish();
        SecretBytes state = p.b->serialize();
        QVERIFY(RatchetSession::deserialize(state.span()).has_value());
        QCOMPARE(RatchetSession::deserialize(state.span().first(state.size() / 2)).error().code,
                 CryptoErrorCode::Malformed);
        QCOMPARE(RatchetSession::deserialize(hex("ff")).error().code, CryptoErrorCode::Malformed);
    }

    void statesWithoutStoredX25519FormsStillLoad() {
        Pair p;
        p.establish();
        // A state as first written: no stored X25519 identity forms, no sending public key
        // (and a sending chain: those states had one always).
        QVERIFY(p.b->prepareToSend().has_value());
        const SecretBytes full = p.b->serialize();
        proto::RatchetState older;
        QVERIFY(older.ParseFromArray(full.data(), static_cast<int>(full.size())));
        older.clear_remote_identity_x25519();
        older.clear_local_identity_x25519();
        older.clear_sending_public();
        const std::string bytes = older.SerializeAsString();
        auto loaded = RatchetSession::deserialize(view(bytes));
        QVERIFY(loaded.has_value());
        QVERIFY(loaded->remoteIdentity() == p.b->remoteIdentity());
        QVERIFY(loaded->serialize().equals(full.span()));  // derived again, identically
        const auto m = p.a->encrypt(view("after an upgrade")).value();
        QCOMPARE(text(loaded->decrypt(whisper(m)).value()), std::string("after an upgrade"));
    }
};

QTEST_GUILESS_MAIN(SignalTest)
#include "tst_signal.moc"
