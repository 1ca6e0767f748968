// The wall clock as the store keeps it: milliseconds since the Unix epoch.
#pragma once

#include <cstdint>

#include <QDateTime>

namespace tandem {

inline std::int64_t nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

}  // namespace tandem
