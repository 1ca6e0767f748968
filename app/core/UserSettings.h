// UserSettings: the user's own switches, typed, kept in the profile's settings table — the
// one place that knows their keys and stored form. The app's Settings page and
// `tandemctl settings` read and write them through here; the core reads them where it acts
// (markRead: read receipts).
//
// Stored as text: "1"/"0" for switches (unset means the default), "signal"/"session" for the
// mode last shown. The keys are the stored format's; they never change.
#pragma once

#include <optional>

#include "storage/Repositories.h"

namespace tandem::core {

struct UserSettings {
    // Notifications show who wrote and what (else only that a message came).
    bool previews = true;
    // Contacts are told when their messages are read.
    bool readReceipts = true;
    // The mode the app showed last (nullopt: never chosen).
    std::optional<storage::Mode> shownMode;
    // The disappearing-message timer a conversation the user starts gets (seconds, 0: off;
    // docs/disappearing.md).
    std::int64_t defaultTimer = 0;

    static storage::StoreResult<UserSettings> load(storage::Repositories& r);
    static storage::StoreResult<void> setPreviews(storage::Repositories& r, bool on);
    static storage::StoreResult<void> setReadReceipts(storage::Repositories& r, bool on);
    static storage::StoreResult<void> setShownMode(storage::Repositories& r, storage::Mode mode);
    // 0 or 5 s to 4 weeks; else InvalidArgument.
    static storage::StoreResult<void> setDefaultTimer(storage::Repositories& r,
                                                      std::int64_t seconds);
    static storage::StoreResult<std::int64_t> defaultTimerOf(storage::Repositories& r);
    // Just the read-receipts switch (the core's markRead reads it in its transaction).
    static storage::StoreResult<bool> readReceiptsOn(storage::Repositories& r);

    static constexpr const char* kPreviewsKey = "ui.previews";
    static constexpr const char* kReadReceiptsKey = "privacy.read_receipts";
    static constexpr const char* kShownModeKey = "ui.mode";
    static constexpr const char* kDefaultTimerKey = "privacy.default_timer";
};

}  // namespace tandem::core
