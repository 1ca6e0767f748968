#include "tests/e2e/SignalE2eUser.h"

#include "tests/support/TestSupport.h"

namespace tandem::test {

using namespace tandem::storage;

QStringList SignalE2eUser::history(const QString& with) {
    QStringList out;
    const auto messages =
        test::await(store->read([with](Repositories& r) -> StoreResult<std::vector<Message>> {
            TANDEM_TRY_ASSIGN(const auto contact, r.contacts.find(Mode::Signal, with));
            if (!contact) {
                return std::vector<Message>();
            }
            TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.forContact(contact->id, 0));
            return r.messages.newest(c.id, 100);
        }));
    for (const Message& m : messages.value()) {
        out << m.body;
    }
    return out;
}

std::int64_t SignalE2eUser::count(Direction direction) {
    return test::await(store->read([direction](Repositories& r) -> StoreResult<std::int64_t> {
               return r.db.queryInt(direction == Direction::Incoming
                                        ? "SELECT count(*) FROM messages WHERE direction = 1"
                                        : "SELECT count(*) FROM messages WHERE direction = 0");
           }))
        .value();
}

std::int64_t SignalE2eUser::countWithStatus(MessageStatus status) {
    return test::await(store->read([status](Repositories& r) -> StoreResult<std::int64_t> {
               auto stmt = r.db.prepare("SELECT count(*) FROM messages WHERE status = ?");
               if (!stmt) {
                   return unexpected(stmt.error());
               }
               (*stmt)->bind(1, static_cast<std::int64_t>(status));
               TANDEM_TRY((*stmt)->step());
               return (*stmt)->int64(0);
           }))
        .value();
}

core::NetworkConfig networkOf(const RelayProcess& relay, const QString& path) {
    return core::NetworkConfig::load(relay.writeNetworkJson(path)).value();
}

}  // namespace tandem::test
