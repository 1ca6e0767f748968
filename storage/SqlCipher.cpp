#include "storage/SqlCipher.h"

#include <dlfcn.h>

#include <QString>

#include "storage/StorageLog.h"

namespace tandem::storage {

namespace {

// The soname of Debian 12's libsqlcipher0 (SQLCipher 3.4, SQLite 3.15).
constexpr const char* kLibrary = "libsqlcipher.so.0";

struct Loaded {
    SqlCipher functions;
    QString error;  // empty once loaded
};

QString dlError() {
    const char* text = dlerror();
    return text != nullptr ? QString::fromLocal8Bit(text) : QStringLiteral("unknown error");
}

// The file a symbol's address lies in, for the message when another SQLite wins.
QString fileOf(void* address) {
    Dl_info info{};
    if (dladdr(address, &info) != 0 && info.dli_fname != nullptr) {
        return QString::fromLocal8Bit(info.dli_fname);
    }
    return QStringLiteral("an unknown library");
}

Loaded load() {
    Loaded loaded;
    // Never closed: the functions are used to the process's end.
    void* handle = dlopen(kLibrary, RTLD_NOW | RTLD_GLOBAL);
    if (handle == nullptr) {
        loaded.error = QStringLiteral("SQLCipher could not be loaded (%1).").arg(dlError());
        return loaded;
    }
    const char* missingName = nullptr;
#define TANDEM_SQLCIPHER_LOOKUP(name)                                                    \
    if (void* address = dlsym(handle, #name); address != nullptr) {                      \
        loaded.functions.name = reinterpret_cast<decltype(&::name)>(address); /*NOLINT*/ \
    } else if (missingName == nullptr) {                                                 \
        missingName = #name;                                                             \
    }
    TANDEM_SQLCIPHER_FUNCTIONS(TANDEM_SQLCIPHER_LOOKUP)
#undef TANDEM_SQLCIPHER_LOOKUP
    if (missingName != nullptr) {
        loaded.error = QStringLiteral("%1 has no %2: not the SQLCipher Tandem was built for.")
                           .arg(QString::fromLatin1(kLibrary), QString::fromLatin1(missingName));
        loaded.functions = {};
        return loaded;
    }
    // SQLCipher's calls to its own functions resolve in the global scope (see the header):
    // the scope must give SQLCipher's, not another SQLite loaded before it.
    void* global = dlsym(RTLD_DEFAULT, "sqlite3_prepare_v2");
    if (global != reinterpret_cast<void*>(loaded.functions.sqlite3_prepare_v2)) {  // NOLINT
        loaded.error = QStringLiteral(
                           "Another SQLite library (%1) was loaded into Tandem before "
                           "SQLCipher; the encrypted store cannot be used beside it.")
                           .arg(global != nullptr ? fileOf(global) : QStringLiteral("none"));
        loaded.functions = {};
        return loaded;
    }
    return loaded;
}

const Loaded& library() {
    static const Loaded loaded = load();
    return loaded;
}

}  // namespace

StoreResult<const SqlCipher*> SqlCipher::get() {
    const Loaded& loaded = library();
    if (!loaded.error.isEmpty()) {
        qCWarning(lcStorage).noquote() << loaded.error;
        return storeError(StoreErrorCode::Internal, loaded.error);
    }
    return &loaded.functions;
}

void SqlCipher::releaseThreadState() {
    // Only if the library is loaded already: never load it to free nothing.
    void* crypto = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_NOLOAD);
    if (crypto == nullptr) {
        return;
    }
    using ThreadStop = void (*)();
    if (auto* stop = reinterpret_cast<ThreadStop>(dlsym(crypto, "OPENSSL_thread_stop"));  // NOLINT
        stop != nullptr) {
        stop();
    }
    dlclose(crypto);  // drops the reference NOLOAD took; the library stays loaded
}

}  // namespace tandem::storage
