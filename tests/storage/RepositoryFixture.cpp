#include "tests/storage/RepositoryFixture.h"

#include <sodium.h>

#include <QFileInfo>

#include "storage/Schema.h"

namespace tandem::test {

using namespace tandem::storage;

SharedSecret secret(const char* text) {
    return makeSecret(SecretBytes::fromString(text));
}

Message textMessage(std::int64_t conversationId, const QString& body, Direction direction,
                    std::int64_t sentAt) {
    Message m;
    m.conversationId = conversationId;
    m.uid = MessageUid::random();
    m.direction = direction;
    m.body = body;
    m.status = direction == Direction::Outgoing ? MessageStatus::Pending : MessageStatus::Received;
    m.sentAt = sentAt;
    return m;
}

void RepositoryFixture::openDatabase() {
    SecretBytes key(32);
    randombytes_buf(key.data(), key.size());
    DatabaseOptions options;
    options.create = true;
    db_ =
        ok(Database::open(dir_.filePath(QStringLiteral("r%1.db").arg(++counter_)), &key, options));
    ok(createFreshSchema(*db_));
    r_ = std::make_unique<Repositories>(*db_);
}

void RepositoryFixture::closeDatabase() {
    r_.reset();
    db_.reset();
}

qint64 RepositoryFixture::walFrames() const {
    const qint64 bytes = QFileInfo(db_->path() + QStringLiteral("-wal")).size();
    return bytes <= 32 ? 0 : (bytes - 32) / (4096 + 24);  // the header, then page + frame header
}

Contact RepositoryFixture::contact(Mode mode, const QString& address) {
    return ok(r_->contacts.add(mode, address, QStringLiteral("Bob"), 100));
}

}  // namespace tandem::test
