// AttachmentImages: the images of attachments, for Image elements — an image provider the
// app's engine holds under "attachment":
//   image://attachment/thumb/<message id>/<uid>  the thumbnail sent with the message (a small
//                                    JPEG, read from the store), shown until the file is there
//   image://attachment/full/<message id>/<uid>   the whole image, once the file is complete
//                                    (AttachmentService::readImage, decrypted in memory)
// (<uid>: the message's, in hex — MessageListModel's attachment.token — so an address is never
// that of another message, even where a deleted message's id is used again.)
// Asynchronous: the bytes are read on the storage or core thread and decoded on a worker
// thread, never on the GUI thread. What is decoded is bounded: a picture of more than
// kMaxSourcePixels is refused, and none is decoded larger than the size asked for (the
// Image's sourceSize), nor than kMaxSide a side.
#pragma once

#include <QPointer>
#include <QQuickAsyncImageProvider>
#include <QSize>

namespace tandem::gui {

class AppCore;

class AttachmentImages : public QQuickAsyncImageProvider {
    Q_OBJECT

public:
    static constexpr const char* kProviderId = "attachment";
    static constexpr int kMaxSide = 4096;
    static constexpr qint64 kMaxSourcePixels = 50LL * 1000 * 1000;
    // What one decode may allocate (MiB): a 48-megapixel photo, and no more.
    static constexpr int kMaxAllocationMiB = 200;

    explicit AttachmentImages(AppCore& core);
    // The provider on `engine` (its own "attachment" provider, added when missing).
    static void install(class QQmlEngine& engine, AppCore& core);

    QQuickImageResponse* requestImageResponse(const QString& id,
                                              const QSize& requestedSize) override;

    // Decodes an image no larger than `bound` (either side 0 or less: kMaxSide), keeping its
    // aspect ratio and turning it as its EXIF data says. A null image and `error` if it is
    // not an image, or too large.
    static QImage decode(const QByteArray& bytes, QSize bound, QString* error);

private:
    QPointer<AppCore> core_;
};

}  // namespace tandem::gui
