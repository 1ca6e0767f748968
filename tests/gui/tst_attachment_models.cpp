// The app's side of attachments, piece by piece: the progress the views get (at most ten
// updates a second per message, the last one never lost), how sizes and transfers are said,
// the images' decoder and its bounds, the file types not opened from the chat, and the
// message list's `attachment` role over a real profile (a stored message with a file, its
// progress, its state moving).
#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QImage>
#include <QMimeDatabase>
#include <QQuickImageResponse>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include "app/core/ContentHandler.h"
#include "qml/attachments/AttachmentActions.h"
#include "qml/attachments/AttachmentImages.h"
#include "qml/attachments/AttachmentText.h"
#include "qml/chat/MessageListModel.h"
#include "qml/core/AppCore.h"
#include "qml/core/TransferProgress.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;
using tandem::gui::AppCore;
using tandem::gui::AttachmentActions;
using tandem::gui::AttachmentImages;
using tandem::gui::AttachmentText;
using tandem::gui::MessageListModel;
using tandem::gui::TransferProgress;

namespace {

quint32 crc32(const QByteArray& bytes) {
    quint32 crc = 0xffffffffU;
    for (const char c : bytes) {
        crc ^= static_cast<quint8>(c);
        for (int k = 0; k < 8; ++k) {
            crc = (crc >> 1) ^ (0xedb88320U & (0U - (crc & 1U)));
        }
    }
    return ~crc;
}

// A PNG that says it is width × height and holds no pixels at all: only its header is read
// before the decoder decides.
QByteArray pngHeaderOnly(quint32 width, quint32 height) {
    QByteArray ihdr("IHDR");
    const auto be32 = [](quint32 v) {
        QByteArray out(4, '\0');
        qToBigEndian(v, out.data());
        return out;
    };
    ihdr += be32(width) + be32(height) + QByteArray("\x08\x02\x00\x00\x00", 5);
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    png += be32(13) + ihdr + be32(crc32(ihdr));
    for (const char* empty : {"IDAT", "IEND"}) {
        png += be32(0) + QByteArray(empty) + be32(crc32(QByteArray(empty)));
    }
    return png;
}

QByteArray encoded(const QImage& image, const char* format) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format);
    return bytes;
}

}  // namespace

class AttachmentModelsTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<AppCore> core_;

private slots:
    void initTestCase() {
        core_ = std::make_unique<AppCore>(dir_.path());
        core_->createProfile(QStringLiteral("a test passphrase"));
        QVERIFY(QTest::qWaitFor([&] { return core_->state() == AppCore::State::Ready; }, 30000));
    }

    void cleanupTestCase() { core_.reset(); }

    // The first report goes at once, a burst is held to one every 100 ms, and the last of a
    // transfer goes at once and is never dropped.
    void progressIsThrottledPerMessage() {
        TransferProgress progress;
        QSignalSpy spy(&progress, &TransferProgress::progressed);
        progress.report(1, 10, 1000);
        QCOMPARE(spy.size(), 1);
        progress.report(1, 20, 1000);
        progress.report(1, 30, 1000);
        progress.report(2, 5, 50);  // another message: its own pace
        QCOMPARE(spy.size(), 2);
        QCOMPARE(spy.last().at(0).toLongLong(), 2);
        QVERIFY(spy.wait(1000));
        QCOMPARE(spy.size(), 3);
        QCOMPARE(spy.last().at(0).toLongLong(), 1);
        QCOMPARE(spy.last().at(1).toLongLong(), 30);  // the latest, not the one held first
        progress.report(1, 1000, 1000);
        QCOMPARE(spy.size(), 4);  // finished: at once
        QCOMPARE(spy.last().at(1).toLongLong(), 1000);
        QCOMPARE(progress.pending(), std::size_t{0});

        // A fast transfer: 400 reports in 0.6 s give a handful of updates, the last exact.
        spy.clear();
        QElapsedTimer clock;
        clock.start();
        for (int i = 1; i <= 400; ++i) {
            progress.report(7, i, 401);
            QTest::qWait(1);
            if (clock.elapsed() > 600) {
                break;
            }
        }
        QTest::qWait(250);
        QVERIFY2(spy.size() <= 10, qPrintable(QString::number(spy.size())));
        QVERIFY(spy.size() >= 2);
        QVERIFY(spy.last().at(1).toLongLong() >= 300);
        progress.report(7, 401, 401);
        QCOMPARE(spy.last().at(1).toLongLong(), 401);
    }

    void sizesAndProgressAreSaidInHumanUnits() {
        QCOMPARE(AttachmentText::size(0), QStringLiteral("0 bytes"));
        QCOMPARE(AttachmentText::size(1), QStringLiteral("1 byte"));
        QCOMPARE(AttachmentText::size(812), QStringLiteral("812 bytes"));
        QCOMPARE(AttachmentText::size(1536), QStringLiteral("1.5 KB"));
        QCOMPARE(AttachmentText::size(3 * 1024 * 1024), QStringLiteral("3.0 MB"));
        QCOMPARE(AttachmentText::size(100LL * 1024 * 1024), QStringLiteral("100.0 MB"));
        QCOMPARE(AttachmentText::size(3LL * 1024 * 1024 * 1024 / 2), QStringLiteral("1.5 GB"));
        const qint64 mb = 1024 * 1024;
        QCOMPARE(
            AttachmentText::progress(QStringLiteral("uploading"), 12 * mb + 3 * mb / 10, 50 * mb),
            QStringLiteral("Uploading 12.3 of 50.0 MB"));
        QCOMPARE(AttachmentText::progress(QStringLiteral("downloading"), 512, 300 * 1024),
                 QStringLiteral("Downloading 0.5 of 300.0 KB"));
        QCOMPARE(AttachmentText::typeLabel(QStringLiteral("Report.final.pdf")),
                 QStringLiteral("PDF"));
        QCOMPARE(AttachmentText::typeLabel(QStringLiteral("archive.verylongext")), QString());
        QCOMPARE(AttachmentText::typeLabel(QStringLiteral("README")), QString());
    }

    void aChosenFileIsDescribed() {
        const QString png = dir_.filePath(QStringLiteral("chosen.png"));
        QImage image(40, 30, QImage::Format_RGB32);
        image.fill(Qt::red);
        QVERIFY(image.save(png));
        const QVariantMap d = AttachmentText::describeFile(QUrl::fromLocalFile(png));
        QCOMPARE(d[QStringLiteral("name")].toString(), QStringLiteral("chosen.png"));
        QCOMPARE(d[QStringLiteral("size")].toLongLong(), QFileInfo(png).size());
        QVERIFY(d[QStringLiteral("image")].toBool());
        const QVariantMap remote =
            AttachmentText::describeFile(QUrl(QStringLiteral("https://example.org/x.png")));
        QVERIFY(remote[QStringLiteral("name")].toString().isEmpty());
        QVERIFY(AttachmentText::describeFile(QUrl::fromLocalFile(dir_.path()))
                    .value(QStringLiteral("name"))
                    .toString()
                    .isEmpty());  // a folder is no file to send
        QVERIFY(AttachmentText::saveTarget(QStringLiteral("../../etc/passwd"))
                    .toLocalFile()
                    .endsWith(QStringLiteral("/passwd")));
    }

    // Decoded no larger than asked (or 4096 a side), turned by EXIF; a picture that says it
    // is enormous is refused from its header, before any pixel.
    void imagesAreDecodedWithinBounds() {
        QImage wide(1600, 400, QImage::Format_RGB32);
        wide.fill(Qt::blue);
        QString error;
        QImage shown = AttachmentImages::decode(encoded(wide, "JPEG"), QSize(320, 320), &error);
        QVERIFY2(!shown.isNull(), qPrintable(error));
        QCOMPARE(shown.size(), QSize(320, 80));
        shown = AttachmentImages::decode(encoded(wide, "PNG"), QSize(), &error);
        QCOMPARE(shown.size(), QSize(1600, 400));  // small enough as it is
        shown = AttachmentImages::decode(encoded(wide, "PNG"), QSize(0, 100), &error);
        QCOMPARE(shown.size(), QSize(100, 25));

        error.clear();
        QVERIFY(AttachmentImages::decode(pngHeaderOnly(20000, 20000), QSize(320, 320), &error)
                    .isNull());
        QCOMPARE(error, QStringLiteral("This image is too large to show."));
        error.clear();
        QVERIFY(AttachmentImages::decode(QByteArray("not an image at all"), {}, &error).isNull());
        QVERIFY(!error.isEmpty());
    }

    // A stored message with a file: the role shows what the bubble needs (never the key);
    // progress moves it live, a new state in the store after the next change.
    void theMessageListShowsAFileAndItsTransfer() {
        const qint64 size = 3 * 1024 * 1024;
        QImage small(64, 48, QImage::Format_RGB32);
        small.fill(Qt::green);
        struct Stored {
            std::int64_t conversation = 0;
            std::int64_t message = 0;
            QString uid;
        };
        const auto stored =
            test::await(core_->store().write([&](Repositories& r) -> StoreResult<Stored> {
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                TANDEM_TRY_ASSIGN(const Contact c,
                                  core::contactForAddress(r, Mode::Signal,
                                                          QStringLiteral("+4915100000009"), now));
                TANDEM_TRY_ASSIGN(const Conversation conv, r.conversations.forContact(c.id, now));
                Message m;
                m.conversationId = conv.id;
                m.uid = MessageUid::generate(now);
                m.direction = Direction::Incoming;
                m.status = MessageStatus::Received;
                m.body = QStringLiteral("the caption");
                m.sentAt = now;
                m.receivedAt = now;
                TANDEM_TRY_ASSIGN(const auto inserted, r.messages.insert(m));
                Attachment a;
                a.fileName = QStringLiteral("holiday.jpg");
                a.mimeType = QStringLiteral("image/jpeg");
                a.size = size;
                a.width = 900;
                a.height = 700;
                a.thumbnail = encoded(small, "JPEG");
                a.state = TransferState::Remote;
                a.key = makeSecret(SecretBytes::fromString(std::string(32, 'k')));
                TANDEM_TRY(r.attachments.insert(inserted.id, a));
                return Stored{conv.id, inserted.id, m.uid.toHex()};
            }));
        QVERIFY2(stored.has_value(), stored ? "" : qPrintable(stored.error().message));

        MessageListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &MessageListModel::loaded);
        model.setFeed(core_->feed());
        model.setConversationId(stored->conversation);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(model.count(), 1);
        QVariantMap shown = model.data(model.index(0), MessageListModel::AttachmentRole).toMap();
        QStringList keys = shown.keys();
        keys.sort();
        QCOMPARE(keys, QStringList({QStringLiteral("complete"), QStringLiteral("error"),
                                    QStringLiteral("fileName"), QStringLiteral("height"),
                                    QStringLiteral("image"), QStringLiteral("mimeType"),
                                    QStringLiteral("size"), QStringLiteral("state"),
                                    QStringLiteral("thumbnail"), QStringLiteral("token"),
                                    QStringLiteral("transferred"), QStringLiteral("width")}));
        QCOMPARE(shown[QStringLiteral("fileName")].toString(), QStringLiteral("holiday.jpg"));
        QCOMPARE(shown[QStringLiteral("size")].toLongLong(), size);
        QCOMPARE(shown[QStringLiteral("width")].toInt(), 900);
        QVERIFY(shown[QStringLiteral("image")].toBool());
        QVERIFY(shown[QStringLiteral("thumbnail")].toBool());
        QCOMPARE(shown[QStringLiteral("state")].toString(), QStringLiteral("remote"));
        QVERIFY(!shown[QStringLiteral("complete")].toBool());
        QCOMPARE(model.data(model.index(0), MessageListModel::BodyRole).toString(),
                 QStringLiteral("the caption"));

        // Progress, as the core reports it (throttled by the app on the way).
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        emit core_->feed()->attachmentProgress(stored->message, 512 * 1024, size);
        QCOMPARE(changed.size(), 1);
        shown = model.data(model.index(0), MessageListModel::AttachmentRole).toMap();
        QCOMPARE(shown[QStringLiteral("transferred")].toLongLong(), 512 * 1024);
        QCOMPARE(shown[QStringLiteral("state")].toString(), QStringLiteral("downloading"));
        emit core_->feed()->attachmentProgress(stored->message + 1000, 1, 2);  // not shown here
        QCOMPARE(changed.size(), 1);

        // The store says it failed: shown after the conversation's next change.
        QVERIFY(test::await(core_->store().write([&](Repositories& r) {
                    return r.attachments.setState(stored->message, TransferState::Failed,
                                                  QStringLiteral("a chunk is gone"), false);
                })).has_value());
        loaded.clear();
        emit core_->feed()->conversationChanged(stored->conversation);
        QVERIFY(loaded.wait(10000));
        shown = model.data(model.index(0), MessageListModel::AttachmentRole).toMap();
        QCOMPARE(shown[QStringLiteral("state")].toString(), QStringLiteral("failed"));
        QCOMPARE(shown[QStringLiteral("error")].toString(), QStringLiteral("a chunk is gone"));
        QCOMPARE(shown[QStringLiteral("token")].toString(), stored->uid);

        // The images' provider: the thumbnail under the message's id and uid; nothing under
        // another uid (an id used again after a deletion), nor for a file not yet here.
        AttachmentImages images(*core_);
        const auto request = [&](const QString& id) {
            std::unique_ptr<QQuickImageResponse> response(
                images.requestImageResponse(id, QSize(320, 320)));
            QSignalSpy finished(response.get(), &QQuickImageResponse::finished);
            if (!finished.wait(10000)) {
                return std::pair{QImage(), QStringLiteral("no answer")};
            }
            std::unique_ptr<QQuickTextureFactory> texture(response->textureFactory());
            return std::pair{texture ? texture->image() : QImage(), response->errorString()};
        };
        auto [image, error] =
            request(QStringLiteral("thumb/%1/%2").arg(stored->message).arg(stored->uid));
        QVERIFY2(!image.isNull(), qPrintable(error));
        QCOMPARE(image.size(), QSize(64, 48));
        std::tie(image, error) =
            request(QStringLiteral("thumb/%1/%2").arg(stored->message).arg(QString(32, u'0')));
        QVERIFY(image.isNull());
        QVERIFY(!error.isEmpty());
        std::tie(image, error) = request(QStringLiteral("thumb/%1").arg(stored->message));
        QVERIFY(image.isNull());
        std::tie(image, error) =
            request(QStringLiteral("full/%1/%2").arg(stored->message).arg(stored->uid));
        QVERIFY(image.isNull());  // not downloaded: no picture
        QVERIFY(!error.isEmpty());
    }

    // A file the user opened is decrypted into <private folder>/<message id>/; when its
    // message disappears, so does that copy.
    void anOpenedFileGoesWithItsDisappearingMessage() {
        const auto id =
            test::await(core_->store().write([&](Repositories& r) -> StoreResult<std::int64_t> {
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                TANDEM_TRY_ASSIGN(const Contact c,
                                  core::contactForAddress(r, Mode::Signal,
                                                          QStringLiteral("+4915100000008"), now));
                TANDEM_TRY_ASSIGN(const Conversation conv, r.conversations.forContact(c.id, now));
                Message m;
                m.conversationId = conv.id;
                m.uid = MessageUid::generate(now);
                m.direction = Direction::Incoming;
                m.status = MessageStatus::Received;
                m.sentAt = now;
                m.receivedAt = now;
                m.expireTimer = 1;
                TANDEM_TRY_ASSIGN(const auto inserted, r.messages.insert(m));
                TANDEM_TRY(r.messages.startExpiry(inserted.id, now));
                return inserted.id;
            }));
        QVERIFY(id.has_value());
        const QString folder = core_->openedFilesFolder();
        QVERIFY(!folder.isEmpty());
        const QString copy = QStringLiteral("%1/%2/secret.txt").arg(folder).arg(*id);
        QVERIFY(QDir().mkpath(QFileInfo(copy).path()));
        test::writeFile(copy, "what was opened");
        emit core_->feed()->conversationChanged(0);  // the expiry scheduler looks again
        QVERIFY(QTest::qWaitFor([&] { return !QFileInfo::exists(copy); }, 10000));
        QVERIFY(QFileInfo::exists(folder));  // the folder stays, for the others
    }

    void programsAreNotOpenedFromTheChat() {
        for (const char* name : {"setup.sh", "Invoice.desktop", "tool.AppImage", "x.exe", "run.py",
                                 "a.jar", "photo.jpg.sh", "page.html", "drawing.svg", "disk.iso",
                                 "invoice", "run.pif", "app.hta", "x.reg"}) {
            QVERIFY2(AttachmentActions::runsCode(QString::fromUtf8(name)), name);
        }
        for (const char* name : {"photo.jpg", "notes.txt", "report.pdf", "song.ogg", "README"}) {
            QVERIFY2(!AttachmentActions::runsCode(QString::fromUtf8(name)), name);
        }
        // After decrypting, the bytes count too: a program or a script named as a document
        // is not opened; documents whose content is ZIP (office, EPUB) are.
        const QMimeDatabase types;
        const auto byName = [&](const char* n) {
            return types.mimeTypeForFile(QString::fromUtf8(n), QMimeDatabase::MatchExtension);
        };
        const auto byContent = [&](const QByteArray& bytes) {
            return types.mimeTypeForData(bytes);
        };
        const QByteArray pe = QByteArray("MZ\x90\x00", 4) + QByteArray(60, '\0') + "PE\0\0";
        QVERIFY(!AttachmentActions::openable(byContent(pe), byName("invoice.pdf")));
        QVERIFY(
            !AttachmentActions::openable(byContent("#!/bin/sh\nrm -rf ~\n"), byName("notes.txt")));
        QVERIFY(!AttachmentActions::openable(byContent("<html><script>x</script></html>"),
                                             byName("notes.txt")));
        QVERIFY(AttachmentActions::openable(byContent("just some notes\n"), byName("notes.txt")));
        QVERIFY(AttachmentActions::openable(byContent("%PDF-1.7\n%\xE2\xE3"), byName("a.pdf")));
        QVERIFY(AttachmentActions::openable(
            byContent(QByteArray("PK\x03\x04", 4) + QByteArray(40, 'x')), byName("report.docx")));
        QVERIFY(!AttachmentActions::openable(
            byContent(QByteArray("PK\x03\x04", 4) + QByteArray(40, 'x')), byName("archive.zip")));
        QCOMPARE(AttachmentActions::safeName(QStringLiteral("../../x.txt")),
                 QStringLiteral("x.txt"));
        QCOMPARE(AttachmentActions::safeName(QStringLiteral("..")), QStringLiteral("attachment"));
        QCOMPARE(AttachmentActions::safeName(QString()), QStringLiteral("attachment"));
    }
};

QTEST_MAIN(AttachmentModelsTest)
#include "tst_attachment_models.moc"
