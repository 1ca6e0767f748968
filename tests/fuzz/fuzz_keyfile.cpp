// libFuzzer target: the key file parser (storage/KeyFile). Any input either fails to parse
// with a reason, or parses into a file that serializes back to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "storage/KeyFile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    const auto parsed = tandem::storage::KeyFile::parse(input);
    if (parsed) {
        const auto again = parsed->serialize();
        if (again.size() != size || !std::equal(again.begin(), again.end(), data)) {
            std::abort();  // parse and serialize disagree
        }
    } else if (parsed.error().isEmpty()) {
        std::abort();  // every rejection says why
    }
    return 0;
}
