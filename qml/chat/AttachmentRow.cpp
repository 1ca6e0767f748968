#include "qml/chat/AttachmentRow.h"

#include "app/core/attachments/AttachmentPointer.h"

namespace tandem::gui {

using namespace tandem::storage;

std::optional<AttachmentRow> AttachmentRow::of(const Message& message) {
    if (!message.attachment) {
        return std::nullopt;
    }
    const Attachment& a = *message.attachment;
    AttachmentRow row;
    row.fileName = a.fileName;
    row.mimeType = a.mimeType;
    row.size = a.size;
    if (a.isImage()) {
        row.width = a.width;
        row.height = a.height;
    }
    row.hasThumbnail = !a.thumbnail.isEmpty();
    row.state = a.state;
    row.transferred = a.transferred;
    row.error = a.error;
    row.complete = a.complete;
    row.token = message.uid.toHex();
    return row;
}

QVariantMap AttachmentRow::toMap() const {
    return {{QStringLiteral("fileName"), fileName},
            {QStringLiteral("mimeType"), mimeType},
            {QStringLiteral("size"), size},
            {QStringLiteral("width"), width},
            {QStringLiteral("height"), height},
            {QStringLiteral("image"), isImage()},
            {QStringLiteral("thumbnail"), hasThumbnail},
            {QStringLiteral("state"), core::transferStateKey(state)},
            {QStringLiteral("transferred"), transferred},
            {QStringLiteral("error"), error},
            {QStringLiteral("complete"), complete},
            {QStringLiteral("token"), token}};
}

}  // namespace tandem::gui
