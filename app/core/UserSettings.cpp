#include "app/core/UserSettings.h"

#include "storage/Limits.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

StoreResult<bool> readSwitch(Repositories& r, const char* key, bool fallback) {
    TANDEM_TRY_ASSIGN(const auto stored, r.settings.get(QString::fromLatin1(key)));
    if (!stored) {
        return fallback;
    }
    return *stored != "0";
}

StoreResult<void> writeSwitch(Repositories& r, const char* key, bool on) {
    return r.settings.set(QString::fromLatin1(key), on ? QByteArray("1") : QByteArray("0"));
}

}  // namespace

StoreResult<UserSettings> UserSettings::load(Repositories& r) {
    UserSettings out;
    TANDEM_TRY_ASSIGN(out.previews, readSwitch(r, kPreviewsKey, true));
    TANDEM_TRY_ASSIGN(out.readReceipts, readSwitch(r, kReadReceiptsKey, true));
    TANDEM_TRY_ASSIGN(const auto mode, r.settings.get(QString::fromLatin1(kShownModeKey)));
    TANDEM_TRY_ASSIGN(out.defaultTimer, defaultTimerOf(r));
    if (mode == QByteArray("session")) {
        out.shownMode = Mode::Session;
    } else if (mode == QByteArray("signal")) {
        out.shownMode = Mode::Signal;
    }
    return out;
}

StoreResult<bool> UserSettings::readReceiptsOn(Repositories& r) {
    return readSwitch(r, kReadReceiptsKey, true);
}

StoreResult<void> UserSettings::setPreviews(Repositories& r, bool on) {
    return writeSwitch(r, kPreviewsKey, on);
}

StoreResult<void> UserSettings::setReadReceipts(Repositories& r, bool on) {
    return writeSwitch(r, kReadReceiptsKey, on);
}

StoreResult<std::int64_t> UserSettings::defaultTimerOf(Repositories& r) {
    TANDEM_TRY_ASSIGN(const auto stored, r.settings.get(QString::fromLatin1(kDefaultTimerKey)));
    bool ok = false;
    const qlonglong seconds = stored ? stored->toLongLong(&ok) : 0;
    // Anything else stored (by hand, damaged) reads as off.
    if (!ok || (seconds != 0 && (seconds < limits::kMinExpireTimerSeconds ||
                                 seconds > limits::kMaxExpireTimerSeconds))) {
        return std::int64_t{0};
    }
    return std::int64_t{seconds};
}

StoreResult<void> UserSettings::setDefaultTimer(Repositories& r, std::int64_t seconds) {
    if (seconds != 0 &&
        (seconds < limits::kMinExpireTimerSeconds || seconds > limits::kMaxExpireTimerSeconds)) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("a timer lies between 5 seconds and 4 weeks (or is off)"));
    }
    return r.settings.set(QString::fromLatin1(kDefaultTimerKey), QByteArray::number(seconds));
}

StoreResult<void> UserSettings::setShownMode(Repositories& r, Mode mode) {
    return r.settings.set(QString::fromLatin1(kShownModeKey), modeName(mode).toLower().toUtf8());
}

}  // namespace tandem::core
