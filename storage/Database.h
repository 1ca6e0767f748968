// Database: one SQLCipher connection (C API), prepared-statement cache and transactions.
//
// Contract: a Database is used from one thread at a time (the storage thread). Every failure
// comes back as a StoreError whose message names the database file. Once SQLite reports
// corruption the connection refuses further writes, so a damaged file is never made worse.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include <QByteArray>
#include <QString>

#include <tandem/common/SecretBytes.h>

#include "storage/StoreError.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tandem::storage {

class Database;
struct SqlCipher;

// A prepared statement owned by the Database's cache. Bind parameters are 1-based, columns
// 0-based, as in SQLite. reset() is called automatically when the statement is fetched again.
class Statement {
public:
    Statement(Database& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
    Statement& bind(int index, double value);
    Statement& bind(int index, const QString& text);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::span<const std::uint8_t> blob);
    Statement& bind(int index, const QByteArray& blob);
    Statement& bindNull(int index);
    template <class T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bindNull(index);
    }
    // Binds every argument in order, starting at parameter 1.
    template <class... Args>
    Statement& bindAll(const Args&... args) {
        int index = 1;
        (bind(index++, args), ...);
        return *this;
    }

    // Steps once: true when a row is available, false when done.
    StoreResult<bool> step();
    // Runs to completion, ignoring rows.
    StoreResult<void> run();

    [[nodiscard]] bool isNull(int column) const;
    [[nodiscard]] std::int64_t int64(int column) const;
    [[nodiscard]] std::optional<std::int64_t> optInt64(int column) const;
    [[nodiscard]] double real(int column) const;
    [[nodiscard]] QString text(int column) const;
    [[nodiscard]] QByteArray blob(int column) const;
    [[nodiscard]] std::span<const std::uint8_t> blobView(int column) const;

    void reset();

private:
    Database& db_;
    sqlite3_stmt* stmt_;
    int bindError_ = 0;
};

struct DatabaseOptions {
    bool create = false;  // create the file if missing (only Profile::create does)
    bool readOnly = false;
    int busyTimeoutMs = 5000;  // explicit limit on waiting for another connection's lock
};

class Database {
public:
    // Opens `path`. With `key` (32 raw bytes) the file is SQLCipher-encrypted; a null key
    // opens plain SQLite, which only benchmarks use as a baseline. The key is handed to
    // SQLCipher and not kept.
    static StoreResult<std::unique_ptr<Database>> open(const QString& path, const SecretBytes* key,
                                                       const DatabaseOptions& options = {});
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // A cached prepared statement for `sql` (use string literals: the text is the cache key).
    StoreResult<Statement*> prepare(std::string_view sql);
    // Runs one or more statements without results (schema scripts, pragmas).
    StoreResult<void> exec(std::string_view sql);
    // Runs a single-value query, e.g. "PRAGMA user_version".
    StoreResult<std::int64_t> queryInt(std::string_view sql);
    StoreResult<QString> queryText(std::string_view sql);

    [[nodiscard]] std::int64_t lastInsertRowId() const;
    [[nodiscard]] int changes() const;
    // Rows changed since the connection opened (sqlite3_total_changes).
    [[nodiscard]] int totalChanges() const;
    [[nodiscard]] const QString& path() const { return path_; }
    [[nodiscard]] bool inTransaction() const;
    [[nodiscard]] bool failed() const { return failed_; }
    [[nodiscard]] sqlite3* handle() const { return db_; }
    // The library's functions this connection calls (storage/SqlCipher.h).
    [[nodiscard]] const SqlCipher& sql() const { return *sql_; }

    // PRAGMA quick_check: reads every page once. Damage is a DatabaseCorrupted error naming
    // the file, and the connection then refuses writes.
    StoreResult<void> verify();

    // Maps the connection's last error (result code `rc`) to a StoreError naming the file.
    StoreError errorFor(int rc, std::string_view context);

    // Frees cached statements and closes the connection (checkpointing the WAL).
    StoreResult<void> close();

private:
    Database(const SqlCipher& sql, sqlite3* db, QString path)
        : sql_(&sql), db_(db), path_(std::move(path)) {}
    StoreResult<void> configure(const SecretBytes* key, const DatabaseOptions& options);

    const SqlCipher* sql_;
    sqlite3* db_;
    QString path_;
    bool failed_ = false;
    struct CachedStatement {
        std::string sql;  // owns the text the map's key points into
        std::unique_ptr<Statement> statement;
    };
    std::unordered_map<std::string_view, std::unique_ptr<CachedStatement>> statements_;
};

// RAII transaction: rolls back unless commit() succeeded. BEGIN IMMEDIATE takes the write
// lock up front, so a write transaction never fails half-way on a lock upgrade.
class Transaction {
public:
    enum class Kind { Deferred, Immediate };
    static StoreResult<Transaction> begin(Database& db, Kind kind = Kind::Immediate);
    Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    StoreResult<void> commit();

private:
    explicit Transaction(Database* db) : db_(db) {}
    Database* db_;
};

// A savepoint inside a running transaction: undo() takes back everything written since it
// began (the transaction goes on); release() keeps it. Destroyed without either, it undoes:
// what did not finish leaves nothing behind.
class Savepoint {
public:
    static StoreResult<Savepoint> begin(Database& db);
    Savepoint(Savepoint&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Savepoint& operator=(Savepoint&&) = delete;
    Savepoint(const Savepoint&) = delete;
    Savepoint& operator=(const Savepoint&) = delete;
    ~Savepoint();

    StoreResult<void> release();
    StoreResult<void> undo();

private:
    explicit Savepoint(Database* db) : db_(db) {}
    Database* db_;
};

}  // namespace tandem::storage
