// ContentCodec: what a peer sends is decoded only if well-formed and within limits.
#include <QRandomGenerator>
#include <QTest>

#include "proto/ContentCodec.h"

using namespace tandem::proto;

class ContentTest : public QObject {
    Q_OBJECT

private slots:
    void roundTrip() {
        Content content;
        content.set_uid(std::string(16, 'u'));
        content.set_sent_at_ms(1700000000123);
        content.set_expire_timer_s(3600);
        content.mutable_text()->set_text("héllo 🚲");
        const auto decoded = decodeContent(encodeContent(content));
        QVERIFY(decoded.has_value());
        QCOMPARE(QString::fromStdString(decoded->text().text()), QStringLiteral("héllo 🚲"));
        QCOMPARE(decoded->sent_at_ms(), quint64{1700000000123});
        QCOMPARE(decoded->expire_timer_s(), 3600u);
        QCOMPARE(decoded->body_case(), Content::kText);
    }

    void receiptsCarryManyUids() {
        Content content;
        content.set_uid(std::string(16, 'r'));
        auto* receipt = content.mutable_receipt();
        receipt->set_type(Receipt::READ);
        receipt->add_uids(std::string(16, 'a'));
        receipt->add_uids(std::string(16, 'b'));
        receipt->set_received_at_ms(42);
        const auto decoded = decodeContent(encodeContent(content));
        QVERIFY(decoded.has_value());
        QCOMPARE(decoded->receipt().uids_size(), 2);
        QCOMPARE(decoded->receipt().type(), Receipt::READ);
    }

    void malformedInputIsRejected() {
        QVERIFY(!decodeContent(QByteArray("\xff\xff\xff\xff\xff", 5)).has_value());
        QVERIFY(!decodeContent(QByteArray()).has_value());  // no uid, no body
        Content noUid;
        noUid.mutable_text()->set_text("x");
        QVERIFY(decodeContent(encodeContent(noUid)).error().contains(QStringLiteral("id")));
        Content noBody;
        noBody.set_uid(std::string(16, 'u'));
        QVERIFY(decodeContent(encodeContent(noBody)).error().contains(QStringLiteral("empty")));
        Content shortUid;
        shortUid.set_uid("short");
        shortUid.mutable_text()->set_text("x");
        QVERIFY(!decodeContent(encodeContent(shortUid)).has_value());
    }

    void oversizeInputIsRejectedBeforeParsing() {
        const auto decoded = decodeContent(QByteArray(kMaxContentBytes + 1, 'x'));
        QVERIFY(!decoded.has_value());
        QVERIFY(decoded.error().contains(QStringLiteral("too large")));
    }

    void randomBytesNeverCrash() {
        QByteArray bytes(512, '\0');
        for (int round = 0; round < 2000; ++round) {
            for (auto& b : bytes) {
                b = static_cast<char>(QRandomGenerator::global()->bounded(256));
            }
            const auto decoded =
                decodeContent(bytes.left(QRandomGenerator::global()->bounded(512)));
            // Whatever got through keeps the decoder's promises.
            if (decoded) {
                QCOMPARE(decoded->uid().size(), std::size_t{kUidBytes});
                QVERIFY(decoded->body_case() != Content::BODY_NOT_SET);
            }
        }
    }
};

QTEST_GUILESS_MAIN(ContentTest)
#include "tst_content.moc"
