// Sticker packs in the core (docs/stickers.md), over real stores and a network played by the
// test (blobs and signed records in memory): the built-in packs, creating and publishing,
// fetching checked at every step — a record signed by someone else, a manifest that lies
// about its stickers, a wrong key, an image that is not a sticker — a received sticker's pack,
// sending one, and packs that go with the last message showing them. The same over the real
// relay and onion network is in tests/e2e/tst_stickers_e2e.cpp.
#include <map>

#include <QBuffer>
#include <QDateTime>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "app/core/ContentHandler.h"
#include "app/core/TransportRequests.h"
#include "app/core/stickers/StickerJobs.h"
#include "app/core/stickers/StickerService.h"
#include "crypto/SignedRecord.h"
#include "crypto/Stickers.h"
#include "media/StickerEncoder.h"
#include "proto/ContentCodec.h"
#include "resources/stickers/DefaultStickerPacks.h"
#include "tandem/common/Clock.h"
#include "tandem/content.pb.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;
using core::CoreResult;

namespace {

// A network of blobs and records, answering on the next event-loop turn. It checks nothing,
// so a test can make it lie.
class FakeNetwork final : public transport::Transport {
    Q_OBJECT
public:
    std::map<QByteArray, QByteArray> blobs;
    std::map<QByteArray, crypto::SignedRecord> records;
    int counter = 0;

    [[nodiscard]] transport::TransportStatus status() const override {
        return {transport::TransportStatus::State::Online, {}, {}};
    }
    void start() override {}
    void stop() override {}
    void send(const transport::OutgoingEnvelope&) override {}
    void acknowledge(const QByteArray&) override {}
    void putBlob(const QByteArray& id, const QByteArray& data) override {
        const QByteArray blobId = QByteArray::number(++counter);
        blobs[blobId] = data;
        QTimer::singleShot(0, this, [this, id, blobId, size = data.size()] {
            emit blobStored(id, {blobId, size});
        });
    }
    void getBlob(const QByteArray& id, const transport::BlobRef& ref) override {
        QTimer::singleShot(0, this, [this, id, ref] {
            const auto it = blobs.find(ref.id);
            if (it == blobs.end()) {
                emit blobFailed(id, {transport::TransportError::Code::NotFound, "no blob", false});
            } else {
                emit blobFetched(id, it->second);
            }
        });
    }
    void putRecord(const QByteArray& id, const crypto::SignedRecord& record) override {
        records[record.address] = record;
        QTimer::singleShot(0, this, [this, id, v = record.version] { emit recordStored(id, v); });
    }
    void getRecord(const QByteArray& id, const QByteArray& address) override {
        QTimer::singleShot(0, this, [this, id, address] {
            const auto it = records.find(address);
            if (it == records.end()) {
                emit recordFailed(id,
                                  {transport::TransportError::Code::NotFound, "no record", false});
            } else {
                emit recordFetched(id, it->second);
            }
        });
    }
};

QByteArray png(int hue, QSize size = {400, 300}) {
    QImage image(size, QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setBrush(QColor::fromHsv(hue, 230, 230));
    p.drawEllipse(QRect(QPoint(10, 10), size - QSize(20, 20)));
    p.end();
    QByteArray out;
    QBuffer buffer(&out);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return out;
}

QByteArray webp(int hue) {
    return media::stickerFromBytes(png(hue)).value().webp;
}

template <class T>
T run(std::function<void(std::function<void(T)>)> start) {
    std::optional<T> out;
    start([&out](T value) { out = std::move(value); });
    if (!QTest::qWaitFor([&out] { return out.has_value(); }, 10000)) {
        qFatal("no answer");
    }
    return std::move(*out);
}

// Why a result failed ("" when it did not): QVERIFY2 evaluates its message either way.
template <class T>
QByteArray why(const CoreResult<T>& r) {
    return r ? QByteArray() : r.error().message.toUtf8();
}

QByteArray idOf(const crypto::StickerPackSecret& s) {
    return {reinterpret_cast<const char*>(s.packId.data()),
            static_cast<qsizetype>(s.packId.size())};
}

}  // namespace

class StickersTest : public QObject {
    Q_OBJECT

    struct Pack {
        crypto::StickerPackSecret secret;
        crypto::Ed25519KeyPair owner;
    };

    static Pack newPack() {
        Pack p{crypto::StickerPackSecret::generate(), crypto::generateRecordOwner()};
        const QByteArray ownerKey(reinterpret_cast<const char*>(p.owner.publicKey.data()),
                                  static_cast<qsizetype>(p.owner.publicKey.size()));
        const QByteArray name = crypto::recordName(ownerKey);
        p.secret.packId.assign(name.begin(), name.end());
        return p;
    }

    static crypto::StickerPackSecret copy(const crypto::StickerPackSecret& s) {
        crypto::StickerPackSecret c;
        c.packId = s.packId;
        c.packKey = s.packKey.clone();
        return c;
    }

    // Publishes `images` as `pack` on `network`; the version the network took.
    static CoreResult<quint64> publish(core::TransportRequests& requests, const Pack& pack,
                                       std::vector<core::PackImage> images, quint64 version = 1) {
        return run<CoreResult<quint64>>([&](auto done) {
            (new core::PublishJob(requests, copy(pack.secret), pack.owner.clone(), version,
                                  QStringLiteral("Cats"), QStringLiteral("Alice"), 0,
                                  std::move(images), done))
                ->start();
        });
    }

    static CoreResult<core::FetchedPack> fetch(core::TransportRequests& requests,
                                               const crypto::StickerPackSecret& secret) {
        return run<CoreResult<core::FetchedPack>>([&](auto done) {
            (new core::FetchJob(requests, copy(secret), std::nullopt, true, done))->start();
        });
    }

private slots:
    // Published then fetched: the same stickers, in order, each checked.
    void publishedPackIsFetchedWhole() {
        FakeNetwork network;
        core::TransportRequests requests(network);
        const Pack pack = newPack();
        const auto published =
            publish(requests, pack,
                    {{0, QStringLiteral("🐱"), webp(10)}, {1, QStringLiteral("🎉"), webp(200)}});
        QVERIFY2(published.has_value(), why(published).constData());
        QCOMPARE(*published, quint64{1});
        // The network holds only ciphertext.
        for (const auto& [id, bytes] : network.blobs) {
            QVERIFY(!bytes.contains("WEBP"));
        }
        const auto fetched = fetch(requests, pack.secret);
        QVERIFY2(fetched.has_value(), why(fetched).constData());
        QCOMPARE(fetched->manifest.title, QStringLiteral("Cats"));
        QCOMPARE(fetched->images.size(), std::size_t{2});
        QCOMPARE(fetched->images[0].webp.isEmpty(), false);
    }

    // Someone holding the link (and so the key) publishes under the pack's address with their
    // own key: refused, as the pack id is not their key's name.
    void aRecordSignedBySomeoneElseIsRefused() {
        FakeNetwork network;
        core::TransportRequests requests(network);
        const Pack pack = newPack();
        QVERIFY(publish(requests, pack, {{0, QStringLiteral("🐱"), webp(10)}}).has_value());
        Pack forger = newPack();
        forger.secret = copy(pack.secret);
        QVERIFY(publish(requests, forger, {{0, QStringLiteral("😈"), webp(300)}}, 9).has_value());
        // The forger's record sits at their own address; put it at the pack's.
        const QByteArray address = crypto::recordAddress(idOf(pack.secret));
        crypto::SignedRecord forged = network.records[crypto::recordAddress(crypto::recordName(
            QByteArray(reinterpret_cast<const char*>(forger.owner.publicKey.data()), 32)))];
        forged.address = address;
        network.records[address] = forged;
        const auto fetched = fetch(requests, pack.secret);
        QVERIFY(!fetched.has_value());
        QCOMPARE(fetched.error().code, core::CoreErrorCode::Crypto);
    }

    // The manifest names a blob of another size, or another sticker's image, or the blob is
    // not a sticker at all: each refused, nothing handed back.
    void aManifestThatLiesIsRefused() {
        for (int lie = 0; lie < 3; ++lie) {
            FakeNetwork network;
            core::TransportRequests requests(network);
            const Pack pack = newPack();
            QVERIFY(
                publish(requests, pack,
                        {{0, QStringLiteral("🐱"), webp(10)}, {1, QStringLiteral("🐶"), webp(100)}})
                    .has_value());
            if (lie == 0) {
                network.blobs.begin()->second.append('x');  // another size than listed
            } else if (lie == 1) {
                std::swap(network.blobs[QByteArrayLiteral("1")],
                          network.blobs[QByteArrayLiteral("2")]);  // images swapped
            } else {
                // A well-encrypted blob that is not a sticker image.
                const auto sealed = crypto::encryptStickerImage(
                    pack.secret, 0, crypto::view(std::string_view("not a picture at all")));
                network.blobs[QByteArrayLiteral("1")] =
                    QByteArray(reinterpret_cast<const char*>(sealed.data()),
                               static_cast<qsizetype>(sealed.size()));
                // Keep the manifest's size right so the check that fails is the image's.
                auto& record = network.records.begin()->second;
                auto manifest =
                    crypto::decryptStickerManifest(
                        pack.secret,
                        crypto::ByteView(
                            reinterpret_cast<const std::uint8_t*>(record.payload.data()),
                            static_cast<std::size_t>(record.payload.size())))
                        .value();
                manifest.stickers[0].blobSize = static_cast<std::uint64_t>(sealed.size());
                const auto payload = crypto::encryptStickerManifest(pack.secret, manifest);
                record =
                    crypto::signRecord(pack.owner, 2,
                                       QByteArray(reinterpret_cast<const char*>(payload.data()),
                                                  static_cast<qsizetype>(payload.size())));
            }
            const auto fetched = fetch(requests, pack.secret);
            QVERIFY2(!fetched.has_value(), qPrintable(QString::number(lie)));
            qInfo("lie %d: %s", lie, why(fetched).constData());
        }
    }

    // A link with the right id and another key opens nothing.
    void aWrongKeyOpensNothing() {
        FakeNetwork network;
        core::TransportRequests requests(network);
        const Pack pack = newPack();
        QVERIFY(publish(requests, pack, {{0, QStringLiteral("🐱"), webp(10)}}).has_value());
        crypto::StickerPackSecret wrong = crypto::StickerPackSecret::generate();
        wrong.packId = pack.secret.packId;
        const auto fetched = fetch(requests, wrong);
        QVERIFY(!fetched.has_value());
        QVERIFY2(fetched.error().message.contains(QStringLiteral("key")), why(fetched).constData());
    }

    // The built-in packs: two or more, 12+ stickers each, valid sticker WebPs, one animated.
    void builtInPacks() {
        const auto packs = stickers::defaultStickerPacks();
        QVERIFY(packs.size() >= 2);
        bool animated = false;
        for (const auto& p : packs) {
            QVERIFY(p.stickers.size() >= 12);
            QVERIFY(stickers::isDefaultStickerPack(p.packId));
            for (const auto& s : p.stickers) {
                QVERIFY(media::validateStickerWebp(s.webp).has_value());
                animated = animated || s.animated;
            }
        }
        QVERIFY(animated);
    }

    // A new profile gets the built-in packs once; a start with every pack current writes
    // nothing; a stored copy of an older version is replaced, stickers and all, and a pack the
    // user hid stays hidden.
    void builtInPacksInstallOnceAndUpdate() {
        QTemporaryDir dir;
        Store store;
        QVERIFY(test::await(
            store.create(dir.path(), test::passphrase("pw"), KdfStrength::Interactive)));
        const core::Channels channels;
        core::StickerService service(store, channels);
        const auto manifests = stickers::defaultStickerPackManifests();
        QVERIFY(manifests.size() >= 2);
        QCOMPARE(test::await(service.installBuiltins()).value(),
                 static_cast<int>(manifests.size()));
        QCOMPARE(test::await(service.installBuiltins()).value(), 0);

        const stickers::DefaultPack& first = manifests.front();
        const QByteArray id = first.packId;
        const QByteArray image = webp(7);
        QVERIFY(test::await(store.write([&](Repositories& r) -> StoreResult<void> {
                    TANDEM_TRY_ASSIGN(auto stored, r.stickers.pack(id));
                    if (!stored) {
                        return storeError(StoreErrorCode::NotFound, QStringLiteral("no pack"));
                    }
                    stored->version = first.version - 1;
                    stored->hidden = true;
                    TANDEM_TRY(r.stickers.putPack(*stored));
                    Sticker extra;
                    extra.packId = id;
                    extra.stickerId = 999;
                    extra.emoji = QStringLiteral("🐱");
                    extra.contentType = QStringLiteral("image/webp");
                    extra.image = image;
                    return r.stickers.putSticker(extra);
                })).has_value());
        QCOMPARE(test::await(service.installBuiltins()).value(), 1);

        const auto whole = stickers::defaultStickerPack(first.name);
        QVERIFY(whole.has_value());
        const auto pack =
            test::await(store.read([&](Repositories& r) { return r.stickers.pack(id); }));
        QVERIFY(pack.has_value() && pack->has_value());
        QCOMPARE((*pack)->version, first.version);
        QVERIFY((*pack)->builtin);
        QVERIFY((*pack)->hidden);
        const auto rows =
            test::await(store.read([&](Repositories& r) { return r.stickers.stickers(id); }));
        QVERIFY(rows.has_value());
        QCOMPARE(rows->size(), whole->stickers.size());
        for (const Sticker& row : *rows) {
            QVERIFY(row.stickerId < static_cast<std::int64_t>(whole->stickers.size()));
            const auto stored = test::await(
                store.read([&](Repositories& r) { return r.stickers.sticker(id, row.stickerId); }));
            QVERIFY(stored.has_value() && stored->has_value());
            QCOMPARE((*stored)->image,
                     whole->stickers[static_cast<std::size_t>(row.stickerId)].webp);
        }
        QCOMPARE(test::await(service.installBuiltins()).value(), 0);
    }

    // A received sticker from a pack we do not have: the message, and the pack as the sender
    // named it, image not yet fetched. A second sticker of the same pack id with another key
    // does not change the key. A malformed reference stores nothing.
    void aReceivedStickerNamesItsPack() {
        QTemporaryDir dir;
        Store store;
        QVERIFY(test::await(
            store.create(dir.path(), test::passphrase("pw"), KdfStrength::Interactive)));
        const QString peer = QStringLiteral("05") + QString(64, u'c');
        const Contact from = test::await(store.write([peer](Repositories& r) {
                                 return r.contacts.add(Mode::Session, peer, QString(), 1);
                             })).value();
        const Pack pack = newPack();
        const auto content = [&](const QByteArray& key, std::uint32_t id,
                                 const std::string& packId) {
            proto::Content c;
            c.set_uid(MessageUid::generate(nowMs()).toByteArray().toStdString());
            c.set_sent_at_ms(static_cast<std::uint64_t>(nowMs()));
            c.set_expire_timer_s(5);  // after send: gone 5 s after it was sent
            c.set_expire_after_send(true);
            c.mutable_sticker()->set_pack_id(packId);
            c.mutable_sticker()->set_pack_key(key.toStdString());
            c.mutable_sticker()->set_sticker_id(id);
            c.mutable_sticker()->set_emoji("🐱");
            return c;
        };
        const std::string packId = idOf(pack.secret).toStdString();
        const QByteArray key(reinterpret_cast<const char*>(pack.secret.packKey.data()), 32);
        const auto handle = [&](const proto::Content& c) {
            return test::await(store.write([&](Repositories& r) {
                       return core::handleContent(r, Mode::Session, from, c, nowMs());
                   }))
                .value();
        };
        const auto first = handle(content(key, 2, packId));
        QVERIFY(first.stored);
        QCOMPARE(first.stored->kind, MessageKind::Sticker);
        QCOMPARE(first.stored->body, QStringLiteral("🐱"));
        QCOMPARE(first.stored->stickerId.value(), std::int64_t{2});
        const auto stored = test::await(store.read([&](Repositories& r) {
                                return r.stickers.pack(QByteArray::fromStdString(packId));
                            })).value();
        QVERIFY(stored && !stored->installed);
        QVERIFY(stored->packKey->equals(pack.secret.packKey.span()));
        const auto keyHeld = [&] {
            const auto held = test::await(store.read([&](Repositories& r) {
                                  return r.stickers.pack(QByteArray::fromStdString(packId));
                              })).value();
            return held.has_value() ? held.value().packKey : SharedSecret();
        };
        // Never opened: a later sender's key is taken (a first message with a wrong key does
        // not block the pack) …
        handle(content(QByteArray(32, 'k'), 3, packId));
        QVERIFY(
            keyHeld()->equals(crypto::view(std::string_view("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"))));
        handle(content(key, 3, packId));
        QVERIFY(keyHeld()->equals(pack.secret.packKey.span()));
        // … once a sticker of it was opened with the key, no sender changes it.
        QVERIFY(test::await(store.write([&](Repositories& r) {
                    Sticker s;
                    s.packId = QByteArray::fromStdString(packId);
                    s.stickerId = 2;
                    s.emoji = QStringLiteral("🐱");
                    s.image = webp(10);
                    return r.stickers.putSticker(s);
                })).has_value());
        handle(content(QByteArray(32, 'k'), 4, packId));
        QVERIFY(keyHeld()->equals(pack.secret.packKey.span()));
        const auto bad = handle(content(key, 1, "short"));
        QVERIFY(!bad.stored);

        // The messages expire: the pack, known only from them, goes with them.
        QVERIFY(first.stored->expiresAt.has_value());
        QCOMPARE(test::await(store.expire(nowMs() + 6000)).value().size(), std::size_t{4});
        const auto gone = test::await(store.read([&](Repositories& r) {
                              return r.stickers.pack(QByteArray::fromStdString(packId));
                          })).value();
        QVERIFY(!gone.has_value());
    }
};

QTEST_MAIN(StickersTest)
#include "tst_stickers.moc"
