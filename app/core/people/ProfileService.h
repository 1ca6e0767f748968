// ProfileService (docs/people.md): the user's profile published in each mode, and contacts'
// profiles fetched.
//
// Publishing: a change of name or avatar moves the profile's version on; each mode's record
// (OwnProfile.h) is sealed, signed and put on that mode's network (the relay, or the onion
// network's swarm) when the mode is online, and once it is stored there every accepted
// contact of the mode gets a ProfileUpdate carrying the new reference. Until then messages
// carry the reference to the version already stored, so no contact is told of a version it
// cannot fetch.
//
// Fetching: a contact's message that names a record or version we have not fetched marks the
// profile wanted (ContentHandler); it is fetched through the contact's mode, its owner and
// signature checked, opened with the key the contact gave, its name checked like a name the
// user types and its avatar like a picture from a stranger (ProfileImages.h), and kept.
// A failed fetch is tried again when the mode comes online or after kRetryMs.
#pragma once

#include <optional>
#include <set>

#include <QFuture>
#include <QObject>
#include <QTimer>

#include "app/core/CoreError.h"
#include "app/core/TransportRequests.h"
#include "app/core/people/OwnProfile.h"
#include "storage/Store.h"

namespace tandem::core {

class ProfileService : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxFetching = 4;
    static constexpr int kRetryMs = 60 * 1000;

    ProfileService(storage::Store& store, const Channels& channels, QObject* parent = nullptr);
    ~ProfileService() override;

    QFuture<CoreResult<people::OwnProfile>> profile();
    // Sets the name and/or the avatar (an image file's bytes, made small here; empty: none),
    // then publishes in every mode that is online.
    QFuture<CoreResult<people::OwnProfile>> setProfile(const std::optional<QString>& name,
                                                       const std::optional<QByteArray>& image);
    // Publishes the mode's record if it is behind the profile (at start, and when the mode
    // comes online).
    void publish(storage::Mode mode);
    // New record keys for the mode, published at once: whoever held the old reference (a
    // contact the user blocked) sees no later change.
    void rotate(storage::Mode mode);
    // Fetches every profile announced and not fetched yet.
    void fetchWanted();
    [[nodiscard]] bool isIdle() const { return publishing_.empty() && fetching_.empty(); }

signals:
    void contactChanged(const tandem::storage::Contact& contact);
    void profileChanged(const tandem::core::people::OwnProfile& profile);
    void queued();  // ProfileUpdates to send
    void settled();

private:
    struct Prepared;
    void published(storage::Mode mode, const Prepared& prepared);
    void fetch(const storage::Contact& contact);
    void fetched(const storage::Contact& contact, const crypto::SignedRecord& record);
    void fetchDone(std::int64_t contactId, bool failed);
    void settle();

    storage::Store& store_;
    const Channels& channels_;
    ModeRequests requests_;
    std::set<storage::Mode> publishing_;
    std::set<storage::Mode> again_;  // changed while publishing: publish once more after
    std::set<std::int64_t> fetching_;
    bool fetchAgain_ = false;
    QTimer retry_;
};

}  // namespace tandem::core
