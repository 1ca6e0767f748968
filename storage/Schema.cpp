#include "storage/Schema.h"

#include "storage/Database.h"
#include "storage/FreshSchema.h"
#include "storage/StorageLog.h"

namespace tandem::storage {

// Times are milliseconds since the Unix epoch (UTC) unless the column says _us.
// mode: 1 = Signal (relay), 2 = Session (onion).

namespace {

constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value BLOB
) WITHOUT ROWID;

CREATE TABLE accounts (
    mode INTEGER PRIMARY KEY CHECK (mode IN (1, 2)),
    address TEXT NOT NULL,
    identity_public BLOB NOT NULL,
    identity_secret BLOB NOT NULL,
    signing_public BLOB,
    signing_secret BLOB,
    credentials BLOB,
    created_at INTEGER NOT NULL
);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    mode INTEGER NOT NULL CHECK (mode IN (1, 2)),
    address TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    identity_key BLOB,
    verification INTEGER NOT NULL DEFAULT 0 CHECK (verification IN (0, 1, 2)),
    identity_changed_at INTEGER,
    blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
    created_at INTEGER NOT NULL,
    UNIQUE (mode, address)
);

CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL CHECK (kind IN (1, 2)),
    mode INTEGER CHECK (mode IN (1, 2)),
    contact_id INTEGER UNIQUE REFERENCES contacts(id) ON DELETE CASCADE,
    expire_timer INTEGER NOT NULL DEFAULT 0 CHECK (expire_timer >= 0),
    expire_timer_version INTEGER NOT NULL DEFAULT 0 CHECK (expire_timer_version >= 0),
    draft TEXT NOT NULL DEFAULT '',
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    muted_until INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    CHECK ((kind = 2 AND mode IS NULL AND contact_id IS NULL) OR
           (kind = 1 AND mode IS NOT NULL AND contact_id IS NOT NULL))
);
CREATE UNIQUE INDEX conversations_note_to_self ON conversations(kind) WHERE kind = 2;

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    uid BLOB NOT NULL UNIQUE CHECK (length(uid) = 16),
    direction INTEGER NOT NULL CHECK (direction IN (0, 1)),
    kind INTEGER NOT NULL DEFAULT 1 CHECK (kind IN (1, 2, 3)),
    body TEXT NOT NULL DEFAULT '',
    sticker_pack_id BLOB,
    sticker_id INTEGER,
    status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 5),
    sent_at INTEGER NOT NULL,
    accepted_at INTEGER,
    received_at INTEGER,
    delivered_at INTEGER,
    read_at INTEGER,
    failed_at INTEGER,
    expire_timer INTEGER NOT NULL DEFAULT 0 CHECK (expire_timer >= 0),
    expire_start INTEGER,
    expires_at INTEGER,
    CHECK (expires_at IS NULL OR (expire_start IS NOT NULL AND expire_timer > 0))
);
CREATE INDEX messages_by_conversation ON messages(conversation_id);
CREATE INDEX messages_by_expiry ON messages(expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX messages_unread ON messages(conversation_id)
    WHERE direction = 1 AND read_at IS NULL;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    message_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    kind INTEGER NOT NULL CHECK (kind IN (1, 2, 3, 4)),
    payload BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX outbox_by_due ON outbox(next_attempt_at);
CREATE INDEX outbox_by_conversation ON outbox(conversation_id);
CREATE INDEX outbox_by_message ON outbox(message_id);

CREATE TABLE crypto_sessions (
    mode INTEGER NOT NULL CHECK (mode IN (1, 2)),
    address TEXT NOT NULL,
    device_id INTEGER NOT NULL DEFAULT 1,
    state BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (mode, address, device_id)
) WITHOUT ROWID;

CREATE TABLE prekeys (
    kind INTEGER NOT NULL CHECK (kind IN (1, 2)),
    key_id INTEGER NOT NULL CHECK (key_id >= 0),
    public_key BLOB NOT NULL,
    secret_key BLOB NOT NULL,
    signature BLOB,
    uploaded INTEGER NOT NULL DEFAULT 0 CHECK (uploaded IN (0, 1)),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, key_id),
    CHECK (kind = 2 OR signature IS NOT NULL)
) WITHOUT ROWID;
)sql";

constexpr std::string_view kMigration2 = R"sql(
CREATE TABLE sticker_packs (
    pack_id BLOB PRIMARY KEY NOT NULL CHECK (length(pack_id) BETWEEN 16 AND 32),
    pack_key BLOB NOT NULL CHECK (length(pack_key) = 32),
    title TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    cover_sticker_id INTEGER,
    origin INTEGER NOT NULL CHECK (origin IN (1, 2)),
    installed INTEGER NOT NULL DEFAULT 0 CHECK (installed IN (0, 1)),
    published_at INTEGER,
    created_at INTEGER NOT NULL
);

CREATE TABLE stickers (
    id INTEGER PRIMARY KEY,
    pack_id BLOB NOT NULL REFERENCES sticker_packs(pack_id) ON DELETE CASCADE,
    sticker_id INTEGER NOT NULL CHECK (sticker_id >= 0),
    emoji TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    image BLOB CHECK (image IS NULL OR length(image) <= 1048576),
    UNIQUE (pack_id, sticker_id)
);

CREATE TABLE latency_samples (
    id INTEGER PRIMARY KEY,
    transport INTEGER NOT NULL CHECK (transport IN (1, 2)),
    message_uid BLOB,
    probe_run INTEGER,
    sent_at INTEGER NOT NULL,
    one_way_us INTEGER,
    round_trip_us INTEGER,
    size INTEGER NOT NULL CHECK (size >= 0),
    path TEXT NOT NULL DEFAULT '',
    lost INTEGER NOT NULL DEFAULT 0 CHECK (lost IN (0, 1)),
    CHECK (lost = 1 OR round_trip_us IS NOT NULL)
);
CREATE INDEX latency_samples_by_transport ON latency_samples(transport, sent_at);
CREATE INDEX latency_samples_by_probe_run ON latency_samples(probe_run)
    WHERE probe_run IS NOT NULL;
)sql";

// Sealed-sender access keys of contacts (Signal mode): learned from their prekey bundle or
// their messages, presented to the relay when sending to them.
constexpr std::string_view kMigration3 = R"sql(
ALTER TABLE contacts ADD COLUMN access_key BLOB;
)sql";

// A contact's service id (Signal mode: "aci:…", the relay's account id): messages from a
// sender who does not share a number name only this, and it stays when a number changes.
constexpr std::string_view kMigration4 = R"sql(
ALTER TABLE contacts ADD COLUMN service_id TEXT;
CREATE UNIQUE INDEX contacts_by_service_id ON contacts(mode, service_id)
    WHERE service_id IS NOT NULL;
)sql";

// Envelopes received, remembered by digest for as long as a copy could come back.
constexpr std::string_view kMigration5 = R"sql(
-- What arrived, by digest, while a copy of it could still come back (Session mode: a node may
-- keep or bring back a message we took and deleted): such a copy is not accepted again.
CREATE TABLE received_envelopes (
    mode INTEGER NOT NULL CHECK (mode IN (1, 2)),
    digest BLOB NOT NULL CHECK (length(digest) = 32),
    received_at INTEGER NOT NULL,
    PRIMARY KEY (mode, digest)
) WITHOUT ROWID;
CREATE INDEX received_envelopes_by_time ON received_envelopes(received_at);
)sql";

// The disappearing-message start rule of a conversation (docs/disappearing.md): 0 = after
// read (the recipient's copy counts down from when it is read), 1 = after send.
constexpr std::string_view kMigration6 = R"sql(
ALTER TABLE conversations ADD COLUMN expire_rule INTEGER NOT NULL DEFAULT 0
    CHECK (expire_rule IN (0, 1));
)sql";

constexpr std::string_view kMigration7 = R"sql(
ALTER TABLE sticker_packs ADD COLUMN builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1));
ALTER TABLE sticker_packs ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));
ALTER TABLE sticker_packs ADD COLUMN version INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0);
ALTER TABLE sticker_packs ADD COLUMN owner_secret BLOB CHECK (owner_secret IS NULL OR length(owner_secret) = 64);
ALTER TABLE sticker_packs ADD COLUMN checked_at INTEGER;
ALTER TABLE stickers ADD COLUMN used_at INTEGER;
CREATE INDEX messages_sticker_pack ON messages(sticker_pack_id) WHERE sticker_pack_id IS NOT NULL;
CREATE INDEX stickers_used ON stickers(used_at) WHERE used_at IS NOT NULL;
)sql";

constexpr std::string_view kMigration8 = R"sql(
CREATE TABLE attachments (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    file_size INTEGER NOT NULL CHECK (file_size > 0),
    width INTEGER NOT NULL DEFAULT 0 CHECK (width >= 0),
    height INTEGER NOT NULL DEFAULT 0 CHECK (height >= 0),
    thumbnail BLOB,
    transfer_state INTEGER NOT NULL CHECK (transfer_state BETWEEN 0 AND 5),
    transferred INTEGER NOT NULL DEFAULT 0 CHECK (transferred >= 0),
    transfer_error TEXT NOT NULL DEFAULT '',
    file_key BLOB NOT NULL CHECK (length(file_key) = 32),
    chunks BLOB NOT NULL DEFAULT x'',
    local_file TEXT NOT NULL DEFAULT '',
    complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1))
);
CREATE INDEX attachments_unfinished ON attachments(transfer_state)
    WHERE transfer_state IN (0, 2, 3);
)sql";

// People (docs/people.md): message requests (a contact made by someone's first message is not
// accepted until the user says so; every contact before this schema was), and the profile a
// contact shares: where its record is (name, key), the version announced and the version
// fetched, and what it said (name, avatar).
constexpr std::string_view kMigration9 = R"sql(
ALTER TABLE contacts ADD COLUMN accepted INTEGER NOT NULL DEFAULT 1 CHECK (accepted IN (0, 1));
ALTER TABLE contacts ADD COLUMN profile_record BLOB
    CHECK (profile_record IS NULL OR length(profile_record) = 16);
ALTER TABLE contacts ADD COLUMN profile_key BLOB
    CHECK (profile_key IS NULL OR length(profile_key) = 32);
ALTER TABLE contacts ADD COLUMN profile_wanted INTEGER NOT NULL DEFAULT 0
    CHECK (profile_wanted >= 0);
ALTER TABLE contacts ADD COLUMN profile_version INTEGER NOT NULL DEFAULT 0
    CHECK (profile_version >= 0);
ALTER TABLE contacts ADD COLUMN profile_name TEXT NOT NULL DEFAULT ''
    CHECK (length(profile_name) <= 128);
ALTER TABLE contacts ADD COLUMN profile_avatar BLOB
    CHECK (profile_avatar IS NULL OR length(profile_avatar) <= 32768);
CREATE INDEX contacts_profile_wanted ON contacts(id) WHERE profile_wanted > profile_version;
-- Someone who only ever wrote to us, never named by the user nor written to: a request.
UPDATE contacts SET accepted = 0 WHERE display_name = '' AND
    EXISTS (SELECT 1 FROM conversations c JOIN messages m ON m.conversation_id = c.id
            WHERE c.contact_id = contacts.id AND m.direction = 1) AND
    NOT EXISTS (SELECT 1 FROM conversations c JOIN messages m ON m.conversation_id = c.id
                WHERE c.contact_id = contacts.id AND m.direction = 0);
)sql";

// Fewer pages per commit (docs/storage.md "Pages per commit"). A ratchet record (~1 000 bytes,
// rewritten by every message) spilled out of a WITHOUT ROWID leaf into an overflow page freed
// and taken again each time; a rowid leaf keeps it, updated in place (the copy goes through a
// TEMP table: temp_store = MEMORY, so no secret reaches a temp file). No query needs the outbox
// by due time; its other indexes hold only the rows their queries look for.
constexpr std::string_view kMigration10 = R"sql(
CREATE TEMP TABLE crypto_sessions_moving AS SELECT * FROM crypto_sessions;
DROP TABLE crypto_sessions;
CREATE TABLE crypto_sessions (
    id INTEGER PRIMARY KEY,
    mode INTEGER NOT NULL CHECK (mode IN (1, 2)),
    address TEXT NOT NULL,
    device_id INTEGER NOT NULL DEFAULT 1,
    state BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (mode, address, device_id)
);
INSERT INTO crypto_sessions (mode, address, device_id, state, updated_at)
    SELECT mode, address, device_id, state, updated_at FROM crypto_sessions_moving;
DROP TABLE crypto_sessions_moving;
DROP INDEX outbox_by_due;
DROP INDEX outbox_by_conversation;
CREATE INDEX outbox_by_conversation ON outbox(conversation_id) WHERE kind = 1;
DROP INDEX outbox_by_message;
CREATE INDEX outbox_by_message ON outbox(message_id) WHERE message_id IS NOT NULL;
)sql";

// The unread counts (the conversation list's, the total) read only the index: it holds the
// columns its condition names, so counting 50 000 unread messages reads the index's pages,
// not a table row each (docs/storage.md).
constexpr std::string_view kMigration11 = R"sql(
DROP INDEX messages_unread;
CREATE INDEX messages_unread ON messages(conversation_id, direction, read_at)
    WHERE direction = 1 AND read_at IS NULL;
)sql";

consteval bool migrationsAreOrdered(const std::array<Migration, kSchemaVersion>& migrations) {
    for (std::size_t i = 0; i < migrations.size(); ++i) {
        if (migrations[i].version != static_cast<int>(i) + 1 || migrations[i].sql.empty()) {
            return false;
        }
    }
    return true;
}

StoreResult<void> setUserVersion(Database& db, int version) {
    // PRAGMA takes no bound parameters; the value is an int we produced.
    const std::string sql = "PRAGMA user_version = " + std::to_string(version) + ";";
    return db.exec(sql);
}

StoreResult<void> applyStep(Database& db, const Migration& step) {
    qCInfo(lcStorage) << "migrating database to schema" << step.version << "-"
                      << step.description.data();
    TANDEM_TRY_ASSIGN(auto tx, Transaction::begin(db));
    TANDEM_TRY(db.exec(step.sql));
    TANDEM_TRY(setUserVersion(db, step.version));
    return tx.commit();
}

}  // namespace

constexpr std::array<Migration, kSchemaVersion> kMigrationsDef = {{
    {1, "messages, contacts, conversations, outbox, crypto sessions, prekeys", kMigration1},
    {2, "sticker packs, stickers, latency samples", kMigration2},
    {3, "contacts' sealed-sender access keys", kMigration3},
    {4, "contacts' service ids", kMigration4},
    {5, "digests of received envelopes", kMigration5},
    {6, "conversations' disappearing-message start rule", kMigration6},
    {7, "built-in, hidden and versioned sticker packs, their owners' keys, recent stickers",
     kMigration7},
    {8, "files sent and received with messages", kMigration8},
    {9, "message requests and contacts' profiles", kMigration9},
    {10, "ratchet records updated in place on their page; fewer outbox index pages", kMigration10},
    {11, "unread counts from the index alone", kMigration11},
}};
static_assert(migrationsAreOrdered(kMigrationsDef),
              "migrations must be numbered 1, 2, 3, … in order, each with SQL");
static_assert(kMigrationsDef.back().version == kSchemaVersion,
              "kSchemaVersion must be the last migration's version");
const std::array<Migration, kSchemaVersion> kMigrations = kMigrationsDef;

StoreResult<void> createFreshSchema(Database& db) {
    TANDEM_TRY_ASSIGN(auto tx, Transaction::begin(db));
    TANDEM_TRY(db.exec(kFreshSchema));
    TANDEM_TRY(setUserVersion(db, kSchemaVersion));
    return tx.commit();
}

StoreResult<void> migrateTo(Database& db, int target) {
    TANDEM_TRY_ASSIGN(const std::int64_t current, db.queryInt("PRAGMA user_version;"));
    for (const Migration& step : kMigrations) {
        if (step.version > current && step.version <= target) {
            TANDEM_TRY(applyStep(db, step));
        }
    }
    return {};
}

StoreResult<void> checkSchemaVersion(Database& db) {
    TANDEM_TRY_ASSIGN(const std::int64_t version, db.queryInt("PRAGMA user_version;"));
    if (version > kSchemaVersion) {
        return storeError(StoreErrorCode::DatabaseTooNew,
                          QStringLiteral("The database %1 was written by a newer version of "
                                         "Tandem (schema %2; this version knows %3). It was "
                                         "not changed.")
                              .arg(db.path())
                              .arg(version)
                              .arg(kSchemaVersion));
    }
    return {};
}

StoreResult<void> migrate(Database& db) {
    TANDEM_TRY(checkSchemaVersion(db));
    TANDEM_TRY_ASSIGN(const std::int64_t version, db.queryInt("PRAGMA user_version;"));
    if (version == 0) {
        TANDEM_TRY_ASSIGN(const std::int64_t objects,
                          db.queryInt("SELECT count(*) FROM sqlite_master;"));
        if (objects != 0) {
            return storeError(StoreErrorCode::DatabaseCorrupted,
                              QStringLiteral("The database %1 has tables but no schema "
                                             "version; it was not made by Tandem.")
                                  .arg(db.path()));
        }
        return createFreshSchema(db);
    }
    if (version < kSchemaVersion) {
        TANDEM_TRY(migrateTo(db, kSchemaVersion));
        // The pragma_foreign_key_check() table function needs SQLite 3.16: count rows.
        TANDEM_TRY_ASSIGN(Statement * check, db.prepare("PRAGMA foreign_key_check;"));
        int violations = 0;
        while (true) {
            TANDEM_TRY_ASSIGN(const bool row, check->step());
            if (!row) {
                break;
            }
            ++violations;
        }
        if (violations != 0) {
            return storeError(StoreErrorCode::DatabaseCorrupted,
                              QStringLiteral("Migrating %1 left %2 broken references.")
                                  .arg(db.path())
                                  .arg(violations));
        }
    }
    return {};
}

}  // namespace tandem::storage
