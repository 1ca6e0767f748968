// What the repository tests share: a new SQLCipher database with the current schema for each
// test and its repositories, a result unwrapped or its error expected, and a text message.
#pragma once

#include <memory>

#include <QString>
#include <QTemporaryDir>

#include "storage/Database.h"
#include "storage/Repositories.h"

namespace tandem::test {

// The value of a result that must not fail (the test stops if it does).
template <class T>
T ok(storage::StoreResult<T> result) {
    if (!result) {
        qFatal("unexpected error: %s", qPrintable(result.error().message));
    }
    if constexpr (!std::is_void_v<T>) {
        return std::move(result).value();
    }
}

// The error code of a result that must fail.
template <class T>
storage::StoreErrorCode errorOf(const storage::StoreResult<T>& result) {
    if (result) {
        qFatal("expected an error");
    }
    return result.error().code;
}

storage::SharedSecret secret(const char* text);

storage::Message textMessage(std::int64_t conversationId, const QString& body,
                             storage::Direction direction, std::int64_t sentAt);

// A base of the test classes (beside QObject): their init() opens, cleanup() closes.
class RepositoryFixture {
protected:
    QTemporaryDir dir_;
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<storage::Repositories> r_;
    int counter_ = 0;

    // A new database file under a random key, the schema created, its repositories.
    void openDatabase();
    void closeDatabase();

    // Pages written since the database was opened: each commit appends one WAL frame per page
    // it changed (no checkpoint happens in a test this small).
    [[nodiscard]] qint64 walFrames() const;

    storage::Contact contact(storage::Mode mode = storage::Mode::Signal,
                             const QString& address = QStringLiteral("+15550001"));
};

}  // namespace tandem::test
