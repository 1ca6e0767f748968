// AttachmentRow: what a message's bubble shows of its attachment — the file's name, type, size
// and image size, whether there is a thumbnail, and the transfer (state, bytes moved, error).
// Only what is shown is copied out of the stored message: never the file's key, its chunks, or
// the thumbnail's bytes (the view reads those through image://attachment/thumb/<message id>).
#pragma once

#include <optional>

#include <QString>
#include <QVariantMap>

#include "storage/Types.h"

namespace tandem::gui {

struct AttachmentRow {
    QString fileName;
    QString mimeType;
    qint64 size = 0;
    int width = 0;  // an image's; 0 otherwise
    int height = 0;
    bool hasThumbnail = false;
    storage::TransferState state = storage::TransferState::Remote;
    qint64 transferred = 0;
    QString error;
    bool complete = false;
    QString token;  // the message's uid in hex: part of its images' addresses

    // The message's attachment, if it has one.
    static std::optional<AttachmentRow> of(const storage::Message& message);

    [[nodiscard]] bool isImage() const { return width > 0 && height > 0; }
    // A transfer is under way (a progress bar is shown).
    [[nodiscard]] bool moving() const {
        return state == storage::TransferState::Uploading ||
               state == storage::TransferState::Downloading;
    }
    // For QML: fileName, mimeType, size, width, height, image, thumbnail, state, transferred,
    // error, complete, token.
    [[nodiscard]] QVariantMap toMap() const;

    friend bool operator==(const AttachmentRow&, const AttachmentRow&) = default;
};

}  // namespace tandem::gui
