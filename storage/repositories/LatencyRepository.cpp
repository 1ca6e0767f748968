#include "storage/repositories/LatencyRepository.h"

#include "storage/Limits.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

namespace {

#define SAMPLE_COLUMNS \
    "id, transport, message_uid, probe_run, sent_at, one_way_us, round_trip_us, size, path, lost"

LatencySample readSample(const Statement& stmt) {
    LatencySample s;
    s.id = stmt.int64(0);
    s.transport = toEnum<Mode>(stmt.int64(1));
    s.messageUid = stmt.blob(2);
    s.probeRun = stmt.optInt64(3);
    s.sentAt = stmt.int64(4);
    s.oneWayUs = stmt.optInt64(5);
    s.roundTripUs = stmt.optInt64(6);
    s.size = stmt.int64(7);
    s.path = stmt.text(8);
    s.lost = stmt.int64(9) != 0;
    return s;
}

}  // namespace

StoreResult<std::int64_t> LatencyRepository::add(const LatencySample& s) {
    TANDEM_TRY(checkLimit(s.path.size() <= limits::kMaxLatencyPathChars, "path description",
                          limits::kMaxLatencyPathChars));
    if (!s.lost && !s.roundTripUs) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("A delivered sample needs its round-trip time."));
    }
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("INSERT INTO latency_samples (transport, message_uid, "
                                  "probe_run, sent_at, one_way_us, round_trip_us, size, path, "
                                  "lost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt->bind(1, fromEnum(s.transport));
    s.messageUid.isEmpty() ? stmt->bindNull(2) : stmt->bind(2, s.messageUid);
    stmt->bind(3, s.probeRun);
    stmt->bind(4, s.sentAt);
    stmt->bind(5, s.oneWayUs);
    stmt->bind(6, s.roundTripUs);
    stmt->bind(7, s.size);
    stmt->bind(8, s.path);
    stmt->bind(9, std::int64_t{s.lost ? 1 : 0});
    TANDEM_TRY(stmt->run());
    return db_.lastInsertRowId();
}

StoreResult<std::vector<LatencySample>> LatencyRepository::samples(std::optional<Mode> transport,
                                                                   std::int64_t since, int limit) {
    TANDEM_TRY(checkPageSize(limit));
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " SAMPLE_COLUMNS " FROM latency_samples "
                                  "WHERE (?1 IS NULL OR transport = ?1) AND sent_at >= ?2 "
                                  "ORDER BY sent_at, id LIMIT ?3"));
    transport ? stmt->bind(1, fromEnum(*transport)) : stmt->bindNull(1);
    stmt->bind(2, since);
    stmt->bind(3, limit);
    return collectRows(*stmt, readSample);
}

StoreResult<std::vector<LatencySample>> LatencyRepository::probeRun(std::int64_t run, int limit) {
    TANDEM_TRY(checkPageSize(limit));
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " SAMPLE_COLUMNS " FROM latency_samples "
                                  "WHERE probe_run = ? ORDER BY id LIMIT ?"));
    stmt->bindAll(run, limit);
    return collectRows(*stmt, readSample);
}

StoreResult<std::vector<LatencySample>> LatencyRepository::newest(std::int64_t beforeId,
                                                                  int limit) {
    TANDEM_TRY(checkPageSize(limit));
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " SAMPLE_COLUMNS " FROM latency_samples "
                                  "WHERE id < ? ORDER BY id DESC LIMIT ?"));
    stmt->bindAll(beforeId, limit);
    return collectRows(*stmt, readSample);
}

StoreResult<std::int64_t> LatencyRepository::count(std::optional<Mode> transport) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("SELECT count(*) FROM latency_samples "
                                                    "WHERE ?1 IS NULL OR transport = ?1"));
    transport ? stmt->bind(1, fromEnum(*transport)) : stmt->bindNull(1);
    return singleInt(*stmt);
}

StoreResult<int> LatencyRepository::deleteOlderThan(std::int64_t before) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("DELETE FROM latency_samples WHERE sent_at < ?"));
    stmt->bind(1, before);
    TANDEM_TRY(stmt->run());
    return db_.changes();
}

}  // namespace tandem::storage
