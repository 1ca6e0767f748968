#include "storage/repositories/ReceivedRepository.h"

#include "storage/Limits.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

StoreResult<bool> ReceivedRepository::remember(Mode mode, const QByteArray& digest,
                                               std::int64_t now) {
    if (digest.size() != kDigestBytes) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("An envelope digest is %1 bytes.").arg(kDigestBytes));
    }
    TANDEM_TRY_ASSIGN(
        Statement * stmt,
        db_.prepare("INSERT OR IGNORE INTO received_envelopes (mode, digest, received_at) "
                    "VALUES (?, ?, ?)"));
    stmt->bindAll(static_cast<std::int64_t>(mode), digest, now);
    TANDEM_TRY(stmt->run());
    return db_.changes() == 1;
}

StoreResult<std::int64_t> ReceivedRepository::forgetBefore(std::int64_t cutoff) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("DELETE FROM received_envelopes WHERE received_at < ?"));
    stmt->bind(1, cutoff);
    TANDEM_TRY(stmt->run());
    return static_cast<std::int64_t>(db_.changes());
}

}  // namespace tandem::storage
