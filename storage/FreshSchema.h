// The schema a new database gets (storage/Schema.cpp makes it; the migrations there lead to
// the same). Apart from Schema.cpp so that each file stays readable in one go.
#pragma once

#include <string_view>

namespace tandem::storage {

// The schema a new database gets: the result of every migration, written out whole so a
// reader sees each table in one place. Keep it equal to the migrations (tst_schema checks).
inline constexpr std::string_view kFreshSchema = R"sql(
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
    access_key BLOB,
    service_id TEXT,
    accepted INTEGER NOT NULL DEFAULT 1 CHECK (accepted IN (0, 1)),
    profile_record BLOB CHECK (profile_record IS NULL OR length(profile_record) = 16),
    profile_key BLOB CHECK (profile_key IS NULL OR length(profile_key) = 32),
    profile_wanted INTEGER NOT NULL DEFAULT 0 CHECK (profile_wanted >= 0),
    profile_version INTEGER NOT NULL DEFAULT 0 CHECK (profile_version >= 0),
    profile_name TEXT NOT NULL DEFAULT '' CHECK (length(profile_name) <= 128),
    profile_avatar BLOB CHECK (profile_avatar IS NULL OR length(profile_avatar) <= 32768),
    UNIQUE (mode, address)
);
CREATE UNIQUE INDEX contacts_by_service_id ON contacts(mode, service_id)
    WHERE service_id IS NOT NULL;
CREATE INDEX contacts_profile_wanted ON contacts(id) WHERE profile_wanted > profile_version;

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
    expire_rule INTEGER NOT NULL DEFAULT 0 CHECK (expire_rule IN (0, 1)),
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
CREATE INDEX outbox_by_conversation ON outbox(conversation_id) WHERE kind = 1;
CREATE INDEX outbox_by_message ON outbox(message_id) WHERE message_id IS NOT NULL;

CREATE TABLE crypto_sessions (
    id INTEGER PRIMARY KEY,
    mode INTEGER NOT NULL CHECK (mode IN (1, 2)),
    address TEXT NOT NULL,
    device_id INTEGER NOT NULL DEFAULT 1,
    state BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (mode, address, device_id)
);

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

CREATE TABLE sticker_packs (
    pack_id BLOB PRIMARY KEY NOT NULL CHECK (length(pack_id) BETWEEN 16 AND 32),
    pack_key BLOB NOT NULL CHECK (length(pack_key) = 32),
    title TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    cover_sticker_id INTEGER,
    origin INTEGER NOT NULL CHECK (origin IN (1, 2)),
    installed INTEGER NOT NULL DEFAULT 0 CHECK (installed IN (0, 1)),
    published_at INTEGER,
    created_at INTEGER NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    version INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0),
    owner_secret BLOB CHECK (owner_secret IS NULL OR length(owner_secret) = 64),
    checked_at INTEGER
);

CREATE TABLE stickers (
    id INTEGER PRIMARY KEY,
    pack_id BLOB NOT NULL REFERENCES sticker_packs(pack_id) ON DELETE CASCADE,
    sticker_id INTEGER NOT NULL CHECK (sticker_id >= 0),
    emoji TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    image BLOB CHECK (image IS NULL OR length(image) <= 1048576),
    used_at INTEGER,
    UNIQUE (pack_id, sticker_id)
);
CREATE INDEX stickers_used ON stickers(used_at) WHERE used_at IS NOT NULL;

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
-- What arrived, by digest, while a copy of it could still come back (Session mode: a node may
-- keep or bring back a message we took and deleted): such a copy is not accepted again.
CREATE TABLE received_envelopes (
    mode INTEGER NOT NULL CHECK (mode IN (1, 2)),
    digest BLOB NOT NULL CHECK (length(digest) = 32),
    received_at INTEGER NOT NULL,
    PRIMARY KEY (mode, digest)
) WITHOUT ROWID;
CREATE INDEX received_envelopes_by_time ON received_envelopes(received_at);

CREATE INDEX messages_sticker_pack ON messages(sticker_pack_id)
    WHERE sticker_pack_id IS NOT NULL;

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
-- Last, as migration 11 makes it (an index's place in the table's list follows its making).
CREATE INDEX messages_unread ON messages(conversation_id, direction, read_at)
    WHERE direction = 1 AND read_at IS NULL;
)sql";

}  // namespace tandem::storage
