// SqlCipher: the SQLCipher library, loaded at run time instead of at exec.
//
// libsqlcipher and the OpenSSL libcrypto it needs are the heaviest libraries Tandem loads
// (≈ 4 ms of ld.so's mapping and relocating before `main`, measured in BENCHMARKS.md, issue
// 20). Nothing needs them before the first database opens, so they are not linked: the first
// call to get() — from any thread; Database::open makes it, on the storage thread in the app
// — dlopens libsqlcipher.so.0 and takes the functions Database calls from it. Debian's
// packages name the library in Depends themselves (packaging/CMakeLists.txt), since
// dpkg-shlibdeps no longer sees it.
//
// The library's own calls between its functions go through its PLT, resolved in the process's
// global scope: were another SQLite (libsqlite3) loaded there first, SQLCipher would call into
// it with its own handles. get() checks that the global scope resolves to SQLCipher and
// refuses otherwise; it loads with RTLD_GLOBAL so that anything loaded later finds SQLCipher
// first, as it did when the library was linked.
#pragma once

#include <sqlite3.h>

#include "storage/StoreError.h"

#ifndef SQLITE_HAS_CODEC
#error "SQLCipher's sqlite3.h with SQLITE_HAS_CODEC is needed (sqlite3_key)"
#endif

// Every SQLCipher function Tandem calls. A function added here is looked up at load, and a
// library without it is refused as a whole.
#define TANDEM_SQLCIPHER_FUNCTIONS(X) \
    X(sqlite3_bind_blob64)            \
    X(sqlite3_bind_double)            \
    X(sqlite3_bind_int64)             \
    X(sqlite3_bind_null)              \
    X(sqlite3_bind_text64)            \
    X(sqlite3_busy_timeout)           \
    X(sqlite3_changes)                \
    X(sqlite3_clear_bindings)         \
    X(sqlite3_close)                  \
    X(sqlite3_close_v2)               \
    X(sqlite3_column_blob)            \
    X(sqlite3_column_bytes)           \
    X(sqlite3_column_double)          \
    X(sqlite3_column_int64)           \
    X(sqlite3_column_text)            \
    X(sqlite3_column_type)            \
    X(sqlite3_errmsg)                 \
    X(sqlite3_errstr)                 \
    X(sqlite3_exec)                   \
    X(sqlite3_extended_errcode)       \
    X(sqlite3_extended_result_codes)  \
    X(sqlite3_finalize)               \
    X(sqlite3_free)                   \
    X(sqlite3_get_autocommit)         \
    X(sqlite3_key)                    \
    X(sqlite3_last_insert_rowid)      \
    X(sqlite3_open_v2)                \
    X(sqlite3_prepare_v2)             \
    X(sqlite3_reset)                  \
    X(sqlite3_sql)                    \
    X(sqlite3_step)                   \
    X(sqlite3_total_changes)

namespace tandem::storage {

struct SqlCipher {
    // The library, loaded on the first call (thread-safe: a second thread calling meanwhile
    // waits for the first) and kept to the process's end. The error, the same on every later
    // call, says which library or function was missing; nothing is opened without it.
    static StoreResult<const SqlCipher*> get();

    // Frees OpenSSL's state for the calling thread, if SQLCipher was loaded (the storage
    // thread calls it before it ends: Store.cpp).
    static void releaseThreadState();

#define TANDEM_SQLCIPHER_POINTER(name) decltype(&::name) name = nullptr;
    TANDEM_SQLCIPHER_FUNCTIONS(TANDEM_SQLCIPHER_POINTER)
#undef TANDEM_SQLCIPHER_POINTER
};

}  // namespace tandem::storage
