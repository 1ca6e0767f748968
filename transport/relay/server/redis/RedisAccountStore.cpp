#include "transport/relay/server/redis/RedisAccountStore.h"

#include <sodium.h>

#include "transport/Transport.h"
#include "transport/relay/Address.h"
#include "transport/relay/server/RegistrationLocks.h"
#include "transport/relay/server/redis/RedisKeys.h"

namespace tandem::relay {

namespace keys = rediskeys;

namespace {

constexpr std::size_t kMaxCachedAcis = 100000;
constexpr qsizetype kSecretBytes = 32;
constexpr qsizetype kTagBytes = 16;  // 128 bits: no two numbers share a key

// Adds one-time prekeys (score: key id; member: 8 hex digits of the id, then the key) while
// fewer than the cap are held; a key id held already is replaced. Returns how many are held.
constexpr char kAddPreKeys[] = R"lua(
local cap = tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  if redis.call('ZCARD', KEYS[1]) >= cap then break end
  redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[i], ARGV[i])
  redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
end
return redis.call('ZCARD', KEYS[1])
)lua";

// Sets fields of a lock that exists (a missing lock stays missing).
constexpr char kUpdateLock[] = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
)lua";

// KEYS: the code. ARGV: the code given, now, the most attempts. An attempt is counted before
// the code is compared (a right code gives it back): every front-end together allows the most
// attempts, not each. Returns 'ok', 'wrong', 'expired' or 'many'.
constexpr char kCheckCode[] = R"lua(
local r = redis.call('HMGET', KEYS[1], 'code', 'exp', 'tries')
if not r[1] then return 'wrong' end
if tonumber(r[2]) <= tonumber(ARGV[2]) then return 'expired' end
if tonumber(r[3] or '0') >= tonumber(ARGV[3]) then return 'many' end
redis.call('HINCRBY', KEYS[1], 'tries', 1)
if r[1] == ARGV[1] then
  redis.call('HINCRBY', KEYS[1], 'tries', -1)
  return 'ok'
end
return 'wrong'
)lua";

// KEYS: the lock. ARGV: now, the window (ms). Counts an attempt in the window (a new window
// when the last one ended); returns {failures, since}, or 0 when there is no lock.
constexpr char kCountLockAttempt[] = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local r = redis.call('HMGET', KEYS[1], 'fails', 'since')
local now = tonumber(ARGV[1])
local fails = tonumber(r[1] or '0')
local since = tonumber(r[2] or '0')
if since + tonumber(ARGV[2]) <= now then
  fails = 0
  since = ARGV[1]
else
  since = r[2]
end
fails = fails + 1
redis.call('HSET', KEYS[1], 'fails', fails, 'since', since)
return {fails, since}
)lua";

// A fixed-window counter: KEYS[1]; ARGV: cost, limit, window (ms). 1 when counted.
constexpr char kAdmit[] = R"lua(
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return 0 end
redis.call('INCRBY', KEYS[1], ARGV[1])
if n == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
)lua";

// A fixed-window set of distinct members: KEYS[1]; ARGV: the member, limit, window (ms). 1
// when the member is in (already, or added now).
constexpr char kAdmitDistinct[] = R"lua(
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
)lua";

std::int64_t integerOf(const RedisReply& r) {
    return r.type == RedisReply::Type::Integer ? r.integer : r.string.toLongLong();
}

bool ok(const RedisReply& r) {
    return !r.isError();
}

}  // namespace

RedisAccountStore::RedisAccountStore(RedisClient& redis) : redis_(redis) {
    redis_.preload(kAddPreKeys);
    redis_.preload(kUpdateLock);
    redis_.preload(kAdmit);
    redis_.preload(kAdmitDistinct);
    redis_.preload(kCheckCode);
    redis_.preload(kCountLockAttempt);
}

CodeCheck RedisAccountStore::checkCode(const QString& phone, const QString& code,
                                       std::int64_t now) {
    const RedisReply r = redis_.eval(
        kCheckCode, {keys::code(tag(phone))},
        {code.toLatin1(), QByteArray::number(now), QByteArray::number(kMaxCodeAttempts)});
    if (r.string == "ok") {
        return CodeCheck::Ok;
    }
    if (r.string == "expired") {
        return CodeCheck::Expired;
    }
    if (r.string == "many") {
        return CodeCheck::TooManyAttempts;
    }
    return CodeCheck::Wrong;  // a wrong code, none, or Redis failed: not accepted either way
}

std::optional<AccountStore::LockAttempts> RedisAccountStore::countLockAttempt(
    std::int64_t account, std::int64_t now, std::int64_t windowMs) {
    const auto aci = aciOf(account);
    if (!aci) {
        return std::nullopt;
    }
    const RedisReply r = redis_.eval(kCountLockAttempt, {keys::lock(*aci)},
                                     {QByteArray::number(now), QByteArray::number(windowMs)});
    if (r.type != RedisReply::Type::Array || r.elements.size() != 2) {
        return std::nullopt;
    }
    return LockAttempts{integerOf(r.elements[0]), integerOf(r.elements[1])};
}

RedisAccountStore::~RedisAccountStore() {
    if (!secret_.isEmpty()) {
        sodium_memzero(secret_.data(), static_cast<std::size_t>(secret_.size()));
    }
}

bool RedisAccountStore::start(QString* error) {
    QByteArray fresh(kSecretBytes, Qt::Uninitialized);
    randombytes_buf(fresh.data(), static_cast<std::size_t>(fresh.size()));
    const auto replies =
        redis_.pipeline({{"SET", keys::secret(), fresh, "NX"}, {"GET", keys::secret()}});
    sodium_memzero(fresh.data(), static_cast<std::size_t>(fresh.size()));
    if (replies[1].type != RedisReply::Type::String || replies[1].string.size() != kSecretBytes) {
        *error = QStringLiteral("cannot read or make the relay's secret in Redis (%1)")
                     .arg(redis_.lastError());
        return false;
    }
    secret_ = replies[1].string;
    return true;
}

QByteArray RedisAccountStore::tag(const QString& phone) const {
    const QByteArray in = phone.toUtf8();
    QByteArray out(kTagBytes, Qt::Uninitialized);
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()),  // NOLINT
                       static_cast<std::size_t>(out.size()),
                       reinterpret_cast<const unsigned char*>(in.constData()),  // NOLINT
                       static_cast<std::size_t>(in.size()),
                       reinterpret_cast<const unsigned char*>(secret_.constData()),  // NOLINT
                       static_cast<std::size_t>(secret_.size()));
    return out.toHex();
}

bool RedisAccountStore::admitShared(const QByteArray& key, std::int64_t cost, std::int64_t limit,
                                    std::int64_t windowMs) {
    const RedisReply r = redis_.eval(
        kAdmit, {"rl:" + tag(QString::fromLatin1(key))},
        {QByteArray::number(cost), QByteArray::number(limit), QByteArray::number(windowMs)});
    failed_ = r.type != RedisReply::Type::Integer;  // Redis away: not "over the limit"
    return r.type == RedisReply::Type::Integer && r.integer == 1;
}

bool RedisAccountStore::admitSharedDistinct(const QByteArray& key, const QByteArray& member,
                                            std::int64_t limit, std::int64_t windowMs) {
    // The member (an address, a number) is kept as its keyed hash, like the key's name.
    const RedisReply r = redis_.eval(
        kAdmitDistinct, {"rd:" + tag(QString::fromLatin1(key))},
        {tag(QString::fromUtf8(member)), QByteArray::number(limit), QByteArray::number(windowMs)});
    failed_ = r.type != RedisReply::Type::Integer;
    return r.type == RedisReply::Type::Integer && r.integer == 1;
}

std::optional<QByteArray> RedisAccountStore::aciOf(std::int64_t id) {
    failed_ = false;
    if (const auto it = acis_.find(id); it != acis_.end()) {
        return it->second;
    }
    const RedisReply r = redis_.command({"GET", keys::byId(id)});
    failed_ = r.isError();
    if (r.type != RedisReply::Type::String || r.string.size() != kAciBytes) {
        return std::nullopt;
    }
    if (acis_.size() >= kMaxCachedAcis) {
        acis_.clear();
    }
    acis_[id] = r.string;
    return r.string;
}

std::optional<AccountRow> RedisAccountStore::accountByAci(const QByteArray& aci) {
    failed_ = false;
    if (aci.size() != kAciBytes) {
        return std::nullopt;
    }
    const RedisReply r =
        redis_.command({"HMGET", keys::record(aci), "id", "phone", "share", "ik", "pw", "ak"});
    failed_ = r.isError();
    if (r.type != RedisReply::Type::Array || r.elements.size() != 6 || r.elements[0].isNil()) {
        return std::nullopt;
    }
    AccountRow row;
    row.id = integerOf(r.elements[0]);
    row.phone = QString::fromLatin1(r.elements[1].string);
    row.aci = aci;
    row.sharePhone = r.elements[2].string == "1";
    row.identityKey = r.elements[3].string;
    row.passwordHash = r.elements[4].string;
    row.accessKey = r.elements[5].string;
    if (acis_.size() >= kMaxCachedAcis) {
        acis_.clear();
    }
    acis_[row.id] = aci;
    return row;
}

std::optional<AccountRow> RedisAccountStore::accountByPhone(const QString& phone) {
    failed_ = false;
    if (!isE164(phone)) {
        return std::nullopt;
    }
    if (const auto it = phones_.find(phone); it != phones_.end()) {
        auto row = accountByAci(it->second);
        if (row || failed_) {
            return row;
        }
        // The number now names another account (its old record was lost and the number
        // registered again: registerAccount()): read again.
        phones_.erase(it);
    }
    const RedisReply r = redis_.command({"GET", keys::byPhone(tag(phone))});
    failed_ = r.isError();
    if (r.type != RedisReply::Type::String) {
        return std::nullopt;
    }
    if (phones_.size() >= kMaxCachedAcis) {
        phones_.clear();
    }
    phones_[phone] = r.string;
    return accountByAci(r.string);
}

std::optional<AccountRow> RedisAccountStore::accountById(std::int64_t id) {
    const auto aci = aciOf(id);
    return aci ? accountByAci(*aci) : std::nullopt;
}

Expected<AccountRow, QString> RedisAccountStore::registerAccount(const Registration& r,
                                                                 std::int64_t now) {
    const QByteArray share = r.sharePhone ? "1" : "0";
    // The keys of a new account live on different shards and replicate asynchronously, so
    // they are written in an order whose every prefix is harmless: first the record and
    // `acctid:N` (NX: an id handed out again after a failover lost the counter's last INCRs
    // must not point another user's id at this account), both checked; only then the number's
    // key (NX), which makes the account reachable. A number whose key names an account without
    // a record (its record was lost, or a write failed half-way) is taken as unregistered.
    // Three tries at most: a number claimed by another front-end between our read and our
    // claim is an existing account the next time; an id in use is replaced by the next.
    // A failover loses the counter's last few INCRs at most: kMaxSkippedIds ids in use are
    // skipped before a registration gives up.
    constexpr int kMaxSkippedIds = 64;
    int skippedIds = 0;
    for (int attempt = 0; attempt < 3; ++attempt) {
        RedisReply held = redis_.command({"GET", keys::byPhone(tag(r.phone))});
        if (held.isError()) {
            return unexpected(QStringLiteral("the account store is unavailable"));
        }
        if (held.type == RedisReply::Type::String) {
            const RedisReply id = redis_.command({"HGET", keys::record(held.string), "id"});
            if (id.isError()) {
                return unexpected(QStringLiteral("the account store is unavailable"));
            }
            if (id.type != RedisReply::Type::String) {
                // No record behind the number: released (if it still names that account).
                const RedisReply released =
                    redis_.command({"EVAL",
                                    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
                                    "return redis.call('DEL', KEYS[1]) end return 0",
                                    "1", keys::byPhone(tag(r.phone)), held.string});
                if (released.type != RedisReply::Type::Integer) {
                    return unexpected(QStringLiteral("the account store is unavailable"));
                }
                qCWarning(lcRelay) << "a number named an account without a record: released";
                phones_.erase(r.phone);
                continue;
            }
        }
        if (held.type == RedisReply::Type::String) {
            // Re-registration: new keys, prekeys dropped, queued mail kept; one MULTI/EXEC on
            // the account's slot.
            const QByteArray& aci = held.string;
            const auto replies =
                redis_.pipeline({{"MULTI"},
                                 {"HSET", keys::record(aci), "ik", r.identityKey, "pw",
                                  r.passwordHash, "ak", r.accessKey, "share", share},
                                 {"DEL", keys::signedPreKey(aci), keys::oneTimePreKeys(aci)},
                                 {"EXEC"}});
            if (replies.back().type != RedisReply::Type::Array) {
                return unexpected(QStringLiteral("cannot update the account"));
            }
        } else {
            QByteArray aci(kAciBytes, Qt::Uninitialized);
            randombytes_buf(aci.data(), static_cast<std::size_t>(aci.size()));
            const RedisReply id = redis_.command({"INCR", keys::nextAccountId()});
            if (id.type != RedisReply::Type::Integer) {
                return unexpected(QStringLiteral("cannot create the account"));
            }
            const auto written = redis_.pipeline(
                {{"HSET", keys::record(aci), "id", QByteArray::number(id.integer), "phone",
                  r.phone.toLatin1(), "share", share, "ik", r.identityKey, "pw", r.passwordHash,
                  "ak", r.accessKey, "created", QByteArray::number(now)},
                 {"SET", keys::byId(id.integer), aci, "NX"}});
            if (!ok(written[0]) || !ok(written[1]) || written[1].isNil()) {
                // Not reachable (no number names it): removed, best effort. An id that is
                // another account's (nil) is given up; the next try takes the next id.
                (void)redis_.command({"DEL", keys::record(aci)});
                if (written[1].isNil()) {
                    qCWarning(lcRelay) << "account id" << id.integer
                                       << "was in use (a failover lost the counter?): skipped";
                    if (++skippedIds <= kMaxSkippedIds) {
                        --attempt;  // not a try: the counter catches up, an id at a time
                    }
                    continue;
                }
                return unexpected(QStringLiteral("cannot create the account"));
            }
            const RedisReply claimed =
                redis_.command({"SET", keys::byPhone(tag(r.phone)), aci, "NX"});
            if (claimed.isNil()) {  // another front-end registered the number meanwhile
                // Two slots: two commands (a cluster refuses a DEL across slots).
                (void)redis_.pipeline(
                    {{"DEL", keys::record(aci)}, {"DEL", keys::byId(id.integer)}});
                continue;
            }
            if (!ok(claimed)) {
                return unexpected(QStringLiteral("cannot create the account"));
            }
        }
        auto account = accountByPhone(r.phone);
        if (!account) {
            return unexpected(QStringLiteral("the account vanished after registration"));
        }
        if (!ok(redis_.command({"DEL", keys::code(tag(r.phone))}))) {
            return unexpected(QStringLiteral("cannot clear the code"));
        }
        if (!setLock(
                account->id,
                r.lockToken.isEmpty() ? QByteArray() : RegistrationLocks::hashToken(r.lockToken),
                now)) {
            return unexpected(QStringLiteral("cannot store the registration lock"));
        }
        return *account;
    }
    return unexpected(QStringLiteral("the number is being registered elsewhere; try again"));
}

bool RedisAccountStore::setAccessKey(std::int64_t account, const QByteArray& accessKey) {
    const auto aci = aciOf(account);
    return aci && ok(redis_.command({"HSET", keys::record(*aci), "ak", accessKey}));
}

bool RedisAccountStore::setCode(const QString& phone, const QString& code, std::int64_t expiresAt) {
    const auto replies =
        redis_.pipeline({{"MULTI"},
                         {"DEL", keys::code(tag(phone))},
                         {"HSET", keys::code(tag(phone)), "code", code.toLatin1(), "exp",
                          QByteArray::number(expiresAt), "tries", "0"},
                         {"PEXPIREAT", keys::code(tag(phone)), QByteArray::number(expiresAt)},
                         {"EXEC"}});
    return replies.back().type == RedisReply::Type::Array;
}

std::optional<CodeRow> RedisAccountStore::codeRow(const QString& phone) {
    const RedisReply r = redis_.command({"HMGET", keys::code(tag(phone)), "code", "exp", "tries"});
    if (r.type != RedisReply::Type::Array || r.elements.size() != 3 || r.elements[0].isNil()) {
        return std::nullopt;
    }
    return CodeRow{QString::fromLatin1(r.elements[0].string), integerOf(r.elements[1]),
                   integerOf(r.elements[2])};
}

void RedisAccountStore::countCodeAttempt(const QString& phone) {
    (void)redis_.command({"HINCRBY", keys::code(tag(phone)), "tries", "1"});
}

bool RedisAccountStore::setSignedPreKey(std::int64_t account, const SignedPreKeyRow& key) {
    const auto aci = aciOf(account);
    return aci &&
           ok(redis_.command({"HSET", keys::signedPreKey(*aci), "id", QByteArray::number(key.id),
                              "key", key.key, "sig", key.signature}));
}

std::optional<SignedPreKeyRow> RedisAccountStore::signedPreKey(std::int64_t account) {
    const auto aci = aciOf(account);
    if (!aci) {
        return std::nullopt;
    }
    const RedisReply r = redis_.command({"HMGET", keys::signedPreKey(*aci), "id", "key", "sig"});
    if (r.type != RedisReply::Type::Array || r.elements.size() != 3 || r.elements[0].isNil()) {
        return std::nullopt;
    }
    return SignedPreKeyRow{static_cast<std::uint32_t>(integerOf(r.elements[0])),
                           r.elements[1].string, r.elements[2].string};
}

std::int64_t RedisAccountStore::addOneTimePreKeys(
    std::int64_t account, const std::vector<std::pair<std::uint32_t, QByteArray>>& keys,
    std::int64_t cap) {
    const auto aci = aciOf(account);
    if (!aci) {
        return 0;
    }
    RedisCommand args{QByteArray::number(cap)};
    for (const auto& [id, key] : keys) {
        args << QByteArray::number(id) << QByteArray::number(id, 16).rightJustified(8, '0') + key;
    }
    const RedisReply r = redis_.eval(kAddPreKeys, {keys::oneTimePreKeys(*aci)}, args);
    return r.type == RedisReply::Type::Integer ? r.integer : oneTimePreKeyCount(account);
}

std::optional<std::pair<std::uint32_t, QByteArray>> RedisAccountStore::takeOneTimePreKey(
    std::int64_t account) {
    const auto aci = aciOf(account);
    if (!aci) {
        return std::nullopt;
    }
    // ZPOPMIN takes and removes in one step: a key is never handed out twice.
    const RedisReply r = redis_.command({"ZPOPMIN", keys::oneTimePreKeys(*aci)});
    if (r.type != RedisReply::Type::Array || r.elements.size() != 2 ||
        r.elements[0].string.size() <= 8) {
        return std::nullopt;
    }
    return std::make_pair(static_cast<std::uint32_t>(integerOf(r.elements[1])),
                          r.elements[0].string.mid(8));
}

std::int64_t RedisAccountStore::oneTimePreKeyCount(std::int64_t account) {
    const auto aci = aciOf(account);
    if (!aci) {
        return 0;
    }
    const RedisReply r = redis_.command({"ZCARD", keys::oneTimePreKeys(*aci)});
    return r.type == RedisReply::Type::Integer ? r.integer : 0;
}

std::optional<std::optional<LockRow>> RedisAccountStore::lockRow(std::int64_t account) {
    const auto aci = aciOf(account);
    if (!aci) {
        return std::nullopt;
    }
    const RedisReply r =
        redis_.command({"HMGET", keys::lock(*aci), "hash", "last", "fails", "since"});
    if (r.type != RedisReply::Type::Array || r.elements.size() != 4) {
        return std::nullopt;
    }
    if (r.elements[0].isNil()) {
        return std::optional<LockRow>{};
    }
    return std::optional<LockRow>{LockRow{r.elements[0].string, integerOf(r.elements[1]),
                                          integerOf(r.elements[2]), integerOf(r.elements[3])}};
}

bool RedisAccountStore::setLockFailures(std::int64_t account, std::int64_t failures,
                                        std::int64_t since) {
    const auto aci = aciOf(account);
    return aci && ok(redis_.eval(
                      kUpdateLock, {keys::lock(*aci)},
                      {"fails", QByteArray::number(failures), "since", QByteArray::number(since)}));
}

bool RedisAccountStore::setLock(std::int64_t account, const QByteArray& hash, std::int64_t now) {
    const auto aci = aciOf(account);
    if (!aci) {
        return false;
    }
    if (hash.isEmpty()) {
        return ok(redis_.command({"DEL", keys::lock(*aci)}));
    }
    const auto replies = redis_.pipeline({{"MULTI"},
                                          {"DEL", keys::lock(*aci)},
                                          {"HSET", keys::lock(*aci), "hash", hash, "last",
                                           QByteArray::number(now), "fails", "0", "since", "0"},
                                          {"EXEC"}});
    return replies.back().type == RedisReply::Type::Array;
}

void RedisAccountStore::lockSeen(std::int64_t account, std::int64_t now) {
    if (const auto aci = aciOf(account)) {
        (void)redis_.eval(kUpdateLock, {keys::lock(*aci)}, {"last", QByteArray::number(now)});
    }
}

void RedisAccountStore::markPresent(const std::vector<std::int64_t>& accounts, std::int64_t ttlMs) {
    std::vector<RedisCommand> commands;
    for (const std::int64_t account : accounts) {
        if (const auto aci = aciOf(account)) {
            commands.push_back({"SET", keys::presence(*aci), "1", "PX", QByteArray::number(ttlMs)});
        }
    }
    if (!commands.empty()) {
        (void)redis_.pipeline(commands);  // one round trip; a failure is retried next time
    }
}

bool RedisAccountStore::present(std::int64_t account) {
    const auto aci = aciOf(account);
    if (!aci) {
        return false;
    }
    const RedisReply r = redis_.command({"EXISTS", keys::presence(*aci)});
    return r.type == RedisReply::Type::Integer && r.integer > 0;
}

}  // namespace tandem::relay
