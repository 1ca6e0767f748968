// Links (app/core/Links.h): every kind formatted and parsed back to what it was made from; a
// network link read as the same network as its network.json; and a table of malformed links,
// each refused with the sentence that says what is wrong with it. QR codes of links, too.
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/LinkCodec.h"
#include "app/core/Links.h"
#include "app/core/QrCode.h"
#include "crypto/Sodium.h"
#include "crypto/session/SessionKeys.h"
#include "tests/support/TestSupport.h"
#include "transport/onion/Swarm.h"

using namespace tandem;
namespace test = tandem::test;
using core::Link;

namespace {

const QString kAci = QStringLiteral("aci:0123456789abcdef0123456789abcdef");

QString sessionId() {
    static const QString id = [] {
        const auto x = crypto::X25519KeyPair::generate();
        return crypto::session::sessionIdOf(x.publicKey);
    }();
    return id;
}

QString hexOf(const crypto::PublicKey& key) {
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(key.data()), 32).toHex());  // NOLINT
}

// A network as tandem-localnet writes it: a relay and `nodes` onion nodes on 127.0.0.(10+i)
// with five-digit ports, in swarms, their directory signed by `networkKey`.
QByteArray networkJson(const crypto::Ed25519KeyPair& networkKey, std::size_t nodes,
                       bool relay = true) {
    QJsonObject network{{QStringLiteral("version"), 1}};
    if (relay) {
        const auto relayKey = crypto::Ed25519KeyPair::generate();
        network[QStringLiteral("relay")] =
            QJsonObject{{QStringLiteral("address"), QStringLiteral("127.0.0.1:41234")},
                        {QStringLiteral("public_key"), hexOf(relayKey.publicKey)}};
    }
    if (nodes > 0) {
        transport::onion::NodeDirectory directory;
        directory.version = 1;
        directory.issuedAtMs = 1700000000000;
        const auto swarms = transport::onion::assignSwarms(nodes);
        for (std::size_t i = 0; i < nodes; ++i) {
            const auto node = crypto::Ed25519KeyPair::generate();
            transport::onion::NodeInfo info;
            info.ed25519 = node.publicKey;
            info.x25519 = node.toX25519().publicKey;
            info.address = QStringLiteral("127.0.0.%1:%2").arg(10 + i).arg(40000 + i * 7);
            info.swarmId = swarms[i];
            directory.nodes.push_back(info);
        }
        const auto signedBytes = directory.sign(networkKey);
        network[QStringLiteral("onion")] =
            QJsonObject{{QStringLiteral("network_key"), hexOf(networkKey.publicKey)},
                        {QStringLiteral("directory"),
                         QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(  // NOLINT
                                                            signedBytes.data()),
                                                        static_cast<qsizetype>(signedBytes.size()))
                                                 .toBase64())}};
    }
    return QJsonDocument(network).toJson();
}

// A network link signed by `signer` over whatever `config` holds (what formatNetworkLink
// refuses to make), to see what the parser makes of it.
QString signedLink(const crypto::Ed25519KeyPair& signer, const QByteArray& config) {
    const crypto::Bytes message = crypto::concat(
        {crypto::view("tandem network link v1"), signer.publicKey,
         crypto::ByteView(reinterpret_cast<const std::uint8_t*>(config.constData()),  // NOLINT
                          static_cast<std::size_t>(config.size()))});
    const auto signature = signer.sign(message);
    return QStringLiteral("tandem://network/#key=%1&config=%2&sig=%3")
        .arg(
            hexOf(signer.publicKey), core::toBase64Url(config),
            core::toBase64Url(QByteArray(reinterpret_cast<const char*>(signature.data()),  // NOLINT
                                         64)));
}

QString fieldOf(const QString& link, const QString& name) {
    const QString start = name + u'=';
    const qsizetype at = link.indexOf(start);
    const qsizetype end = link.indexOf(u'&', at);
    return link.mid(at + start.size(), end < 0 ? -1 : end - at - start.size());
}

// `link` with the value of `name` replaced.
QString withField(const QString& link, const QString& name, const QString& value) {
    QString out = link;
    const QString old = fieldOf(link, name);
    return out.replace(name + u'=' + old, name + u'=' + value);
}

// One character of `text` at `index` changed to another base64url character.
QString flipped(const QString& text, qsizetype index) {
    QString out = text;
    out[index] = out[index] == u'A' ? u'B' : u'A';
    return out;
}

}  // namespace

class LinksTest : public QObject {
    Q_OBJECT

    crypto::Ed25519KeyPair networkKey_ = crypto::Ed25519KeyPair::generate();
    QString networkLink_;

private slots:
    void initTestCase() {
        QVERIFY(crypto::initialize());
        const auto link = core::formatNetworkLink(networkJson(networkKey_, 9), networkKey_);
        QVERIFY2(link.has_value(), qPrintable(link ? QString() : link.error()));
        networkLink_ = *link;
    }

    void contactLinksRoundTrip_data() {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("mode");
        QTest::newRow("signal") << kAci << QString() << int(storage::Mode::Signal);
        QTest::newRow("session") << sessionId() << QString() << int(storage::Mode::Session);
        QTest::newRow("signal, named")
            << kAci << QStringLiteral("Bob & Ann = #1 100% 🚲") << int(storage::Mode::Signal);
        QTest::newRow("session, named")
            << sessionId() << QStringLiteral("Grüße aus Köln") << int(storage::Mode::Session);
    }
    void contactLinksRoundTrip() {
        QFETCH(QString, address);
        QFETCH(QString, name);
        QFETCH(int, mode);
        const auto link = core::formatContactLink(address, name);
        QVERIFY2(link.has_value(), qPrintable(link ? QString() : link.error()));
        QVERIFY(link->startsWith(QStringLiteral("tandem://contact/#id=") + address));
        QVERIFY(!link->contains(u' '));
        const auto parsed = core::parseLink(*link + QStringLiteral("\n"));  // as pasted
        QVERIFY2(parsed.has_value(), qPrintable(parsed ? QString() : parsed.error()));
        const auto& contact = std::get<core::ContactLink>(*parsed);
        QCOMPARE(int(contact.mode), mode);
        QCOMPARE(contact.address, address);
        QCOMPARE(contact.nameHint, name);
        QCOMPARE(core::linkKindName(*parsed), QStringLiteral("contact"));
    }

    void networkLinkIsTheNetworkOfItsFile() {
        const QByteArray json = networkJson(networkKey_, 9);
        const auto link = core::formatNetworkLink(json, networkKey_);
        QVERIFY(link.has_value());
        const auto fromLink = core::parseNetworkLink(*link);
        QVERIFY2(fromLink.has_value(), qPrintable(fromLink ? QString() : fromLink.error()));
        const auto fromFile = core::NetworkConfig::parse(json);
        QVERIFY(fromFile.has_value());
        const core::NetworkConfig& a = fromLink->config;
        const core::NetworkConfig& b = *fromFile;
        QVERIFY(a.relay && b.relay && a.onion && b.onion);
        QCOMPARE(a.relay->host, b.relay->host);
        QCOMPARE(a.relay->port, b.relay->port);
        QVERIFY(a.relay->relayKey == b.relay->relayKey);
        QVERIFY(a.onion->networkKey == b.onion->networkKey);
        QCOMPARE(a.onion->signedDirectory, b.onion->signedDirectory);
        QCOMPARE(a.onion->directory.nodes.size(), std::size_t{9});
        for (std::size_t i = 0; i < 9; ++i) {
            QCOMPARE(a.onion->directory.nodes[i].address, b.onion->directory.nodes[i].address);
            QVERIFY(a.onion->directory.nodes[i].ed25519 == b.onion->directory.nodes[i].ed25519);
        }
        QCOMPARE(QJsonDocument::fromJson(a.json), QJsonDocument::fromJson(b.json));
        QVERIFY(fromLink->key == networkKey_.publicKey);
        // load() takes the link where it takes a file's path.
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("network.json"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly) && out.write(json) == json.size());
        out.close();
        const auto loaded = core::NetworkConfig::load(QStringLiteral("  ") + *link + u'\n');
        QVERIFY(loaded.has_value());
        QCOMPARE(loaded->onion->signedDirectory,
                 core::NetworkConfig::load(file)->onion->signedDirectory);
        QCOMPARE(core::NetworkConfig::describeSource(*link), QStringLiteral("the network link"));
        QCOMPARE(core::NetworkConfig::describeSource(file), file);
    }

    // The default local network (a relay, 9 nodes) fits a QR code with room to spare; the
    // lengths are printed for docs/links.md.
    void networkLinkLengths() {
        for (const std::size_t nodes : {0UL, 3UL, 9UL, 20UL, 30UL}) {
            const auto link = core::formatNetworkLink(networkJson(networkKey_, nodes), networkKey_);
            QVERIFY(link.has_value());
            const auto code = core::QrCode::encode(link->toLatin1());
            qInfo("network link, a relay and %zu nodes: %lld characters, QR code %d modules", nodes,
                  static_cast<long long>(link->size()), code ? code->width() : 0);
            if (nodes <= 9) {
                QVERIFY(link->size() <= 2000);
                QVERIFY(code.has_value());
            }
        }
        QVERIFY(networkLink_.size() <= 2000);
        // Kept as an artifact: a QR reader (zbarimg) reads the whole link back from it.
        QVERIFY(core::QrCode::encode(networkLink_.toLatin1())
                    ->toImage(4)
                    .save(test::artifactsDir() + QStringLiteral("/network-link-qr.png")));
        const auto relayOnly = core::formatNetworkLink(networkJson(networkKey_, 0), networkKey_);
        QVERIFY(core::parseNetworkLink(*relayOnly).has_value());
        QVERIFY(!core::parseNetworkLink(*relayOnly)->config.onion);
        // A network too large for a link is refused with its size.
        const auto huge = core::formatNetworkLink(networkJson(networkKey_, 200), networkKey_);
        QVERIFY(!huge.has_value());
        QVERIFY2(huge.error().contains(QStringLiteral("share its network.json instead")),
                 qPrintable(huge.error()));
    }

    void stickerLinksAreRecognised() {
        const auto pack = crypto::StickerPackSecret::generate();
        const QString link = crypto::stickerLink(pack);
        const auto parsed = core::parseLink(link);
        QVERIFY2(parsed.has_value(), qPrintable(parsed ? QString() : parsed.error()));
        const auto& sticker = std::get<core::StickerLink>(*parsed);
        QVERIFY(sticker.pack.packId == pack.packId);
        QVERIFY(sticker.pack.packKey.equals(pack.packKey.span()));
        QCOMPARE(core::linkKindName(*parsed), QStringLiteral("stickers"));
    }

    void malformedLinksAreRefusedWithTheirReason_data() {
        QTest::addColumn<QString>("link");
        QTest::addColumn<QString>("reason");
        const QString contact = QStringLiteral("tandem://contact/#id=") + kAci;
        const QString net = networkLink_;
        const QString config = fieldOf(net, QStringLiteral("config"));
        const QString sig = fieldOf(net, QStringLiteral("sig"));
        QTest::newRow("empty") << QStringLiteral(" \n") << QStringLiteral("the link is empty");
        QTest::newRow("another scheme") << QStringLiteral("https://example.org/#id=") + kAci
                                        << QStringLiteral("a Tandem link starts with tandem://");
        QTest::newRow("scheme in upper case")
            << QStringLiteral("TANDEM://contact/#id=") + kAci << QStringLiteral("in lower case");
        QTest::newRow("unknown kind") << QStringLiteral("tandem://chat/#id=") + kAci
                                      << QStringLiteral("\"tandem://chat\" is no kind of link");
        QTest::newRow("no path") << QStringLiteral("tandem://contact#id=") + kAci
                                 << QStringLiteral("after tandem://contact/#");
        QTest::newRow("query instead of fragment") << QStringLiteral("tandem://contact/?id=") + kAci
                                                   << QStringLiteral("after tandem://contact/#");
        QTest::newRow("no fields")
            << QStringLiteral("tandem://contact/#") << QStringLiteral("has no fields");
        QTest::newRow("not name=value")
            << contact + QStringLiteral("&name") << QStringLiteral("\"name\" is not a field");
        QTest::newRow("unknown field") << contact + QStringLiteral("&phone=1")
                                       << QStringLiteral("a contact link has no field \"phone\"");
        QTest::newRow("duplicate field")
            << contact + QStringLiteral("&id=") + kAci << QStringLiteral("\"id\" appears twice");
        QTest::newRow("missing id") << QStringLiteral("tandem://contact/#name=Bob")
                                    << QStringLiteral("has no \"id\" field");
        QTest::newRow("empty id") << QStringLiteral("tandem://contact/#id=")
                                  << QStringLiteral("\"id\" is empty");
        QTest::newRow("phone number instead of aci")
            << QStringLiteral("tandem://contact/#id=+4915100000001")
            << QStringLiteral("never a phone number");
        QTest::newRow("aci too short") << QStringLiteral("tandem://contact/#id=aci:0123456789")
                                       << QStringLiteral("neither a Signal account id");
        QTest::newRow("aci in upper case")
            << QStringLiteral("tandem://contact/#id=aci:0123456789ABCDEF0123456789ABCDEF")
            << QStringLiteral("neither a Signal account id");
        QTest::newRow("Session ID cut short")
            << QStringLiteral("tandem://contact/#id=") + sessionId().left(60)
            << QStringLiteral("neither a Signal account id");
        QTest::newRow("Session ID nobody holds")
            << QStringLiteral("tandem://contact/#id=05") + QString(64, u'0')
            << QStringLiteral("its key is one nobody holds");
        QTest::newRow("name, bad escape")
            << contact + QStringLiteral("&name=%zz") << QStringLiteral("not percent-encoded UTF-8");
        QTest::newRow("name, escape cut") << contact + QStringLiteral("&name=Bo%4")
                                          << QStringLiteral("not percent-encoded UTF-8");
        QTest::newRow("name, not UTF-8") << contact + QStringLiteral("&name=%FF%FE")
                                         << QStringLiteral("not percent-encoded UTF-8");
        QTest::newRow("name, reserved character")
            << contact + QStringLiteral("&name=a:b") << QStringLiteral("not percent-encoded UTF-8");
        QTest::newRow("name with a line break")
            << contact + QStringLiteral("&name=Bob%0AYou%3A%20hi")
            << QStringLiteral("the name it suggests: A name cannot hold line breaks");
        QTest::newRow("name with a direction override")
            << contact + QStringLiteral("&name=%E2%80%AEboB") << QStringLiteral("U+202e");
        QTest::newRow("blank name")
            << contact + QStringLiteral("&name=%20%20") << QStringLiteral("A name cannot be blank");
        QTest::newRow("name too long") << contact + QStringLiteral("&name=") + QString(65, u'x')
                                       << QStringLiteral("at most 64 characters; this one has 65");
        QTest::newRow("not ASCII") << contact + QStringLiteral("&name=Bö")
                                   << QStringLiteral("printable ASCII without spaces");
        QTest::newRow("space inside") << QStringLiteral("tandem://contact/#id= ") + kAci
                                      << QStringLiteral("holds U+0020 at character 22");
        QTest::newRow("overlong") << contact + QStringLiteral("&name=") + QString(9000, u'x')
                                  << QStringLiteral("at most 8192 characters; this one has");
        QTest::newRow("network, cut short in config")
            << net.left(net.indexOf(QStringLiteral("&sig=")) - 20)
            << QStringLiteral("has no \"sig\" field (was it cut short?)");
        QTest::newRow("network, cut short in sig")
            << net.left(net.size() - 10) << QStringLiteral("must be a 64-byte signature");
        QTest::newRow("network, signature altered")
            << withField(net, QStringLiteral("sig"), flipped(sig, 5))
            << QStringLiteral("its signature does not match");
        QTest::newRow("network, config altered")
            << withField(net, QStringLiteral("config"), flipped(config, config.size() / 2))
            << QStringLiteral("its signature does not match");
        QTest::newRow("network, another key")
            << withField(net, QStringLiteral("key"),
                         hexOf(crypto::Ed25519KeyPair::generate().publicKey))
            << QStringLiteral("its signature does not match");
        QTest::newRow("network, key not hex")
            << withField(net, QStringLiteral("key"), QString(64, u'g'))
            << QStringLiteral("\"key\" must be the network key: 64 lowercase hexadecimal digits");
        QTest::newRow("network, config not base64url")
            << withField(net, QStringLiteral("config"), config + QStringLiteral("="))
            << QStringLiteral("\"config\" is not base64url");
        QTest::newRow("network, unknown field")
            << net + QStringLiteral("&v=2") << QStringLiteral("a network link has no field \"v\"");
        // Signed, but not what a network link holds.
        const auto other = crypto::Ed25519KeyPair::generate();
        QTest::newRow("network, onion key is not the signer")
            << signedLink(other,
                          core::deflateBytes(QJsonDocument::fromJson(networkJson(networkKey_, 3))
                                                 .toJson(QJsonDocument::Compact)))
            << QStringLiteral("the onion network's key is not the key that signed the link");
        QTest::newRow("network, not deflate")
            << signedLink(other, QByteArray("\xff\xff\xff\xff not deflate"))
            << QStringLiteral("not valid deflate data");
        QTest::newRow("network, deflate cut short")
            << signedLink(other, core::deflateBytes(networkJson(other, 0)).left(40))
            << QStringLiteral("its compressed data is cut short");
        QTest::newRow("network, bytes after the deflate stream")
            << signedLink(other, core::deflateBytes(networkJson(other, 0)) + "xyz")
            << QStringLiteral("bytes after its end");
        QTest::newRow("network, a deflate bomb")
            << signedLink(other, core::deflateBytes(QByteArray(1024 * 1024, ' ')))
            << QStringLiteral("it unpacks to more than 64 KiB");
        QTest::newRow("network, not JSON")
            << signedLink(other, core::deflateBytes("network!"))
            << QStringLiteral("the network it carries: the network file is not JSON");
        QTest::newRow("network, neither relay nor onion")
            << signedLink(other, core::deflateBytes("{\"version\":1}"))
            << QStringLiteral("names neither a relay nor an onion network");
        QTest::newRow("stickers, malformed")
            << QStringLiteral("tandem://stickers/#pack_id=zz&pack_key=00")
            << QStringLiteral("not a sticker pack link: pack_id must be 32 lowercase");
    }
    void malformedLinksAreRefusedWithTheirReason() {
        QFETCH(QString, link);
        QFETCH(QString, reason);
        const auto parsed = core::parseLink(link);
        QVERIFY2(!parsed.has_value(), qPrintable(link.left(200)));
        QVERIFY2(parsed.error().contains(reason), qPrintable(parsed.error()));
    }

    void oneKindWhereOneIsAsked() {
        const auto network = core::parseContactLink(networkLink_);
        QVERIFY(!network.has_value());
        QCOMPARE(network.error(), QStringLiteral("this is a network link, not a contact link"));
        const auto contact = core::parseNetworkLink(QStringLiteral("tandem://contact/#id=") + kAci);
        QCOMPARE(contact.error(), QStringLiteral("this is a contact link, not a network link"));
        const auto load = core::NetworkConfig::load(QStringLiteral("tandem://contact/#id=") + kAci);
        QCOMPARE(load.error(), QStringLiteral("this is a contact link, not a network link"));
        QVERIFY(core::looksLikeLink(QStringLiteral("  Tandem://x")));
        QVERIFY(!core::looksLikeLink(QStringLiteral("/home/me/network.json")));
    }

    void formattersRefuseWhatNoLinkMayCarry() {
        QVERIFY(core::formatContactLink(QStringLiteral("+4915100000001"))
                    .error()
                    .contains(QStringLiteral("never a phone number")));
        QVERIFY(!core::formatContactLink(QStringLiteral("bob")).has_value());
        QVERIFY(core::formatContactLink(kAci, QStringLiteral("a\nb"))
                    .error()
                    .contains(QStringLiteral("line breaks")));
        const auto other = crypto::Ed25519KeyPair::generate();
        QVERIFY(core::formatNetworkLink(networkJson(networkKey_, 3), other)
                    .error()
                    .contains(QStringLiteral("not the key the link would be signed with")));
        QVERIFY(!core::formatNetworkLink("{", networkKey_).has_value());
    }

    void base64UrlHasOneSpelling() {
        QCOMPARE(core::fromBase64Url(QStringLiteral("AQ")), std::optional(QByteArray("\x01")));
        QVERIFY(!core::fromBase64Url(QStringLiteral("AR")));  // the same byte, other bits
        QVERIFY(!core::fromBase64Url(QStringLiteral("AQ==")));
        QVERIFY(!core::fromBase64Url(QStringLiteral("A")));
        QVERIFY(!core::fromBase64Url(QStringLiteral("a+b/")));
        QCOMPARE(core::percentDecode(QStringLiteral("a%2fb%2F~")),
                 std::optional(QByteArray("a/b/~")));
    }

    void qrCodes() {
        const auto contact = core::QrCode::encode(QByteArrayLiteral("tandem://contact/#id=") +
                                                  sessionId().toLatin1());
        QVERIFY(contact.has_value());
        const QString text = contact->toTerminal();
        const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
        const int side = contact->width() + 2 * core::QrCode::kQuietZone;
        QCOMPARE(lines.size(), (side + 1) / 2);
        QCOMPARE(lines.first(), QString(side, u'█'));  // the quiet zone is light
        const QImage image = contact->toImage(3);
        QCOMPARE(image.width(), side * 3);
        QCOMPARE(QColor(image.pixel(0, 0)), QColor(Qt::white));
        QVERIFY(core::QrCode::encode(networkLink_.toLatin1()).has_value());
        QVERIFY(core::QrCode::encode(QByteArray(core::QrCode::kMaxBytes, 'a')).has_value());
        QVERIFY(!core::QrCode::encode(QByteArray(core::QrCode::kMaxBytes + 1, 'a')).has_value());
        QVERIFY(!core::QrCode::encode(QByteArray()).has_value());
    }

    void fingerprints() {
        const QString print = core::keyFingerprint(networkKey_.publicKey);
        QCOMPARE(print.size(), 64 + 7);
        QCOMPARE(print.split(u' ').size(), 8);
        QCOMPARE(QString(print).remove(u' '), hexOf(networkKey_.publicKey));
    }
};

QTEST_GUILESS_MAIN(LinksTest)
#include "tst_links.moc"
