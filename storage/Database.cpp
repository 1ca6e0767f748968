#include "storage/Database.h"

#include <array>
#include <utility>

#include <QFile>

#include "storage/SqlCipher.h"
#include "storage/StorageLog.h"

Q_LOGGING_CATEGORY(lcStorage, "tandem.storage", QtWarningMsg)

namespace tandem::storage {

namespace {

bool isCorruption(int rc) {
    const int primary = rc & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

std::string_view toView(const QByteArray& bytes) {
    return {bytes.constData(), static_cast<std::size_t>(bytes.size())};
}

}  // namespace

// ---- Statement --------------------------------------------------------------------------

Statement::~Statement() {
    db_.sql().sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (const int rc = db_.sql().sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) {
        bindError_ = rc;
    }
    return *this;
}

Statement& Statement::bind(int index, double value) {
    if (const int rc = db_.sql().sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) {
        bindError_ = rc;
    }
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    if (const int rc = db_.sql().sqlite3_bind_text64(stmt_, index, text.data(), text.size(),
                                                     SQLITE_TRANSIENT, SQLITE_UTF8);
        rc != SQLITE_OK) {
        bindError_ = rc;
    }
    return *this;
}

Statement& Statement::bind(int index, const QString& text) {
    return bind(index, toView(text.toUtf8()));
}

Statement& Statement::bind(int index, std::span<const std::uint8_t> blob) {
    // A zero-length blob is bound as an empty blob, not NULL.
    static constexpr std::uint8_t kEmpty = 0;
    const void* data = blob.empty() ? &kEmpty : blob.data();
    if (const int rc =
            db_.sql().sqlite3_bind_blob64(stmt_, index, data, blob.size(), SQLITE_TRANSIENT);
        rc != SQLITE_OK) {
        bindError_ = rc;
    }
    return *this;
}

Statement& Statement::bind(int index, const QByteArray& blob) {
    return bind(index, std::span<const std::uint8_t>(
                           reinterpret_cast<const std::uint8_t*>(blob.constData()),  // NOLINT
                           static_cast<std::size_t>(blob.size())));
}

Statement& Statement::bindNull(int index) {
    if (const int rc = db_.sql().sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) {
        bindError_ = rc;
    }
    return *this;
}

StoreResult<bool> Statement::step() {
    if (bindError_ != SQLITE_OK) {
        const int rc = bindError_;
        bindError_ = SQLITE_OK;
        return unexpected(db_.errorFor(rc, "binding a parameter"));
    }
    const int rc = db_.sql().sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    // sqlite3_step's extended code is in sqlite3_extended_errcode; reset to release locks.
    const int extended = db_.sql().sqlite3_extended_errcode(db_.handle());
    StoreError error =
        db_.errorFor(extended != SQLITE_OK ? extended : rc, db_.sql().sqlite3_sql(stmt_));
    db_.sql().sqlite3_reset(stmt_);
    return unexpected(std::move(error));
}

StoreResult<void> Statement::run() {
    while (true) {
        TANDEM_TRY_ASSIGN(const bool row, step());
        if (!row) {
            return {};
        }
    }
}

bool Statement::isNull(int column) const {
    return db_.sql().sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const {
    return db_.sql().sqlite3_column_int64(stmt_, column);
}

std::optional<std::int64_t> Statement::optInt64(int column) const {
    if (isNull(column)) {
        return std::nullopt;
    }
    return int64(column);
}

double Statement::real(int column) const {
    return db_.sql().sqlite3_column_double(stmt_, column);
}

QString Statement::text(int column) const {
    const auto* data = db_.sql().sqlite3_column_text(stmt_, column);
    const int size = db_.sql().sqlite3_column_bytes(stmt_, column);
    return QString::fromUtf8(reinterpret_cast<const char*>(data), size);  // NOLINT
}

QByteArray Statement::blob(int column) const {
    const auto view = blobView(column);
    return {reinterpret_cast<const char*>(view.data()),  // NOLINT
            static_cast<qsizetype>(view.size())};
}

std::span<const std::uint8_t> Statement::blobView(int column) const {
    const void* data = db_.sql().sqlite3_column_blob(stmt_, column);
    const int size = db_.sql().sqlite3_column_bytes(stmt_, column);
    if (data == nullptr || size <= 0) {
        return {};
    }
    return {static_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size)};
}

void Statement::reset() {
    db_.sql().sqlite3_reset(stmt_);
    db_.sql().sqlite3_clear_bindings(stmt_);
    bindError_ = SQLITE_OK;
}

// ---- Database ---------------------------------------------------------------------------

StoreResult<std::unique_ptr<Database>> Database::open(const QString& path, const SecretBytes* key,
                                                      const DatabaseOptions& options) {
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
    flags |= options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (options.create) {
        flags |= SQLITE_OPEN_CREATE;
    } else if (!QFile::exists(path)) {
        return storeError(StoreErrorCode::DatabaseMissing,
                          QStringLiteral("The database file %1 does not exist.").arg(path));
    }
    TANDEM_TRY_ASSIGN(const SqlCipher* sql, SqlCipher::get());
    sqlite3* handle = nullptr;
    const QByteArray nativePath = QFile::encodeName(path);
    const int rc = sql->sqlite3_open_v2(nativePath.constData(), &handle, flags, nullptr);
    std::unique_ptr<Database> db(new Database(*sql, handle, path));
    if (rc != SQLITE_OK) {
        return unexpected(db->errorFor(rc, "opening"));
    }
    sql->sqlite3_extended_result_codes(handle, 1);
    TANDEM_TRY(db->configure(key, options));
    return db;
}

StoreResult<void> Database::configure(const SecretBytes* key, const DatabaseOptions& options) {
    if (key != nullptr) {
        if (key->size() != 32) {
            return storeError(StoreErrorCode::InvalidArgument,
                              QStringLiteral("A database key must be 32 bytes."));
        }
        // Raw key form x'<64 hex>': SQLCipher uses the bytes as the AES key, no PBKDF2.
        SecretBytes literal(3 + 64);
        literal.data()[0] = 'x';
        literal.data()[1] = '\'';
        sodium_bin2hex(reinterpret_cast<char*>(literal.data() + 2), 65,  // NOLINT
                       key->data(), key->size());
        literal.data()[66] = '\'';
        const int rc = sql_->sqlite3_key(db_, literal.data(), static_cast<int>(literal.size()));
        if (rc != SQLITE_OK) {
            return unexpected(errorFor(rc, "setting the key"));
        }
        // Fixed for format 1 of the key file; must be set before the first page is read.
        TANDEM_TRY(exec("PRAGMA cipher_page_size = 4096;"));
    } else {
        TANDEM_TRY(exec("PRAGMA page_size = 4096;"));
    }
    // Reading the schema is the first access that decrypts page 1: a wrong key or a damaged
    // file fails here, before anything is written.
    TANDEM_TRY(queryInt("SELECT count(*) FROM sqlite_master;"));
    sql_->sqlite3_busy_timeout(db_, options.busyTimeoutMs);
    if (!options.readOnly) {
        TANDEM_TRY_ASSIGN(const QString mode, queryText("PRAGMA journal_mode = WAL;"));
        if (mode != QLatin1String("wal")) {
            return storeError(StoreErrorCode::Io,
                              QStringLiteral("Could not switch %1 to WAL mode.").arg(path_));
        }
    }
    // NORMAL in WAL mode: a commit survives a crash or kill of the process (the WAL is
    // written before commit returns); a power cut may lose the last commits, never
    // consistency. foreign_keys and secure_delete are per connection, so set on every open.
    TANDEM_TRY(
        exec("PRAGMA synchronous = NORMAL;"
             "PRAGMA foreign_keys = ON;"
             "PRAGMA secure_delete = ON;"
             "PRAGMA temp_store = MEMORY;"));
    return {};
}

Database::~Database() {
    if (db_ != nullptr) {
        (void)close();
    }
}

StoreResult<void> Database::close() {
    statements_.clear();
    if (db_ == nullptr) {
        return {};
    }
    const int rc = sql_->sqlite3_close(db_);
    if (rc != SQLITE_OK) {
        qCWarning(lcStorage) << "closing the database failed:" << sql_->sqlite3_errstr(rc);
        sql_->sqlite3_close_v2(db_);
        db_ = nullptr;
        return storeError(StoreErrorCode::Io, QStringLiteral("Could not close %1.").arg(path_));
    }
    db_ = nullptr;
    return {};
}

StoreError Database::errorFor(int rc, std::string_view context) {
    const int primary = rc & 0xff;
    const QString detail = db_ != nullptr ? QString::fromUtf8(sql_->sqlite3_errmsg(db_))
                                          : QString::fromUtf8(sql_->sqlite3_errstr(rc));
    // The SQL text of a failing statement is safe to log (it holds placeholders, not values).
    qCWarning(lcStorage).noquote()
        << "sqlite error" << rc << detail << "while"
        << QString::fromUtf8(context.data(), static_cast<qsizetype>(context.size()));
    if (isCorruption(rc)) {
        failed_ = true;
        return {StoreErrorCode::DatabaseCorrupted,
                QStringLiteral("The database file %1 is damaged or does not belong to this "
                               "profile's key (%2).")
                    .arg(path_, detail)};
    }
    switch (primary) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return {StoreErrorCode::Busy,
                    QStringLiteral("The database %1 is busy in another process.").arg(path_)};
        case SQLITE_CONSTRAINT:
            return {StoreErrorCode::Constraint, detail};
        case SQLITE_FULL:
            return {StoreErrorCode::Io, QStringLiteral("The disk holding %1 is full.").arg(path_)};
        case SQLITE_IOERR:
            if (rc == SQLITE_IOERR_SHORT_READ) {
                failed_ = true;
                return {StoreErrorCode::DatabaseCorrupted,
                        QStringLiteral("The database file %1 is truncated.").arg(path_)};
            }
            return {StoreErrorCode::Io,
                    QStringLiteral("Reading or writing %1 failed (%2).").arg(path_, detail)};
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_READONLY:
            return {StoreErrorCode::Io,
                    QStringLiteral("Cannot open %1 for writing (%2).").arg(path_, detail)};
        default:
            return {StoreErrorCode::Internal,
                    QStringLiteral("Database error in %1: %2.").arg(path_, detail)};
    }
}

StoreResult<void> Database::verify() {
    TANDEM_TRY_ASSIGN(const QString check, queryText("PRAGMA quick_check(1);"));
    if (check != QLatin1String("ok")) {
        failed_ = true;
        return storeError(
            StoreErrorCode::DatabaseCorrupted,
            QStringLiteral("The database file %1 is damaged (%2).").arg(path_, check));
    }
    return {};
}

StoreResult<Statement*> Database::prepare(std::string_view sql) {
    if (db_ == nullptr) {
        return storeError(StoreErrorCode::Closed, QStringLiteral("The database is closed."));
    }
    if (auto it = statements_.find(sql); it != statements_.end()) {
        it->second->statement->reset();
        return it->second->statement.get();
    }
    auto entry = std::make_unique<CachedStatement>();
    entry->sql.assign(sql);
    sqlite3_stmt* stmt = nullptr;
    // sqlite3_prepare_v3 needs SQLite 3.20; SQLCipher 3.4 is SQLite 3.15.
    const int rc = sql_->sqlite3_prepare_v2(db_, entry->sql.data(),
                                            static_cast<int>(entry->sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
        return unexpected(errorFor(rc, sql));
    }
    entry->statement = std::make_unique<Statement>(*this, stmt);
    Statement* result = entry->statement.get();
    const std::string_view key = entry->sql;
    statements_.emplace(key, std::move(entry));
    return result;
}

StoreResult<void> Database::exec(std::string_view sql) {
    if (db_ == nullptr) {
        return storeError(StoreErrorCode::Closed, QStringLiteral("The database is closed."));
    }
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sql_->sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    sql_->sqlite3_free(message);
    if (rc != SQLITE_OK) {
        const int extended = sql_->sqlite3_extended_errcode(db_);
        return unexpected(errorFor(extended != SQLITE_OK ? extended : rc, sql));
    }
    return {};
}

StoreResult<std::int64_t> Database::queryInt(std::string_view sql) {
    TANDEM_TRY_ASSIGN(Statement * stmt, prepare(sql));
    TANDEM_TRY_ASSIGN(const bool row, stmt->step());
    const std::int64_t value = row ? stmt->int64(0) : 0;
    stmt->reset();
    return value;
}

StoreResult<QString> Database::queryText(std::string_view sql) {
    TANDEM_TRY_ASSIGN(Statement * stmt, prepare(sql));
    TANDEM_TRY_ASSIGN(const bool row, stmt->step());
    QString value = row ? stmt->text(0) : QString();
    stmt->reset();
    return value;
}

std::int64_t Database::lastInsertRowId() const {
    return sql_->sqlite3_last_insert_rowid(db_);
}

int Database::totalChanges() const {
    return sql_->sqlite3_total_changes(db_);
}

int Database::changes() const {
    return sql_->sqlite3_changes(db_);
}

bool Database::inTransaction() const {
    return db_ != nullptr && sql_->sqlite3_get_autocommit(db_) == 0;
}

// ---- Transaction ------------------------------------------------------------------------

StoreResult<Transaction> Transaction::begin(Database& db, Kind kind) {
    if (db.failed()) {
        return storeError(StoreErrorCode::DatabaseCorrupted,
                          QStringLiteral("The database file %1 is damaged; Tandem will not "
                                         "write to it.")
                              .arg(db.path()));
    }
    TANDEM_TRY(db.exec(kind == Kind::Immediate ? "BEGIN IMMEDIATE;" : "BEGIN DEFERRED;"));
    return Transaction(&db);
}

StoreResult<void> Transaction::commit() {
    Database* db = db_;
    db_ = nullptr;
    if (db == nullptr) {
        return storeError(StoreErrorCode::Internal, QStringLiteral("Transaction already ended."));
    }
    if (auto result = db->exec("COMMIT;"); !result) {
        if (db->inTransaction()) {
            (void)db->exec("ROLLBACK;");
        }
        return result;
    }
    return {};
}

Transaction::~Transaction() {
    if (db_ != nullptr && db_->inTransaction()) {
        (void)db_->exec("ROLLBACK;");
    }
}

// ---- Savepoint --------------------------------------------------------------------------

StoreResult<Savepoint> Savepoint::begin(Database& db) {
    if (!db.inTransaction()) {
        return storeError(StoreErrorCode::Internal,
                          QStringLiteral("A savepoint needs a running transaction."));
    }
    TANDEM_TRY(db.exec("SAVEPOINT tandem_step;"));
    return Savepoint(&db);
}

StoreResult<void> Savepoint::release() {
    Database* db = std::exchange(db_, nullptr);
    if (db == nullptr) {
        return storeError(StoreErrorCode::Internal, QStringLiteral("Savepoint already ended."));
    }
    return db->exec("RELEASE tandem_step;");
}

StoreResult<void> Savepoint::undo() {
    Database* db = std::exchange(db_, nullptr);
    if (db == nullptr) {
        return storeError(StoreErrorCode::Internal, QStringLiteral("Savepoint already ended."));
    }
    TANDEM_TRY(db->exec("ROLLBACK TO tandem_step;"));
    return db->exec("RELEASE tandem_step;");
}

Savepoint::~Savepoint() {
    if (db_ != nullptr && db_->inTransaction()) {
        (void)db_->exec("ROLLBACK TO tandem_step;");
        (void)db_->exec("RELEASE tandem_step;");
    }
}

}  // namespace tandem::storage
