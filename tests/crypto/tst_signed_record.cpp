// Signed mutable records (crypto/SignedRecord.h): a round trip, every field tampered with
// refused, an address that is not the owner's, an oversize payload, the version order servers
// apply, and the owner's key pair kept as its 64 secret bytes.
#include <sodium.h>

#include <QTest>

#include "crypto/QtBytes.h"
#include "crypto/SignedRecord.h"

using namespace tandem;
using namespace tandem::crypto;

class SignedRecordTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void nameAndAddress() {
        const Ed25519KeyPair owner = generateRecordOwner();
        const QByteArray name = recordName(qbytes(owner.publicKey));
        QCOMPARE(name.size(), kRecordNameBytes);
        const QByteArray address = recordAddress(name);
        QCOMPARE(address.size(), kRecordAddressBytes);
        QVERIFY(address.left(kRecordNameBytes) != name);
        // Deterministic, and different owners have different names.
        QCOMPARE(recordName(qbytes(owner.publicKey)), name);
        QVERIFY(recordName(qbytes(generateRecordOwner().publicKey)) != name);
        // Wrong sizes have no name or address.
        QVERIFY(recordName(QByteArray(31, 'x')).isEmpty());
        QVERIFY(recordAddress(QByteArray(32, 'x')).isEmpty());
    }

    void roundTrip() {
        const Ed25519KeyPair owner = generateRecordOwner();
        const SignedRecord record = signRecord(owner, 7, QByteArrayLiteral("manifest ciphertext"));
        QCOMPARE(record.version, quint64{7});
        QCOMPARE(record.address, recordAddress(recordName(qbytes(owner.publicKey))));
        QVERIFY(verifyRecord(record).has_value());
        // Through the wire form too.
        const SignedRecord back = fromProto(toProto(record));
        QVERIFY(verifyRecord(back).has_value());
        QCOMPARE(back.payload, record.payload);
        // An empty payload is a record too (a pack emptied by its owner).
        QVERIFY(verifyRecord(signRecord(owner, 1, {})).has_value());
    }

    void tamperedFieldsAreRefused_data() {
        QTest::addColumn<int>("field");
        QTest::addColumn<int>("code");
        QTest::newRow("address") << 0 << int(CryptoErrorCode::WrongSender);
        QTest::newRow("owner key") << 1 << int(CryptoErrorCode::WrongSender);
        QTest::newRow("version") << 2 << int(CryptoErrorCode::BadSignature);
        QTest::newRow("payload") << 3 << int(CryptoErrorCode::BadSignature);
        QTest::newRow("signature") << 4 << int(CryptoErrorCode::BadSignature);
        QTest::newRow("short signature") << 5 << int(CryptoErrorCode::Malformed);
        QTest::newRow("short owner key") << 6 << int(CryptoErrorCode::Malformed);
        QTest::newRow("short address") << 7 << int(CryptoErrorCode::Malformed);
    }

    void tamperedFieldsAreRefused() {
        QFETCH(int, field);
        QFETCH(int, code);
        const Ed25519KeyPair owner = generateRecordOwner();
        SignedRecord r = signRecord(owner, 3, QByteArrayLiteral("pack v3"));
        switch (field) {
            case 0:
                r.address[5] = static_cast<char>(r.address[5] ^ 1);
                break;
            case 1:
                r.ownerKey[0] = static_cast<char>(r.ownerKey[0] ^ 1);
                break;
            case 2:
                r.version = 4;
                break;
            case 3:
                r.payload[0] = 'P';
                break;
            case 4:
                r.signature[10] = static_cast<char>(r.signature[10] ^ 1);
                break;
            case 5:
                r.signature.chop(1);
                break;
            case 6:
                r.ownerKey.chop(1);
                break;
            default:
                r.address.chop(1);
                break;
        }
        const auto verified = verifyRecord(r);
        QVERIFY(!verified);
        QCOMPARE(int(verified.error().code), code);
        QVERIFY(!verified.error().message.isEmpty());
    }

    void anotherOwnersRecordAtThisAddressIsRefused() {
        // Signed correctly by B, but claiming A's address: a server must not store it there.
        const Ed25519KeyPair a = generateRecordOwner();
        const Ed25519KeyPair b = generateRecordOwner();
        SignedRecord forged = signRecord(b, 9, QByteArrayLiteral("not yours"));
        forged.address = recordAddress(recordName(qbytes(a.publicKey)));
        const auto verified = verifyRecord(forged);
        QVERIFY(!verified);
        QCOMPARE(verified.error().code, CryptoErrorCode::WrongSender);
        // Nor with A's key put in: then the signature is not A's.
        forged.ownerKey = qbytes(a.publicKey);
        QCOMPARE(verifyRecord(forged).error().code, CryptoErrorCode::BadSignature);
    }

    void oversizePayloadIsRefused() {
        const Ed25519KeyPair owner = generateRecordOwner();
        QVERIFY(verifyRecord(signRecord(owner, 1, QByteArray(kMaxRecordPayloadBytes, 'x'))));
        const auto verified =
            verifyRecord(signRecord(owner, 1, QByteArray(kMaxRecordPayloadBytes + 1, 'x')));
        QVERIFY(!verified);
        QCOMPARE(verified.error().code, CryptoErrorCode::TooLarge);
    }

    void versionOrder() {
        const Ed25519KeyPair owner = generateRecordOwner();
        const SignedRecord v2 = signRecord(owner, 2, QByteArrayLiteral("two"));
        QCOMPARE(compareRecords(v2, signRecord(owner, 3, QByteArrayLiteral("three"))),
                 RecordOrder::Newer);
        QCOMPARE(compareRecords(v2, signRecord(owner, 2, QByteArrayLiteral("two"))),
                 RecordOrder::Same);
        QCOMPARE(compareRecords(v2, signRecord(owner, 2, QByteArrayLiteral("other"))),
                 RecordOrder::Stale);
        QCOMPARE(compareRecords(v2, signRecord(owner, 1, QByteArrayLiteral("one"))),
                 RecordOrder::Stale);
    }

    void ownerKeptAsItsSecret() {
        const Ed25519KeyPair owner = generateRecordOwner();
        const auto again = recordOwnerFromSecret(owner.secretKey.span());
        QVERIFY(again.has_value());
        QCOMPARE(again->publicKey, owner.publicKey);
        QVERIFY(verifyRecord(signRecord(*again, 5, QByteArrayLiteral("later"))).has_value());
        SecretBytes damaged = owner.secretKey.clone();
        damaged.data()[40] ^= 1;
        QVERIFY(!recordOwnerFromSecret(damaged.span()));
        QVERIFY(!recordOwnerFromSecret(owner.secretKey.span().first(32)));
    }
};

QTEST_GUILESS_MAIN(SignedRecordTest)
#include "tst_signed_record.moc"
