// PeopleService (docs/people.md): message requests and blocking, the same in both modes.
//
// A contact made by someone's first message is a request (Contact::accepted false): it is
// listed apart, nothing of ours goes to them (no profile, no read receipt, no access key), and
// the app does not show its text in notifications. The user accepts it (they become a contact
// like one the user added, and get our profile), deletes it (the contact and its conversation
// go; a later message is a new request), or blocks it.
//
// Blocking works on any contact: their messages are dropped unread, with no receipt; a
// blocked request's conversation is deleted; what we queued for them waits (Outbox::isHeld).
// In Signal mode it also ends their sealed-sender access and their view of our profile: the
// Messenger makes new profile keys and a new access key, given only to the others.
#pragma once

#include <QFuture>
#include <QObject>

#include "app/core/CoreError.h"
#include "storage/Store.h"

namespace tandem::core {

class PeopleService : public QObject {
    Q_OBJECT
public:
    explicit PeopleService(storage::Store& store, QObject* parent = nullptr);

    // The contact a (normalized) address names, if any.
    QFuture<CoreResult<std::optional<storage::Contact>>> find(storage::Mode mode,
                                                              const QString& address);
    QFuture<CoreResult<storage::Contact>> accept(std::int64_t contactId);
    // Deletes the contact and its conversation (our crypto sessions with them stay, so their
    // next message opens — as a new request — as in Signal).
    QFuture<CoreResult<void>> remove(std::int64_t contactId);
    QFuture<CoreResult<storage::Contact>> block(std::int64_t contactId);
    QFuture<CoreResult<storage::Contact>> unblock(std::int64_t contactId);
    QFuture<CoreResult<std::vector<storage::Contact>>> blocked();

signals:
    void contactChanged(const tandem::storage::Contact& contact);
    // A message request was accepted (what they sent while it was one may now be fetched).
    void requestAccepted(tandem::storage::Mode mode);
    void contactRemoved(qint64 contactId);
    void blockedSomeone(tandem::storage::Mode mode);
    void unblockedSomeone();
    void queued();

private:
    storage::Store& store_;
};

}  // namespace tandem::core
