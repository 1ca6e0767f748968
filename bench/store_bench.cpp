// store_bench: the encrypted store against its baselines, side by side in one run.
//
// Workloads (N messages into one conversation, fresh database each time):
//   store       the store engine (MessageRepository: dedupe lookup + insert)
//   bare        a bare prepared-INSERT loop on the same schema and pragmas: the engine's limit
// each on SQLCipher (encrypted, the real thing) and on plain SQLite (the same SQLite 3.15.2
// inside libsqlcipher, no key: no codec), each batched (1000 per transaction) and with one
// transaction per message. Then: unlock + open a 100k-message profile and load the newest
// 50 messages, with the OS page cache dropped first when permitted (root).
//
// Repetitions are interleaved so every variant sees the same machine state; medians are
// reported. Usage: store_bench [--messages N] [--reps R] [--single N] [--open-reps R]
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <sodium.h>
#include <sqlite3.h>
#include <vector>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>

#include "storage/Database.h"
#include "storage/Keychain.h"
#include "storage/Profile.h"
#include "storage/Repositories.h"
#include "storage/Schema.h"

using namespace tandem;
using namespace tandem::storage;

namespace {

constexpr int kBatch = 1000;

struct Options {
    int messages = 100000;
    int single = 100000;  // messages for the one-transaction-each workloads
    int reps = 5;
    int openReps = 9;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

void must(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "store_bench: %s failed\n", what);
        std::exit(1);
    }
}

template <class T>
T must(StoreResult<T> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "store_bench: %s: %s\n", what, qPrintable(r.error().message));
        std::exit(1);
    }
    if constexpr (!std::is_void_v<T>) {
        return std::move(r).value();
    }
}

// Message bodies like real chat: 20..140 characters.
std::vector<QString> makeBodies(int n) {
    static const QString words[] = {"hey",   "see",    "you",   "at",     "the",   "station",
                                    "later", "sounds", "good",  "thanks", "🚲",     "tomorrow",
                                    "what",  "about",  "lunch", "ok",     "sure!", "meeting"};
    std::vector<QString> bodies;
    bodies.reserve(static_cast<std::size_t>(n));
    std::uint32_t seed = 12345;
    for (int i = 0; i < n; ++i) {
        QString text;
        seed = seed * 1664525u + 1013904223u;
        const int target = 20 + static_cast<int>(seed % 120);
        while (text.size() < target) {
            seed = seed * 1664525u + 1013904223u;
            text += words[seed % 18] + u' ';
        }
        bodies.push_back(text.trimmed());
    }
    return bodies;
}

std::unique_ptr<Database> freshDatabase(const QString& path, bool encrypted) {
    SecretBytes key(32);
    randombytes_buf(key.data(), key.size());
    DatabaseOptions options;
    options.create = true;
    auto db = must(Database::open(path, encrypted ? &key : nullptr, options), "open");
    must(createFreshSchema(*db), "schema");
    return db;
}

std::int64_t noteToSelf(Database& db) {
    return must(ConversationRepository(db).noteToSelf(1), "conversation").id;
}

// The store engine: MessageRepository::insert per message.
double runStore(Database& db, const std::vector<QString>& bodies, int count, int perTransaction) {
    const std::int64_t conversation = noteToSelf(db);
    MessageRepository messages(db);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; i += perTransaction) {
        auto tx = must(Transaction::begin(db), "begin");
        for (int j = i; j < std::min(count, i + perTransaction); ++j) {
            Message m;
            m.conversationId = conversation;
            m.uid = MessageUid::generate(1700000000000 + j);
            m.direction = Direction::Outgoing;
            m.body = bodies[static_cast<std::size_t>(j)];
            m.status = MessageStatus::Sent;
            m.sentAt = 1700000000000 + j;
            m.acceptedAt = m.sentAt + 5;
            must(messages.insert(m), "insert");
        }
        must(tx.commit(), "commit");
    }
    return static_cast<double>(timer.nsecsElapsed()) / 1e9;
}

// The engine's limit: one prepared INSERT, raw C API, same schema and pragmas.
double runBare(Database& db, const std::vector<QString>& bodies, int count, int perTransaction) {
    const std::int64_t conversation = noteToSelf(db);
    sqlite3* h = db.handle();
    sqlite3_stmt* stmt = nullptr;
    must(sqlite3_prepare_v2(h,
                            "INSERT INTO messages (conversation_id, uid, direction, kind, body, "
                            "status, sent_at, accepted_at) VALUES (?, ?, 0, 1, ?, 1, ?, ?)",
                            -1, &stmt, nullptr) == SQLITE_OK,
         "prepare");
    std::vector<QByteArray> utf8;
    utf8.reserve(bodies.size());
    for (const QString& b : bodies) {
        utf8.push_back(b.toUtf8());
    }
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; i += perTransaction) {
        must(sqlite3_exec(h, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK, "begin");
        for (int j = i; j < std::min(count, i + perTransaction); ++j) {
            const MessageUid generated = MessageUid::generate(1700000000000 + j);
            const unsigned char* uid = generated.bytes.data();
            const QByteArray& body = utf8[static_cast<std::size_t>(j)];
            sqlite3_bind_int64(stmt, 1, conversation);
            sqlite3_bind_blob(stmt, 2, uid, 16, SQLITE_TRANSIENT);
            sqlite3_bind_text(stmt, 3, body.constData(), static_cast<int>(body.size()),
                              SQLITE_STATIC);
            sqlite3_bind_int64(stmt, 4, 1700000000000 + j);
            sqlite3_bind_int64(stmt, 5, 1700000000005 + j);
            must(sqlite3_step(stmt) == SQLITE_DONE, "step");
            sqlite3_reset(stmt);
        }
        must(sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK, "commit");
    }
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    sqlite3_finalize(stmt);
    return seconds;
}

bool dropPageCache() {
    ::sync();
    QFile f(QStringLiteral("/proc/sys/vm/drop_caches"));
    return f.open(QIODevice::WriteOnly) && f.write("3\n") == 2;
}

}  // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    must(sodium_init() >= 0, "sodium_init");
    Options o;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        const int value = args[i + 1].toInt();
        if (args[i] == QLatin1String("--messages"))
            o.messages = value;
        else if (args[i] == QLatin1String("--reps"))
            o.reps = value;
        else if (args[i] == QLatin1String("--single"))
            o.single = value;
        else if (args[i] == QLatin1String("--open-reps"))
            o.openReps = value;
    }
    QTextStream out(stdout);
    out << "store_bench: " << o.messages << " messages batched (" << kBatch << "/transaction), "
        << o.single << " one transaction each, " << o.reps << " interleaved repetitions\n"
        << "SQLCipher " << sqlite3_libversion() << " (SQLite engine), page size 4096, WAL, "
        << "synchronous=NORMAL, secure_delete=ON, foreign_keys=ON\n\n";
    out.flush();

    const auto bodies = makeBodies(std::max(o.messages, o.single));
    QTemporaryDir dir;
    struct Variant {
        const char* name;
        bool encrypted;
        bool store;
        bool batched;
    };
    const std::vector<Variant> variants = {
        {"store  SQLCipher  batched", true, true, true},
        {"bare   SQLCipher  batched", true, false, true},
        {"store  plain      batched", false, true, true},
        {"bare   plain      batched", false, false, true},
        {"store  SQLCipher  1/txn  ", true, true, false},
        {"bare   SQLCipher  1/txn  ", true, false, false},
        {"store  plain      1/txn  ", false, true, false},
        {"bare   plain      1/txn  ", false, false, false},
    };
    std::map<std::string, std::vector<double>> rates;
    int file = 0;
    for (int rep = 0; rep < o.reps; ++rep) {
        for (const Variant& v : variants) {
            const QString path = dir.filePath(QStringLiteral("b%1.db").arg(++file));
            auto db = freshDatabase(path, v.encrypted);
            const int count = v.batched ? o.messages : o.single;
            const int per = v.batched ? kBatch : 1;
            const double s =
                v.store ? runStore(*db, bodies, count, per) : runBare(*db, bodies, count, per);
            rates[v.name].push_back(count / s);
            db.reset();
            for (const char* suffix : {"", "-wal", "-shm"}) {
                QFile::remove(path + QLatin1String(suffix));
            }
        }
        out << "  repetition " << rep + 1 << "/" << o.reps << " done\n";
        out.flush();
    }
    out << "\ninsert throughput, messages/s (median of " << o.reps << "; min … max)\n";
    for (const Variant& v : variants) {
        auto& r = rates[v.name];
        out << "  " << v.name << "  " << qSetFieldWidth(9) << qRound(median(r)) << qSetFieldWidth(0)
            << "   (" << qRound(*std::min_element(r.begin(), r.end())) << " … "
            << qRound(*std::max_element(r.begin(), r.end())) << ")\n";
    }
    const auto m = [&](const char* name) { return median(rates[name]); };
    out << "\nratios (medians)\n"
        << "  store/bare, SQLCipher, batched:     "
        << QString::number(m("store  SQLCipher  batched") / m("bare   SQLCipher  batched"), 'f', 2)
        << "\n"
        << "  store/bare, SQLCipher, 1/txn:       "
        << QString::number(m("store  SQLCipher  1/txn  ") / m("bare   SQLCipher  1/txn  "), 'f', 2)
        << "\n"
        << "  plain/SQLCipher, bare, batched:     "
        << QString::number(m("bare   plain      batched") / m("bare   SQLCipher  batched"), 'f', 2)
        << "\n"
        << "  plain/SQLCipher, store, batched:    "
        << QString::number(m("store  plain      batched") / m("store  SQLCipher  batched"), 'f', 2)
        << "\n"
        << "  plain/SQLCipher, bare, 1/txn:       "
        << QString::number(m("bare   plain      1/txn  ") / m("bare   SQLCipher  1/txn  "), 'f', 2)
        << "\n";
    out.flush();

    // ---- open a 100k-message profile, load the newest 50 -----------------------------------
    const QString profileDir = dir.filePath(QStringLiteral("profile"));
    const SecretBytes passphrase = SecretBytes::fromString("bench passphrase");
    {
        auto opened =
            must(Profile::create(profileDir, {KeyProtection::Passphrase, &passphrase},
                                 KdfParams::forStrength(KdfStrength::Moderate), Keychain()),
                 "create profile");
        runStore(*opened.db, bodies, std::min<int>(o.messages, static_cast<int>(bodies.size())),
                 kBatch);
        must(opened.db->close(), "close");
    }
    const qint64 dbBytes = QFileInfo(ProfileFiles(profileDir).database).size();
    const Unlock unlockWith{KeyProtection::Passphrase, &passphrase};
    const auto keyFileBytes = [&] {
        QFile f(ProfileFiles(profileDir).keyFile);
        must(f.open(QIODevice::ReadOnly), "read key file");
        return f.readAll();
    }();
    const auto keyFile = must(
        [&]() -> StoreResult<KeyFile> {
            auto parsed = KeyFile::parse(std::span<const std::uint8_t>(
                reinterpret_cast<const std::uint8_t*>(keyFileBytes.constData()),
                static_cast<std::size_t>(keyFileBytes.size())));
            if (!parsed) {
                return storeError(StoreErrorCode::KeyFileCorrupted, parsed.error());
            }
            return std::move(parsed).value();
        }(),
        "parse key file");
    std::vector<double> unlock, open, page, scroll, check;
    bool cold = true;
    for (int rep = 0; rep < o.openReps; ++rep) {
        // 1. A cold open after a clean shutdown, then the first screen of the timeline.
        cold = dropPageCache() && cold;
        QElapsedTimer t;
        t.start();
        auto opened = must(Profile::open(profileDir, unlockWith, Keychain()), "open profile");
        const double total = static_cast<double>(t.nsecsElapsed()) / 1e6;
        Repositories r(*opened.db);
        const auto conversation = must(r.conversations.findNoteToSelf(), "find");
        must(conversation.has_value(), "a conversation");
        t.restart();
        const auto newest = must(r.messages.newest(conversation->id, 50), "newest");
        page.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
        must(newest.size() == 50, "50 messages");
        t.restart();
        (void)must(r.messages.before(conversation->id, newest.front().id, 50), "before");
        scroll.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
        // 2. What an unclean shutdown adds to the open: a full quick_check.
        t.restart();
        must(opened.db->verify(), "verify");
        check.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
        must(opened.db->close(), "close");
        opened = OpenProfile{};
        // 3. The key derivation alone, to split the open into unlock and database.
        t.restart();
        must(keyFile.unwrap(passphrase).has_value(), "unwrap");
        const double unwrapMs = static_cast<double>(t.nsecsElapsed()) / 1e6;
        unlock.push_back(unwrapMs);
        open.push_back(total - unwrapMs);
    }
    out << "\nopen a profile with " << o.messages << " messages (" << dbBytes / (1024 * 1024)
        << " MiB database), median of " << o.openReps << ", OS page cache "
        << (cold ? "dropped before each open" : "NOT dropped (needs root)") << "\n"
        << "  unlock: Argon2id (moderate) + unwrap           "
        << QString::number(median(unlock), 'f', 1) << " ms\n"
        << "  open the database after a clean shutdown       "
        << QString::number(median(open), 'f', 1) << " ms\n"
        << "  newest 50 messages, right after the cold open   "
        << QString::number(median(page), 'f', 3) << " ms\n"
        << "  the 50 before those (scrolling up)              "
        << QString::number(median(scroll), 'f', 3) << " ms\n"
        << "  quick_check (added to the open after a crash)   "
        << QString::number(median(check), 'f', 1) << " ms\n";
    return 0;
}
