// libFuzzer target: a received attachment pointer (core::fromPointer). Whatever it accepts
// keeps its promises: a size within the limit, exactly the chunks that size needs, each of the
// sealed size its place needs, a 32-byte key, a file name that is a plain, safe name, a
// lowercase type/subtype, a thumbnail that starts as a JPEG and is bounded.
#include <cstdint>
#include <cstdlib>

#include "app/core/attachments/AttachmentPointer.h"
#include "crypto/Attachments.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tandem;
    proto::AttachmentPointer pointer;
    if (!pointer.ParseFromArray(data, static_cast<int>(size))) {
        return 0;
    }
    const auto a = core::fromPointer(pointer);
    if (!a) {
        return 0;
    }
    const auto chunks = core::decodeChunks(a->chunks);
    const bool kept =
        a->size > 0 && a->size <= crypto::kMaxAttachmentBytes && a->key && a->key->size() == 32 &&
        chunks && static_cast<qint64>(chunks->size()) == crypto::attachmentChunkCount(a->size) &&
        !a->fileName.isEmpty() && a->fileName.size() <= 255 && !a->fileName.contains(u'/') &&
        !a->fileName.contains(u'\\') && !a->fileName.startsWith(u'.') &&
        a->fileName == core::safeFileName(a->fileName) &&
        a->mimeType == core::safeMimeType(a->mimeType) &&
        a->thumbnail.size() <= core::kMaxThumbnailBytes &&
        (a->thumbnail.isEmpty() || a->thumbnail.startsWith("\xFF\xD8\xFF"));
    if (!kept) {
        std::abort();
    }
    for (qint64 i = 0; i < static_cast<qint64>(chunks->size()); ++i) {
        if ((*chunks)[static_cast<std::size_t>(i)].size() !=
            static_cast<std::uint64_t>(crypto::attachmentChunkSealedBytes(a->size, i))) {
            std::abort();
        }
    }
    return 0;
}
