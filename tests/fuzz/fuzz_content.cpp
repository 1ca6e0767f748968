// libFuzzer target: message content decoding (proto/ContentCodec). Whatever decodes keeps
// the decoder's promises (a 16-byte uid and a body).
#include <QByteArray>

#include <cstdint>
#include <cstdlib>

#include "proto/ContentCodec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const auto decoded = tandem::proto::decodeContent(bytes);
    if (decoded) {
        if (decoded->uid().size() != tandem::proto::kUidBytes ||
            decoded->body_case() == tandem::proto::Content::BODY_NOT_SET) {
            std::abort();
        }
        (void)tandem::proto::encodeContent(*decoded);
    }
    return 0;
}
