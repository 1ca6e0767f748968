// LatencyRepository: delivery-latency samples of both transports, one per delivered (or
// lost) message or probe, for the comparison plots and `tandemctl latency`.
#pragma once

#include <optional>
#include <vector>

#include "storage/StoreError.h"
#include "storage/Types.h"

namespace tandem::storage {

class Database;

class LatencyRepository {
public:
    explicit LatencyRepository(Database& db) : db_(db) {}

    StoreResult<std::int64_t> add(const LatencySample& sample);
    // Samples sent at or after `since`, oldest first; all transports when none is given.
    StoreResult<std::vector<LatencySample>> samples(std::optional<Mode> transport,
                                                    std::int64_t since, int limit);
    StoreResult<std::vector<LatencySample>> probeRun(std::int64_t run, int limit);
    // The newest samples with an id below `beforeId`, newest first (a page of them).
    StoreResult<std::vector<LatencySample>> newest(std::int64_t beforeId, int limit);
    StoreResult<std::int64_t> count(std::optional<Mode> transport);
    StoreResult<int> deleteOlderThan(std::int64_t before);

private:
    Database& db_;
};

}  // namespace tandem::storage
