#include "qml/attachments/AttachmentImages.h"

#include <atomic>
#include <functional>
#include <memory>

#include <QBuffer>
#include <QImageReader>
#include <QMutex>
#include <QQmlEngine>
#include <QThreadPool>

#include "app/core/Messenger.h"
#include "qml/core/AppCore.h"

namespace tandem::gui {

using namespace tandem::storage;

namespace {

// What a request's work hands to its response. The work runs on other threads and may end
// after the engine dropped the response: it touches only this, and the response hears of it
// through `ready` (a connection that goes with the response).
class Outcome : public QObject {
    Q_OBJECT

public:
    // The first answer holds; later ones are dropped.
    void set(QImage image, QString error) {
        {
            const QMutexLocker lock(&mutex_);
            if (answered_) {
                return;
            }
            answered_ = true;
            image_ = std::move(image);
            error_ = std::move(error);
        }
        emit ready();
    }
    QImage image() const {
        const QMutexLocker lock(&mutex_);
        return image_;
    }
    QString error() const {
        const QMutexLocker lock(&mutex_);
        return error_;
    }

signals:
    void ready();

private:
    mutable QMutex mutex_;
    bool answered_ = false;
    QImage image_;
    QString error_;
};

// Answers its outcome when it goes, if nothing did: a request whose answer the core thread
// dropped (the core restarted under it) ends instead of loading for ever.
struct AnswerAtLast {
    std::shared_ptr<Outcome> outcome;
    std::atomic<bool> armed{true};  // false once the answer came (it is decoded elsewhere)
    ~AnswerAtLast() {
        if (armed) {
            outcome->set({}, AttachmentImages::tr("The file could not be read; try again."));
        }
    }
};

class Response : public QQuickImageResponse {
public:
    explicit Response(std::shared_ptr<Outcome> outcome) : outcome_(std::move(outcome)) {
        // Queued, always: an answer known at once must not come before the engine listens.
        connect(outcome_.get(), &Outcome::ready, this, &QQuickImageResponse::finished,
                Qt::QueuedConnection);
    }
    QQuickTextureFactory* textureFactory() const override {
        return QQuickTextureFactory::textureFactoryForImage(outcome_->image());
    }
    QString errorString() const override { return outcome_->error(); }

private:
    std::shared_ptr<Outcome> outcome_;
};

using Decode = std::function<void(const QByteArray&)>;

// The whole image through the core (AttachmentService::readImage), then decoded.
void readWhole(AppCore& core, QObject* context, qint64 messageId,
               const std::shared_ptr<Outcome>& outcome, const Decode& decodeAndSet) {
    auto last = std::make_shared<AnswerAtLast>();
    last->outcome = outcome;
    const bool queued = core.coreThread().call<core::CoreResult<QByteArray>>(
        context, [messageId](core::Messenger& m) { return m.attachments().readImage(messageId); },
        [outcome, decodeAndSet, last](core::CoreResult<QByteArray> image) {
            last->armed = false;
            if (!image) {
                outcome->set({}, image.error().message);
                return;
            }
            decodeAndSet(*image);
        });
    if (!queued) {
        outcome->set({}, AttachmentImages::tr("Tandem is not connected to its core."));
    }
}

}  // namespace

AttachmentImages::AttachmentImages(AppCore& core) : core_(&core) {}

void AttachmentImages::install(QQmlEngine& engine, AppCore& core) {
    if (engine.imageProvider(QLatin1String(kProviderId)) == nullptr) {
        engine.addImageProvider(QLatin1String(kProviderId), new AttachmentImages(core));
    }
}

QQuickImageResponse* AttachmentImages::requestImageResponse(const QString& id,
                                                            const QSize& requestedSize) {
    // Made on the engine's image thread; nothing in it is deleted off its thread but the
    // outcome, which no event ever reaches.
    auto outcome = std::make_shared<Outcome>();
    auto* response = new Response(outcome);
    const QString kind = id.section(u'/', 0, 0);
    bool ok = false;
    const qint64 messageId = id.section(u'/', 1, 1).toLongLong(&ok);
    const QString uid = id.section(u'/', 2, 2);
    const bool thumb = kind == QLatin1String("thumb");
    if (!ok || messageId <= 0 || uid.isEmpty() || (!thumb && kind != QLatin1String("full"))) {
        outcome->set({}, QStringLiteral("no such image: %1").arg(id));
        return response;
    }
    const auto decodeAndSet = [outcome, requestedSize](const QByteArray& bytes) {
        // One decode at a time, on a pool of its own: a peer's images cannot take every core
        // (nor the core's file work on the global pool).
        static QThreadPool* const decoders = [] {
            auto* pool = new QThreadPool;
            pool->setMaxThreadCount(1);
            return pool;
        }();
        decoders->start([outcome, requestedSize, bytes] {
            QString error;
            QImage image = decode(bytes, requestedSize, &error);
            outcome->set(std::move(image), error);
        });
    };
    // The reads start on the GUI thread, where the store and the core thread are used. The
    // message is looked up first: ids are used again after the newest message is deleted
    // (a disappearing one), and an image cached under a gone message's address must not be
    // shown for a new one — the address holds the message's uid, which is never used again.
    QMetaObject::invokeMethod(this, [this, thumb, messageId, uid, outcome, decodeAndSet] {
        if (!core_ || core_->state() != AppCore::State::Ready) {
            outcome->set({}, tr("The profile is not open."));
            return;
        }
        struct Found {
            bool same = false;
            QByteArray thumbnail;
        };
        core_->store().read(
            [messageId, uid, thumb](Repositories& r) -> StoreResult<Found> {
                TANDEM_TRY_ASSIGN(const std::optional<Message> m, r.messages.findById(messageId));
                Found found;
                if (m && m->attachment && m->uid.toHex() == uid) {
                    found.same = true;
                    if (thumb) {
                        found.thumbnail = m->attachment->thumbnail;
                    }
                }
                return found;
            },
            this,
            [this, thumb, messageId, outcome, decodeAndSet](StoreResult<Found> found) {
                if (!core_) {
                    outcome->set({}, tr("The profile is not open."));
                    return;
                }
                if (!found || !found->same) {
                    outcome->set({}, tr("This file is not here any more."));
                } else if (thumb && found->thumbnail.isEmpty()) {
                    outcome->set({}, tr("This file has no thumbnail."));
                } else if (thumb) {
                    decodeAndSet(found->thumbnail);
                } else {
                    readWhole(*core_, this, messageId, outcome, decodeAndSet);
                }
            });
    });
    return response;
}

QImage AttachmentImages::decode(const QByteArray& bytes, QSize bound, QString* error) {
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    // Only the formats Tandem sends (PNG, JPEG, WebP, GIF), decided from the bytes: a peer's
    // file never reaches another decoder installed on the machine (TIFF, SVG, MNG, …).
    QImageReader reader(&buffer);
    reader.setDecideFormatFromContent(true);
    static const QList<QByteArray> allowed{"png", "jpeg", "webp", "gif"};
    if (!allowed.contains(reader.format())) {
        *error = tr("This is not an image Tandem can show.");
        return {};
    }
    // Formats that cannot shrink while decoding (PNG, GIF) allocate the whole picture first.
    reader.setAllocationLimit(kMaxAllocationMiB);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (!size.isValid() || size.isEmpty()) {
        *error = tr("This is not an image Tandem can show.");
        return {};
    }
    if (static_cast<qint64>(size.width()) * size.height() > kMaxSourcePixels) {
        *error = tr("This image is too large to show.");
        return {};
    }
    // The side asked for bounds both (an image turned by its EXIF data is turned after).
    const int side = std::min(kMaxSide, std::max(bound.width(), bound.height()) > 0
                                            ? std::max(bound.width(), bound.height())
                                            : kMaxSide);
    if (size.width() > side || size.height() > side) {
        reader.setScaledSize(size.scaled(side, side, Qt::KeepAspectRatio));
    }
    QImage image = reader.read();
    if (image.isNull()) {
        *error = reader.errorString();
    }
    return image;
}

}  // namespace tandem::gui

#include "AttachmentImages.moc"
