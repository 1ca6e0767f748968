#include "app/core/people/PeopleService.h"

#include <QDateTime>

#include "app/core/ContentHandler.h"
#include "app/core/people/OwnProfile.h"
#include "tandem/common/Clock.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

template <class T>
CoreResult<T> toCore(StoreResult<T> r) {
    if (!r) {
        return unexpected(fromStore(r.error()));
    }
    return std::move(r).value();
}

CoreResult<void> toCore(StoreResult<void> r) {
    if (!r) {
        return unexpected(fromStore(r.error()));
    }
    return {};
}

}  // namespace

PeopleService::PeopleService(Store& store, QObject* parent) : QObject(parent), store_(store) {}

QFuture<CoreResult<std::optional<Contact>>> PeopleService::find(Mode mode, const QString& address) {
    return store_.read(
        [mode, address](Repositories& r) { return findContact(r, mode, address); }, this,
        [](StoreResult<std::optional<Contact>> found) { return toCore(std::move(found)); });
}

QFuture<CoreResult<Contact>> PeopleService::accept(std::int64_t contactId) {
    struct Accepted {
        Contact contact;
        bool acceptedNow = false;
        bool told = false;
    };
    return store_.write(
        [contactId](Repositories& r) -> StoreResult<Accepted> {
            Accepted out;
            TANDEM_TRY_ASSIGN(out.contact, r.contacts.get(contactId));
            if (out.contact.blocked) {
                return storeError(StoreErrorCode::InvalidArgument,
                                  QStringLiteral("Unblock them first."));
            }
            if (!out.contact.accepted) {
                TANDEM_TRY(r.contacts.setAccepted(contactId, true));
                out.contact.accepted = true;
                out.acceptedNow = true;
                // Our profile goes to them now (attached when it is sealed).
                TANDEM_TRY_ASSIGN(out.told, people::tellContact(r, out.contact, nowMs()));
            }
            return out;
        },
        this,
        [this](StoreResult<Accepted> accepted) -> CoreResult<Contact> {
            if (!accepted) {
                return unexpected(fromStore(accepted.error()));
            }
            if (accepted->told) {
                emit contactChanged(accepted->contact);
                emit queued();
            }
            if (accepted->acceptedNow) {
                emit requestAccepted(accepted->contact.mode);
            }
            return accepted->contact;
        });
}

QFuture<CoreResult<void>> PeopleService::remove(std::int64_t contactId) {
    return store_.write(
        [contactId](Repositories& r) -> StoreResult<void> {
            // Its conversation and messages go too. Our crypto sessions with them stay (they
            // are by address): their next message still opens, as a new request. A blocked
            // contact's row stays, to remember the block.
            TANDEM_TRY_ASSIGN(const Contact c, r.contacts.get(contactId));
            if (c.blocked) {
                TANDEM_TRY_ASSIGN(const Conversation conversation,
                                  r.conversations.forContact(contactId, nowMs()));
                TANDEM_TRY(r.conversations.remove(conversation.id));
                return {};
            }
            TANDEM_TRY(r.contacts.remove(contactId));
            return {};
        },
        this,
        [this, contactId](StoreResult<void> removed) -> CoreResult<void> {
            if (removed) {
                emit contactRemoved(contactId);
            }
            return toCore(std::move(removed));
        });
}

QFuture<CoreResult<Contact>> PeopleService::block(std::int64_t contactId) {
    return store_.write(
        [contactId](Repositories& r) -> StoreResult<std::pair<Contact, bool>> {
            TANDEM_TRY_ASSIGN(Contact c, r.contacts.get(contactId));
            if (c.blocked) {
                return std::pair(c, false);  // nothing changes (no new keys)
            }
            TANDEM_TRY(r.contacts.setBlocked(contactId, true));
            c.blocked = true;
            if (!c.accepted) {
                // A blocked request vanishes: what they wrote goes with it.
                TANDEM_TRY_ASSIGN(const Conversation conversation,
                                  r.conversations.forContact(contactId, nowMs()));
                TANDEM_TRY(r.conversations.remove(conversation.id));
            }
            return std::pair(c, true);
        },
        this,
        [this](StoreResult<std::pair<Contact, bool>> blocked) -> CoreResult<Contact> {
            if (!blocked) {
                return unexpected(fromStore(blocked.error()));
            }
            if (blocked->second) {
                emit contactChanged(blocked->first);
                emit blockedSomeone(blocked->first.mode);
            }
            return blocked->first;
        });
}

QFuture<CoreResult<Contact>> PeopleService::unblock(std::int64_t contactId) {
    return store_.write(
        [contactId](Repositories& r) -> StoreResult<std::pair<Contact, bool>> {
            TANDEM_TRY(r.contacts.setBlocked(contactId, false));
            TANDEM_TRY_ASSIGN(const Contact c, r.contacts.get(contactId));
            // An accepted contact gets our profile (and access key) again: they hold only the
            // ones from before the block.
            TANDEM_TRY_ASSIGN(const bool told, people::tellContact(r, c, nowMs()));
            return std::pair(c, told);
        },
        this,
        [this](StoreResult<std::pair<Contact, bool>> unblocked) -> CoreResult<Contact> {
            if (!unblocked) {
                return unexpected(fromStore(unblocked.error()));
            }
            emit contactChanged(unblocked->first);
            emit unblockedSomeone();
            if (unblocked->second) {
                emit queued();
            }
            return unblocked->first;
        });
}

QFuture<CoreResult<std::vector<Contact>>> PeopleService::blocked() {
    return store_.read(
        [](Repositories& r) { return r.contacts.blocked(); }, this,
        [](StoreResult<std::vector<Contact>> list) { return toCore(std::move(list)); });
}

}  // namespace tandem::core
