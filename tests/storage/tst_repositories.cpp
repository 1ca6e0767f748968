// Every repository against a real SQLCipher database: the behaviour callers rely on, the
// limits, and the rules (dedupe, forward-only status, timer versions, cascades). Here:
// accounts, contacts, crypto sessions and prekeys, stickers, latency samples and settings
// (conversations, messages and the outbox: tst_repositories_messages).
#include <limits>
#include <sodium.h>

#include <QTest>

#include "storage/Database.h"
#include "storage/Limits.h"
#include "tests/storage/RepositoryFixture.h"

using namespace tandem;
using namespace tandem::storage;
using namespace tandem::test;

class RepositoriesTest : public QObject, RepositoryFixture {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }
    void init() { openDatabase(); }
    void cleanup() { closeDatabase(); }

    // ---- accounts ------------------------------------------------------------------------

    void accountsOnePerMode() {
        QVERIFY(!ok(r_->accounts.get(Mode::Signal)).has_value());
        Account a;
        a.mode = Mode::Signal;
        a.address = QStringLiteral("+4915112345678");
        a.identityPublic = QByteArray(33, 'p');
        a.identitySecret = secret("identity-secret-32-bytes-long!!!");
        a.createdAt = 5;
        ok(r_->accounts.put(a));
        a.address = QStringLiteral("+4915199999999");  // re-registration replaces
        ok(r_->accounts.put(a));
        Account s;
        s.mode = Mode::Session;
        s.address = QStringLiteral("05") + QString(64, u'a');
        s.identityPublic = QByteArray(32, 'x');
        s.identitySecret = secret("x25519");
        s.signingPublic = QByteArray(32, 'e');
        s.signingSecret = secret("ed25519 seed");
        ok(r_->accounts.put(s));
        const auto all = ok(r_->accounts.all());
        QCOMPARE(all.size(), std::size_t{2});
        const auto signal = ok(r_->accounts.get(Mode::Signal));
        QCOMPARE(signal->address, QStringLiteral("+4915199999999"));
        QVERIFY(signal->identitySecret->equals(a.identitySecret->span()));
        QVERIFY(!signal->signingSecret);
        const auto session = ok(r_->accounts.get(Mode::Session));
        QVERIFY(session->signingSecret->equals(s.signingSecret->span()));
        QVERIFY(ok(r_->accounts.remove(Mode::Signal)));
        QVERIFY(!ok(r_->accounts.remove(Mode::Signal)));
    }

    void accountsNeedKeys() {
        Account a;
        a.address = QStringLiteral("+1555");
        QCOMPARE(errorOf(r_->accounts.put(a)), StoreErrorCode::InvalidArgument);
    }

    // ---- contacts ------------------------------------------------------------------------

    void contactsAreUniquePerModeAndAddress() {
        const Contact a = contact();
        const Contact again = ok(r_->contacts.add(Mode::Signal, a.address, QString(), 999));
        QCOMPARE(again.id, a.id);
        QCOMPARE(again.createdAt, std::int64_t{100});
        const Contact other = contact(Mode::Session, a.address);
        QVERIFY(other.id != a.id);
        QCOMPARE(ok(r_->contacts.list(Mode::Signal)).size(), std::size_t{1});
        QVERIFY(!ok(r_->contacts.find(Mode::Signal, QStringLiteral("+1999"))).has_value());
    }

    void contactLimits() {
        QCOMPARE(errorOf(r_->contacts.add(Mode::Signal, QString(), QString(), 1)),
                 StoreErrorCode::InvalidArgument);
        QCOMPARE(errorOf(r_->contacts.add(Mode::Signal, QString(limits::kMaxAddressChars + 1, u'1'),
                                          QString(), 1)),
                 StoreErrorCode::InvalidArgument);
        const Contact c = contact();
        QCOMPARE(
            errorOf(r_->contacts.rename(c.id, QString(limits::kMaxDisplayNameChars + 1, u'x'))),
            StoreErrorCode::InvalidArgument);
        ok(r_->contacts.rename(c.id, QStringLiteral("Bobby")));
        QCOMPARE(ok(r_->contacts.get(c.id)).displayName, QStringLiteral("Bobby"));
        QCOMPARE(errorOf(r_->contacts.rename(4242, QStringLiteral("x"))), StoreErrorCode::NotFound);
    }

    void identityKeyChangesUnverify() {
        const Contact c = contact();
        QCOMPARE(errorOf(r_->contacts.setVerification(c.id, Verification::Verified)),
                 StoreErrorCode::InvalidArgument);
        QCOMPARE(ok(r_->contacts.saveIdentityKey(c.id, QByteArray(33, 'a'), 200)),
                 IdentityChange::First);
        QCOMPARE(ok(r_->contacts.saveIdentityKey(c.id, QByteArray(33, 'a'), 300)),
                 IdentityChange::Unchanged);
        ok(r_->contacts.setVerification(c.id, Verification::Verified));
        QCOMPARE(ok(r_->contacts.saveIdentityKey(c.id, QByteArray(33, 'b'), 400)),
                 IdentityChange::Changed);
        const Contact after = ok(r_->contacts.get(c.id));
        QCOMPARE(after.verification, Verification::Unverified);
        QCOMPARE(after.identityChangedAt.value_or(0), std::int64_t{400});
        QCOMPARE(after.identityKey, QByteArray(33, 'b'));
        ok(r_->contacts.setBlocked(c.id, true));
        QVERIFY(ok(r_->contacts.get(c.id)).blocked);
        ok(r_->contacts.setAccessKey(c.id, QByteArray(16, 'k')));
        QCOMPARE(ok(r_->contacts.get(c.id)).accessKey, QByteArray(16, 'k'));
    }

    void serviceIdsAreUniqueAndContactsMerge() {
        const QString aci = QStringLiteral("aci:") + QString(32, u'a');
        const Contact byNumber = contact();
        const Contact byId = ok(r_->contacts.add(Mode::Signal, aci, QString(), 100));
        QVERIFY(ok(r_->contacts.setServiceId(byId.id, aci)));
        QVERIFY(ok(r_->contacts.setServiceId(byId.id, aci)));  // again: no change, fine
        QCOMPARE(ok(r_->contacts.findByServiceId(Mode::Signal, aci))->id, byId.id);
        QVERIFY(!ok(r_->contacts.findByServiceId(Mode::Session, aci)).has_value());
        // Held by one contact: another cannot take it (and the index refuses it too).
        QVERIFY(!ok(r_->contacts.setServiceId(byNumber.id, aci)));
        QVERIFY(ok(r_->contacts.get(byNumber.id)).serviceId.isEmpty());
        QCOMPARE(errorOf(db_->exec("UPDATE contacts SET service_id = '" + aci.toStdString() +
                                   "' WHERE id = " + std::to_string(byNumber.id))),
                 StoreErrorCode::Constraint);
        QCOMPARE(errorOf(r_->contacts.setServiceId(byNumber.id, QString())),
                 StoreErrorCode::InvalidArgument);

        // The id-only contact wrote first; merging folds its messages and queue in.
        const Conversation idConv = ok(r_->conversations.forContact(byId.id, 1));
        const Conversation numberConv = ok(r_->conversations.forContact(byNumber.id, 1));
        ok(r_->messages.insert(textMessage(idConv.id, "first, by id", Direction::Incoming, 10)));
        ok(r_->messages.insert(
            textMessage(numberConv.id, "to the number", Direction::Outgoing, 20)));
        OutboxItem receipt;
        receipt.conversationId = idConv.id;
        receipt.kind = OutboxKind::DeliveryReceipt;
        receipt.payload = QByteArray("r");
        const auto queued = ok(r_->outbox.enqueue(receipt));
        ok(r_->contacts.setAccessKey(byId.id, QByteArray(16, 'k')));
        ok(r_->contacts.saveIdentityKey(byId.id, QByteArray(32, 'i'), 30));

        const Contact merged = ok(r_->contacts.mergeInto(byId.id, byNumber.id, 40));
        QCOMPARE(merged.id, byNumber.id);
        QCOMPARE(merged.address, byNumber.address);
        QCOMPARE(merged.serviceId, aci);
        QCOMPARE(merged.accessKey, QByteArray(16, 'k'));
        QCOMPARE(merged.identityKey, QByteArray(32, 'i'));
        QVERIFY(!ok(r_->contacts.find(Mode::Signal, aci)).has_value());
        const auto messages = ok(r_->messages.newest(numberConv.id, 10));
        QCOMPARE(messages.size(), std::size_t{2});
        QCOMPARE(messages[0].body, QStringLiteral("first, by id"));
        QCOMPARE(ok(r_->outbox.get(queued)).conversationId, numberConv.id);
        QCOMPARE(errorOf(r_->conversations.get(idConv.id)), StoreErrorCode::NotFound);
        QCOMPARE(errorOf(r_->contacts.mergeInto(byNumber.id, byNumber.id, 50)),
                 StoreErrorCode::InvalidArgument);

        // Found by identity key only while it has no service id.
        const Contact other = contact(Mode::Signal, QStringLiteral("+15550009"));
        ok(r_->contacts.saveIdentityKey(other.id, QByteArray(32, 'o'), 60));
        QCOMPARE(
            ok(r_->contacts.findUnresolvedByIdentityKey(Mode::Signal, QByteArray(32, 'o')))->id,
            other.id);
        QVERIFY(!ok(r_->contacts.findUnresolvedByIdentityKey(Mode::Signal, QByteArray(32, 'i')))
                     .has_value());  // merged.identityKey, but it has a service id
        QVERIFY(
            ok(r_->contacts.setServiceId(other.id, QStringLiteral("aci:") + QString(32, u'b'))));
        QVERIFY(!ok(r_->contacts.findUnresolvedByIdentityKey(Mode::Signal, QByteArray(32, 'o')))
                     .has_value());
    }

    // ---- crypto sessions and prekeys ------------------------------------------------------

    void cryptoSessionsPerDevice() {
        const QString bob = QStringLiteral("+15550001");
        QVERIFY(!ok(r_->sessions.load(Mode::Signal, bob, 1)));
        ok(r_->sessions.store(Mode::Signal, bob, 1, SecretBytes::fromString("state-1"), 1));
        ok(r_->sessions.store(Mode::Signal, bob, 2, SecretBytes::fromString("state-2"), 1));
        ok(r_->sessions.store(Mode::Signal, bob, 1, SecretBytes::fromString("state-1b"), 2));
        QVERIFY(ok(r_->sessions.load(Mode::Signal, bob, 1))
                    ->equals(SecretBytes::fromString("state-1b").span()));
        QCOMPARE(ok(r_->sessions.devices(Mode::Signal, bob)), (std::vector<std::int64_t>{1, 2}));
        QVERIFY(ok(r_->sessions.devices(Mode::Session, bob)).empty());
        QCOMPARE(ok(r_->sessions.removeAll(Mode::Signal, bob)), 2);
        QCOMPARE(errorOf(r_->sessions.store(Mode::Signal, bob, 1,
                                            SecretBytes(limits::kMaxSessionStateBytes + 1), 3)),
                 StoreErrorCode::InvalidArgument);
    }

    // A ratchet record is rewritten by every message: in place, on its own page. With 16
    // remembered chains a record is ~1 000 bytes (more with skipped keys), which spilled into
    // an overflow page when the table had no rowid (four pages per rewrite, counted here as WAL
    // frames).
    void aRatchetRecordIsRewrittenInOnePage() {
        const QString bob = QStringLiteral("+15550001");
        const auto storeInOwnCommit = [&](std::size_t size, char fill, std::int64_t now) {
            auto tx = ok(Transaction::begin(*db_, Transaction::Kind::Immediate));
            SecretBytes state(size);
            std::fill(state.data(), state.data() + size, static_cast<std::uint8_t>(fill));
            ok(r_->sessions.store(Mode::Signal, bob, 1, state, now));
            ok(tx.commit());
        };
        for (const std::size_t size : {std::size_t{1200}, std::size_t{3000}}) {
            storeInOwnCommit(size, 'a', 1);  // the first time: inserted
            for (int i = 0; i < 3; ++i) {
                const qint64 before = walFrames();
                storeInOwnCommit(size, static_cast<char>('b' + i), 2 + i);
                QCOMPARE(walFrames() - before, qint64{1});
            }
            const auto loaded = ok(r_->sessions.load(Mode::Signal, bob, 1));
            QCOMPARE(loaded->size(), size);
            QCOMPARE(loaded->data()[size - 1], static_cast<std::uint8_t>('d'));
            QCOMPARE(ok(r_->sessions.removeAll(Mode::Signal, bob)), 1);
        }
    }

    void oneTimePrekeysAreTakenOnce() {
        for (int id = 1; id <= 5; ++id) {
            Prekey p;
            p.kind = PrekeyKind::OneTime;
            p.keyId = id;
            p.publicKey = QByteArray(33, static_cast<char>(id));
            p.secretKey = secret("secret");
            ok(r_->prekeys.put(p));
        }
        Prekey duplicate;
        duplicate.keyId = 3;
        duplicate.publicKey = "k";
        duplicate.secretKey = secret("s");
        QCOMPARE(errorOf(r_->prekeys.put(duplicate)), StoreErrorCode::Constraint);
        Prekey unsignedSigned;
        unsignedSigned.kind = PrekeyKind::Signed;
        unsignedSigned.keyId = 1;
        unsignedSigned.publicKey = "k";
        unsignedSigned.secretKey = secret("s");
        QCOMPARE(errorOf(r_->prekeys.put(unsignedSigned)), StoreErrorCode::InvalidArgument);
        unsignedSigned.signature = QByteArray(64, 'g');
        ok(r_->prekeys.put(unsignedSigned));
        unsignedSigned.keyId = 2;
        ok(r_->prekeys.put(unsignedSigned));
        QCOMPARE(ok(r_->prekeys.latestSigned())->keyId, std::int64_t{2});

        QCOMPARE(ok(r_->prekeys.count(PrekeyKind::OneTime)), std::int64_t{5});
        QCOMPARE(ok(r_->prekeys.maxKeyId(PrekeyKind::OneTime)), std::int64_t{5});
        const auto taken = ok(r_->prekeys.take(3));
        QVERIFY(taken.has_value());
        QCOMPARE(taken->publicKey, QByteArray(33, 3));
        QVERIFY(taken->secretKey->equals(SecretBytes::fromString("secret").span()));
        QVERIFY(!ok(r_->prekeys.take(3)).has_value());
        QCOMPARE(ok(r_->prekeys.count(PrekeyKind::OneTime)), std::int64_t{4});
        QCOMPARE(ok(r_->prekeys.notUploaded(PrekeyKind::OneTime, 10)).size(), std::size_t{4});
        ok(r_->prekeys.markUploaded(PrekeyKind::OneTime, {1, 2}));
        QCOMPARE(ok(r_->prekeys.notUploaded(PrekeyKind::OneTime, 10)).size(), std::size_t{2});
    }

    // ---- stickers --------------------------------------------------------------------------

    void stickerPacksKeepTheirStickersWhenUpdated() {
        StickerPack pack;
        pack.packId = QByteArray(16, 'i');
        pack.packKey = makeSecret(SecretBytes(32));
        pack.title = QStringLiteral("Cats");
        pack.origin = StickerOrigin::Created;
        pack.createdAt = 1;
        ok(r_->stickers.putPack(pack));
        Sticker s;
        s.packId = pack.packId;
        s.stickerId = 0;
        s.emoji = QStringLiteral("🐱");
        s.contentType = QStringLiteral("image/png");
        s.image = QByteArray("\x89PNG fake image bytes", 21);
        ok(r_->stickers.putSticker(s));
        s.stickerId = 1;
        s.image.clear();  // listed in the manifest, not downloaded yet
        ok(r_->stickers.putSticker(s));

        pack.title = QStringLiteral("Cats, vol. 2");
        pack.installed = true;
        ok(r_->stickers.putPack(pack));  // must not cascade-delete the stickers
        const auto listed = ok(r_->stickers.stickers(pack.packId));
        QCOMPARE(listed.size(), std::size_t{2});
        QVERIFY(listed[0].hasImage);
        QVERIFY(listed[0].image.isEmpty());  // listing does not load image bytes
        QVERIFY(!listed[1].hasImage);
        QCOMPARE(ok(r_->stickers.sticker(pack.packId, 0))->image,
                 QByteArray("\x89PNG fake image bytes", 21));
        QCOMPARE(ok(r_->stickers.pack(pack.packId))->title, QStringLiteral("Cats, vol. 2"));
        QCOMPARE(ok(r_->stickers.packs(true)).size(), std::size_t{1});
        ok(r_->stickers.setInstalled(pack.packId, false));
        QVERIFY(ok(r_->stickers.packs(true)).empty());
        ok(r_->stickers.setPublished(pack.packId, 77));
        QCOMPARE(ok(r_->stickers.pack(pack.packId))->publishedAt.value(), std::int64_t{77});
        QVERIFY(ok(r_->stickers.removePack(pack.packId)));
        QVERIFY(ok(r_->stickers.stickers(pack.packId)).empty());
    }

    void stickerLimits() {
        StickerPack pack;
        pack.packId = QByteArray(8, 'x');
        pack.packKey = makeSecret(SecretBytes(32));
        QCOMPARE(errorOf(r_->stickers.putPack(pack)), StoreErrorCode::InvalidArgument);
        pack.packId = QByteArray(16, 'x');
        pack.packKey = makeSecret(SecretBytes(31));
        QCOMPARE(errorOf(r_->stickers.putPack(pack)), StoreErrorCode::InvalidArgument);
        pack.packKey = makeSecret(SecretBytes(32));
        ok(r_->stickers.putPack(pack));
        Sticker s;
        s.packId = pack.packId;
        s.image = QByteArray(limits::kMaxStickerImageBytes + 1, 'i');
        QCOMPARE(errorOf(r_->stickers.putSticker(s)), StoreErrorCode::InvalidArgument);
        s.image = QByteArray(limits::kMaxStickerImageBytes, 'i');
        ok(r_->stickers.putSticker(s));
        QCOMPARE(errorOf(r_->stickers.setInstalled(QByteArray(16, 'n'), true)),
                 StoreErrorCode::NotFound);
    }

    // ---- latency and settings --------------------------------------------------------------

    void latencySamples() {
        for (int i = 0; i < 10; ++i) {
            LatencySample s;
            s.transport = i % 2 == 0 ? Mode::Signal : Mode::Session;
            s.sentAt = 1000 + i;
            s.roundTripUs = 2000 + i;
            s.oneWayUs = 1000 + i;
            s.size = 160;
            s.probeRun = i < 4 ? std::optional<std::int64_t>(7) : std::nullopt;
            s.path = s.transport == Mode::Session ? QStringLiteral("n1>n2>n3") : QString();
            ok(r_->latency.add(s));
        }
        LatencySample lost;
        lost.transport = Mode::Session;
        lost.sentAt = 2000;
        lost.lost = true;
        ok(r_->latency.add(lost));
        LatencySample bad;
        bad.sentAt = 1;
        QCOMPARE(errorOf(r_->latency.add(bad)), StoreErrorCode::InvalidArgument);
        QCOMPARE(ok(r_->latency.count(Mode::Signal)), std::int64_t{5});
        QCOMPARE(ok(r_->latency.count(Mode::Session)), std::int64_t{6});
        QCOMPARE(ok(r_->latency.count(std::nullopt)), std::int64_t{11});
        const auto onion = ok(r_->latency.samples(Mode::Session, 1005, 100));
        QCOMPARE(onion.size(), std::size_t{4});  // 1005, 1007, 1009, lost
        QVERIFY(onion.back().lost);
        QVERIFY(!onion.back().roundTripUs.has_value());
        QCOMPARE(onion.front().path, QStringLiteral("n1>n2>n3"));
        QCOMPARE(ok(r_->latency.probeRun(7, 100)).size(), std::size_t{4});
        // The newest first, a page at a time.
        const auto newest = ok(r_->latency.newest(std::numeric_limits<std::int64_t>::max(), 3));
        QCOMPARE(newest.size(), std::size_t{3});
        QVERIFY(newest[0].lost);
        QCOMPARE(newest[1].sentAt, std::int64_t{1009});
        const auto older = ok(r_->latency.newest(newest.back().id, 100));
        QCOMPARE(older.size(), std::size_t{8});
        QCOMPARE(older.back().sentAt, std::int64_t{1000});
        QCOMPARE(ok(r_->latency.deleteOlderThan(1005)), 5);
        QCOMPARE(ok(r_->latency.count(std::nullopt)), std::int64_t{6});
    }

    void settings() {
        QVERIFY(!ok(r_->settings.get(QStringLiteral("mode"))).has_value());
        ok(r_->settings.set(QStringLiteral("mode"), "session"));
        ok(r_->settings.set(QStringLiteral("mode"), "signal"));
        QCOMPARE(ok(r_->settings.get(QStringLiteral("mode"))).value(), QByteArray("signal"));
        QVERIFY(ok(r_->settings.remove(QStringLiteral("mode"))));
        QCOMPARE(errorOf(r_->settings.set(QStringLiteral("x"),
                                          QByteArray(limits::kMaxSettingBytes + 1, 'v'))),
                 StoreErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(RepositoriesTest)
#include "tst_repositories.moc"
