// crypto/Attachments: a file sealed chunk by chunk under its own key. What was sealed opens;
// a chunk under another key, at another place, of a file with another number of chunks, cut
// short, grown or flipped does not.
#include <QTest>

#include "crypto/Attachments.h"
#include "crypto/Sodium.h"

using namespace tandem::crypto;

class AttachmentChunksTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(initialize()); }

    void chunkArithmetic() {
        QCOMPARE(kSealedChunkBytes, 512 * 1024);
        QCOMPARE(attachmentChunkCount(1), 1);
        QCOMPARE(attachmentChunkCount(kAttachmentChunkBytes), 1);
        QCOMPARE(attachmentChunkCount(kAttachmentChunkBytes + 1), 2);
        QCOMPARE(attachmentChunkCount(kMaxAttachmentBytes), 201);
        QCOMPARE(attachmentChunkCount(0), 0);
        const qint64 size = 3 * kAttachmentChunkBytes + 10;
        QCOMPARE(attachmentChunkPlainBytes(size, 0), kAttachmentChunkBytes);
        QCOMPARE(attachmentChunkPlainBytes(size, 3), 10);
        QCOMPARE(attachmentChunkPlainBytes(size, 4), 0);
        QCOMPARE(attachmentChunkPlainBytes(size, -1), 0);
        QCOMPARE(attachmentChunkSealedBytes(size, 3), 10 + kChunkOverheadBytes);
        QCOMPARE(attachmentChunkSealedBytes(size, 0), kSealedChunkBytes);
    }

    void sealsAndOpens() {
        const auto key = generateAttachmentKey();
        QCOMPARE(key.size(), std::size_t{32});
        QByteArray plain(kAttachmentChunkBytes, 'x');
        plain[7] = 'y';
        const QByteArray sealed = sealAttachmentChunk(key, 2, 5, plain);
        QCOMPARE(sealed.size(), kSealedChunkBytes);
        QCOMPARE(openAttachmentChunk(key, 2, 5, sealed).value(), plain);
        // A fresh nonce each time: the same chunk sealed twice differs.
        QVERIFY(sealAttachmentChunk(key, 2, 5, plain) != sealed);
    }

    void refusesWhatDoesNotBelong() {
        const auto key = generateAttachmentKey();
        const QByteArray plain = QByteArrayLiteral("the last chunk of a file");
        const QByteArray sealed = sealAttachmentChunk(key, 4, 5, plain);
        const auto other = generateAttachmentKey();
        QCOMPARE(openAttachmentChunk(other, 4, 5, sealed).error().code,
                 CryptoErrorCode::DecryptFailed);
        QCOMPARE(openAttachmentChunk(key, 3, 5, sealed).error().code,
                 CryptoErrorCode::DecryptFailed);  // moved
        QCOMPARE(openAttachmentChunk(key, 4, 6, sealed).error().code,
                 CryptoErrorCode::DecryptFailed);  // a file with another chunk count
        QByteArray flipped = sealed;
        flipped[30] = static_cast<char>(flipped[30] ^ 1);
        QCOMPARE(openAttachmentChunk(key, 4, 5, flipped).error().code,
                 CryptoErrorCode::DecryptFailed);
        QCOMPARE(openAttachmentChunk(key, 4, 5, sealed.left(sealed.size() - 1)).error().code,
                 CryptoErrorCode::DecryptFailed);
        QCOMPARE(openAttachmentChunk(key, 4, 5, sealed.left(40)).error().code,
                 CryptoErrorCode::Malformed);
        QCOMPARE(
            openAttachmentChunk(key, 4, 5, QByteArray(kSealedChunkBytes + 1, 'a')).error().code,
            CryptoErrorCode::Malformed);
        tandem::SecretBytes shortKey(16);
        QCOMPARE(openAttachmentChunk(shortKey, 4, 5, sealed).error().code,
                 CryptoErrorCode::Malformed);
    }
};

QTEST_GUILESS_MAIN(AttachmentChunksTest)
#include "tst_attachment_chunks.moc"
