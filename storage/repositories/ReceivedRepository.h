// ReceivedRepository: digests of envelopes this profile took in, kept while a copy of one could
// still come back (a node that kept or restored a message we deleted), so it is not accepted
// twice. Pruned by age.
#pragma once

#include <QByteArray>

#include "storage/StoreError.h"
#include "storage/Types.h"

namespace tandem::storage {

class Database;

class ReceivedRepository {
public:
    static constexpr qsizetype kDigestBytes = 32;

    explicit ReceivedRepository(Database& db) : db_(db) {}

    // Records `digest` (kDigestBytes); false when it was recorded already.
    StoreResult<bool> remember(Mode mode, const QByteArray& digest, std::int64_t now);
    // Forgets what was received before `cutoff`; returns how many.
    StoreResult<std::int64_t> forgetBefore(std::int64_t cutoff);

private:
    Database& db_;
};

}  // namespace tandem::storage
