// settings: the profile's own switches (read receipts, notification previews), the same typed
// settings the app's Settings page writes (app/core/UserSettings.h).
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/Commands.h"
#include "app/core/Await.h"
#include "app/core/Disappearing.h"
#include "app/core/UserSettings.h"

namespace tandem::cli {

using namespace tandem::storage;
using core::awaitFuture;
using core::UserSettings;

namespace {

// "on"/"off" (also "1"/"0", "true"/"false", "yes"/"no"); nullopt otherwise.
std::optional<bool> switchValue(const QString& given) {
    const QString v = given.trimmed().toLower();
    if (v == QLatin1String("on") || v == QLatin1String("1") || v == QLatin1String("true") ||
        v == QLatin1String("yes")) {
        return true;
    }
    if (v == QLatin1String("off") || v == QLatin1String("0") || v == QLatin1String("false") ||
        v == QLatin1String("no")) {
        return false;
    }
    return std::nullopt;
}

int runSettings(CommandContext& ctx) {
    std::optional<bool> readReceipts;
    std::optional<bool> previews;
    for (auto [option, slot] : {std::pair{QStringLiteral("read-receipts"), &readReceipts},
                                std::pair{QStringLiteral("previews"), &previews}}) {
        if (ctx.parser.isSet(option)) {
            *slot = switchValue(ctx.parser.value(option));
            if (!*slot) {
                return usageError(ctx, QStringLiteral("settings"),
                                  QStringLiteral("--%1 takes on or off").arg(option));
            }
        }
    }
    std::optional<std::int64_t> defaultTimer;
    if (ctx.parser.isSet(QStringLiteral("disappearing"))) {
        QString why;
        defaultTimer = core::disappearing::parseDuration(
            ctx.parser.value(QStringLiteral("disappearing")), &why);
        if (!defaultTimer) {
            return usageError(ctx, QStringLiteral("settings"), why);
        }
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const auto now = awaitFuture(store.write(
        [readReceipts, previews, defaultTimer](Repositories& r) -> StoreResult<UserSettings> {
            if (readReceipts) {
                TANDEM_TRY(UserSettings::setReadReceipts(r, *readReceipts));
            }
            if (defaultTimer) {
                TANDEM_TRY(UserSettings::setDefaultTimer(r, *defaultTimer));
            }
            if (previews) {
                TANDEM_TRY(UserSettings::setPreviews(r, *previews));
            }
            return UserSettings::load(r);
        }));
    if (!now) {
        return fail(ctx, now.error().message);
    }
    const auto word = [](bool on) { return on ? QStringLiteral("on") : QStringLiteral("off"); };
    if (ctx.parser.isSet(QStringLiteral("json"))) {
        const QJsonObject o{
            {QStringLiteral("read_receipts"), now->readReceipts},
            {QStringLiteral("previews"), now->previews},
            {QStringLiteral("disappearing"), static_cast<double>(now->defaultTimer)}};
        ctx.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
        return kExitOk;
    }
    ctx.out << "read receipts: " << word(now->readReceipts) << "\n";
    ctx.out << "previews:      " << word(now->previews) << "\n";
    ctx.out << "disappearing:  " << core::disappearing::describe(now->defaultTimer)
            << " (new conversations)\n";
    return kExitOk;
}

}  // namespace

std::vector<Command> settingsCommands() {
    return {
        {QStringLiteral("settings"),
         QStringLiteral("Show or change the profile's read receipts and notification previews."),
         QStringLiteral("[--read-receipts on|off] [--previews on|off] [--disappearing "
                        "off|DURATION] [--json]"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("read-receipts"),
                          QStringLiteral("Tell contacts when their messages are read."),
                          QStringLiteral("on|off")});
             p.addOption(
                 {QStringLiteral("previews"),
                  QStringLiteral("Show the sender and the text in the app's notifications."),
                  QStringLiteral("on|off")});
             p.addOption({QStringLiteral("disappearing"),
                          QStringLiteral("The disappearing-message timer of conversations you "
                                         "start (off, 5s … 4w or seconds)."),
                          QStringLiteral("DURATION")});
             p.addOption({QStringLiteral("json"),
                          QStringLiteral("One JSON object: read_receipts, previews, disappearing "
                                         "(seconds).")});
         },
         runSettings},
    };
}

}  // namespace tandem::cli
