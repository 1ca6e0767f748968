// AttachmentText (QML singleton "AttachmentText"): how files are described — sizes in human
// units ("812 bytes", "12.3 KB", "50.0 MB"), a transfer's progress ("Uploading 12.3 of
// 50.0 MB"), the short type on a file's icon ("PDF"), and what the composer shows of a file
// chosen to send (its name, size, and whether it is an image to preview).
#pragma once

#include <QObject>
#include <QUrl>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace tandem::gui {

class AttachmentText : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    // A chosen image is previewed in the composer up to this size (larger: its icon).
    static constexpr qint64 kMaxPreviewBytes = 32LL * 1024 * 1024;

    explicit AttachmentText(QObject* parent = nullptr) : QObject(parent) {}

    // Bytes in binary units, one decimal from KB up: "812 bytes", "1.5 KB", "100.0 MB".
    Q_INVOKABLE static QString size(qint64 bytes);
    // "Uploading 12.3 of 50.0 MB", "Downloading …" (`state`: the model's "uploading",
    // "downloading"); both numbers in the total's unit.
    Q_INVOKABLE static QString progress(const QString& state, qint64 done, qint64 total);
    // The extension in capitals, at most 4 characters ("PDF", "ZIP"; "" for none).
    Q_INVOKABLE static QString typeLabel(const QString& fileName);
    // A file chosen to send: {name, size (bytes), sizeText, image (previewable), url}; name
    // empty when it is not a local file (or is a folder).
    Q_INVOKABLE static QVariantMap describeFile(const QUrl& file);
    // Where Save as… starts: the downloads folder (home when there is none), with the file's
    // name.
    Q_INVOKABLE static QUrl saveTarget(const QString& fileName);
};

}  // namespace tandem::gui
