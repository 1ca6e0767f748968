#include "transport/relay/server/RelayRecords.h"

#include <QDateTime>

#include "crypto/QtBytes.h"

namespace tandem::relay {

using daemon::RecordRefusal;
using proto::relay::Error;
using proto::relay::ServerFrame;

RelayRecords::RelayRecords(std::unique_ptr<RecordStore> store, const RelayLimits& limits,
                           RelayClients& clients)
    : limits_(limits), clients_(clients), table_(std::move(store)) {}

void RelayRecords::put(const RelayClient& c, std::uint64_t id, const proto::relay::PutRecord& r) {
    auto bucket = puts_
                      .try_emplace(*c.account, limits_.recordPutsPerSecond,
                                   static_cast<double>(limits_.recordPutBurst))
                      .first;
    if (!bucket->second.take()) {
        return clients_.replyError(c, id, Error::RATE_LIMITED,
                                   QStringLiteral("too many records stored: try again later"));
    }
    if (!r.has_record()) {
        return clients_.replyError(c, id, Error::MALFORMED, QStringLiteral("no record"));
    }
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    const auto stored = table_->put(crypto::fromProto(r.record()), now + daemon::kRecordTtlMs, now);
    if (!stored) {
        const RecordRefusal& refusal = stored.error();
        switch (refusal.reason) {
            case RecordRefusal::Reason::Stale: {
                ServerFrame out;
                auto* e = out.mutable_error();
                e->set_code(Error::STALE_VERSION);
                e->set_message(refusal.message.toStdString());
                e->set_stored_version(refusal.storedVersion);
                return clients_.reply(c, id, out);
            }
            case RecordRefusal::Reason::TooLarge:
                return clients_.replyError(c, id, Error::TOO_LARGE, refusal.message);
            case RecordRefusal::Reason::Full:
            case RecordRefusal::Reason::Unavailable:
                return clients_.replyError(c, id, Error::UNAVAILABLE, refusal.message);
            case RecordRefusal::Reason::Invalid:
                break;
        }
        return clients_.replyError(c, id, Error::MALFORMED, refusal.message);
    }
    ServerFrame out;
    out.mutable_record_stored()->set_version(stored->version);
    clients_.reply(c, id, out);
}

void RelayRecords::get(const RelayClient& c, std::uint64_t id, const proto::relay::GetRecord& r) {
    const QByteArray address = crypto::qbytes(r.address());
    if (address.size() != crypto::kRecordAddressBytes) {
        return clients_.replyError(
            c, id, Error::MALFORMED,
            QStringLiteral("a record address has %1 bytes").arg(crypto::kRecordAddressBytes));
    }
    const auto found = table_->get(address, QDateTime::currentMSecsSinceEpoch());
    if (!found) {
        return clients_.replyError(c, id, Error::UNAVAILABLE, found.error());
    }
    if (!*found) {
        return clients_.replyError(c, id, Error::NOT_FOUND, QStringLiteral("no such record"));
    }
    ServerFrame out;
    *out.mutable_record_data()->mutable_record() = crypto::toProto(**found);
    clients_.reply(c, id, out);
}

}  // namespace tandem::relay
