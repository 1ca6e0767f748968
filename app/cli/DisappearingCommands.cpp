// disappearing: a conversation's disappearing-message timer, printed or set (and the change
// sent to the peer); read: a conversation marked read, as opening it in the app does (read
// receipts go out, after-read countdowns start). docs/disappearing.md.
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/Commands.h"
#include "app/core/Await.h"
#include "app/core/ContentHandler.h"
#include "app/core/Disappearing.h"
#include "app/core/Messenger.h"

namespace tandem::cli {

using namespace tandem::storage;
using core::awaitFuture;
namespace disappearing = core::disappearing;

namespace {

struct Target {
    Conversation conversation;
    QString address;  // empty for Note to Self
};

// The conversation `with` names ('self', a number, an aci:… id or a Session ID); `create`: a
// contact and conversation are made for a new address.
StoreResult<std::optional<Target>> findTarget(Repositories& r, const QString& with, bool create,
                                              std::int64_t now) {
    if (with == QLatin1String(kSelf)) {
        TANDEM_TRY_ASSIGN(Conversation self, r.conversations.noteToSelf(now));
        return std::optional<Target>(Target{std::move(self), QString()});
    }
    const QString address = with.trimmed().toLower();
    const auto mode = core::Messenger::modeOf(address);
    if (!mode) {
        return std::optional<Target>();
    }
    std::optional<Contact> contact;
    if (create) {
        TANDEM_TRY_ASSIGN(contact, core::contactForAddress(r, *mode, address, now));
    } else {
        TANDEM_TRY_ASSIGN(contact, core::findContact(r, *mode, address));
    }
    if (!contact) {
        return std::optional<Target>();
    }
    TANDEM_TRY_ASSIGN(Conversation conversation, r.conversations.forContact(contact->id, now));
    return std::optional<Target>(Target{std::move(conversation), contact->address});
}

std::optional<Mode> modeOfWith(const QString& with) {
    return with == QLatin1String(kSelf) ? std::nullopt
                                        : core::Messenger::modeOf(with.trimmed().toLower());
}

void printSetting(CommandContext& ctx, const Conversation& c, bool json) {
    if (json) {
        ctx.out << QJsonDocument(
                       QJsonObject{
                           {QStringLiteral("seconds"), static_cast<double>(c.expireTimer)},
                           {QStringLiteral("start"), disappearing::ruleName(c.expireRule)},
                           {QStringLiteral("version"), static_cast<double>(c.expireTimerVersion)},
                           {QStringLiteral("label"), disappearing::describe(c.expireTimer)},
                       })
                       .toJson(QJsonDocument::Compact)
                << "\n";
        return;
    }
    if (c.expireTimer == 0) {
        ctx.out << "disappearing messages: off\n";
        return;
    }
    ctx.out << "disappearing messages: " << disappearing::describe(c.expireTimer) << ", "
            << (c.expireRule == ExpireRule::AfterSend ? "counted from the send"
                                                      : "counted from when they are read")
            << "\n";
}

// Connects and waits (up to `seconds`) until the network took what the outbox holds for the
// conversation, `message` among it. False (and said) when it stays queued.
bool sendQueued(CommandContext& ctx, Store& store, const Message& message, int seconds) {
    core::Messenger messenger(store);
    if (const auto started = awaitFuture(messenger.start()); !started) {
        ctx.err << "tandemctl: " << started.error().message << "\n";
        return false;
    }
    MessageStatus status = message.status;
    QObject::connect(&messenger, &core::Messenger::messageUpdated, [&](const Message& m) {
        if (m.id == message.id) {
            status = m.status;
        }
    });
    messenger.resumeOutbox();
    core::spinUntil([&] { return status != MessageStatus::Pending; }, seconds * 1000);
    if (status == MessageStatus::Pending || status == MessageStatus::Failed) {
        ctx.err << "tandemctl: the change is kept here; the network did not take it within "
                << seconds << " s, so it is sent the next time Tandem connects\n";
        return false;
    }
    return true;
}

int runDisappearing(CommandContext& ctx) {
    const QString with = ctx.parser.value(QStringLiteral("with"));
    if (with.isEmpty()) {
        return usageError(ctx, QStringLiteral("disappearing"),
                          QStringLiteral("--with is required"));
    }
    const QStringList args = ctx.parser.positionalArguments();
    if (args.size() > 1) {
        return usageError(ctx, QStringLiteral("disappearing"),
                          QStringLiteral("give one timer (off, 5s … 4w or seconds)"));
    }
    std::optional<std::int64_t> seconds;
    if (!args.isEmpty()) {
        QString why;
        seconds = disappearing::parseDuration(args.first(), &why);
        if (!seconds) {
            return usageError(ctx, QStringLiteral("disappearing"), why);
        }
    }
    std::optional<ExpireRule> rule;
    if (ctx.parser.isSet(QStringLiteral("start"))) {
        const QString start = ctx.parser.value(QStringLiteral("start")).trimmed().toLower();
        if (start == QLatin1String("after-send")) {
            rule = ExpireRule::AfterSend;
        } else if (start == QLatin1String("after-read")) {
            rule = ExpireRule::AfterRead;
        } else {
            return usageError(ctx, QStringLiteral("disappearing"),
                              QStringLiteral("--start takes after-send or after-read"));
        }
    }
    const bool self = with == QLatin1String(kSelf);
    const auto mode = modeOfWith(with);
    if (!self && !mode) {
        return fail(ctx, QStringLiteral("\"%1\" is not 'self', a phone number (+E.164) or a "
                                        "Session ID")
                             .arg(with.left(80)));
    }
    if (rule == ExpireRule::AfterSend && mode == Mode::Signal) {
        return fail(ctx, QStringLiteral("in Signal mode a received message counts down from when "
                                        "it is read (--start after-send is Session mode's)"));
    }
    if (rule == ExpireRule::AfterRead && self) {
        return fail(ctx, QStringLiteral("Note to Self counts down from the send (no one else "
                                        "reads it)"));
    }
    const auto wait = intOption(ctx, QStringLiteral("disappearing"), QStringLiteral("wait"), 20, 0,
                                3600, QStringLiteral("seconds"));
    if (!wait) {
        return kExitUsage;
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const bool json = ctx.parser.isSet(QStringLiteral("json"));
    const bool changing = seconds.has_value() || rule.has_value();
    struct Changed {
        std::optional<Target> target;
        std::optional<Message> notice;
    };
    const auto changed = awaitFuture(store.write([with, seconds, rule, changing](
                                                     Repositories& r) -> StoreResult<Changed> {
        const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
        Changed out;
        TANDEM_TRY_ASSIGN(out.target, findTarget(r, with, changing, now));
        if (!out.target || !changing) {
            return out;
        }
        const Conversation& c = out.target->conversation;
        TANDEM_TRY_ASSIGN(out.notice, disappearing::change(r, c.id, seconds.value_or(c.expireTimer),
                                                           rule.value_or(c.expireRule), now));
        TANDEM_TRY_ASSIGN(out.target->conversation, r.conversations.get(c.id));
        return out;
    }));
    if (!changed) {
        return fail(ctx, changed.error().message);
    }
    if (!changed->target) {
        // Nothing said to them yet: no setting but the default.
        if (json) {
            printSetting(ctx, Conversation{}, true);
        } else {
            ctx.out << "disappearing messages: off (no conversation yet)\n";
        }
        return kExitOk;
    }
    if (changed->notice && changed->notice->status == MessageStatus::Pending &&
        !sendQueued(ctx, store, *changed->notice, *wait)) {
        printSetting(ctx, changed->target->conversation, json);
        return kExitFailure;
    }
    printSetting(ctx, changed->target->conversation, json);
    return kExitOk;
}

int runRead(CommandContext& ctx) {
    const QString with = ctx.parser.value(QStringLiteral("with"));
    if (with.isEmpty()) {
        return usageError(ctx, QStringLiteral("read"), QStringLiteral("--with is required"));
    }
    if (with != QLatin1String(kSelf) && !modeOfWith(with)) {
        return fail(ctx, QStringLiteral("\"%1\" is not 'self', a phone number (+E.164) or a "
                                        "Session ID")
                             .arg(with.left(80)));
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const auto target = awaitFuture(store.read([with](Repositories& r) {
        return findTarget(r, with, false, QDateTime::currentMSecsSinceEpoch());
    }));
    if (!target) {
        return fail(ctx, target.error().message);
    }
    if (!*target) {
        return fail(ctx, QStringLiteral("no conversation with \"%1\"").arg(with.left(80)));
    }
    core::Messenger messenger(store);
    if (const auto started = awaitFuture(messenger.start()); !started) {
        return fail(ctx, started.error().message);
    }
    const auto marked = awaitFuture(messenger.markRead((*target)->conversation.id));
    if (!marked) {
        return fail(ctx, marked.error().message);
    }
    // The read receipts go out while we are connected (bounded; they wait in the outbox
    // otherwise).
    if (*marked > 0) {
        core::spinUntil([&] { return messenger.isIdle(); }, 20000);
    }
    ctx.out << *marked << " message(s) marked read\n";
    return kExitOk;
}

}  // namespace

std::vector<Command> disappearingCommands() {
    return {
        {QStringLiteral("disappearing"),
         QStringLiteral("Print or set a conversation's disappearing-message timer."),
         QStringLiteral("--with ID [off|DURATION] [--start after-send|after-read]"),
         [](QCommandLineParser& p) {
             p.addOption(
                 {QStringLiteral("with"),
                  QStringLiteral("'self', a phone number, an account id (aci:…) or a Session ID."),
                  QStringLiteral("ID")});
             p.addOption({QStringLiteral("start"),
                          QStringLiteral("When a received message starts counting down: "
                                         "after-read (both modes) or after-send (Session mode)."),
                          QStringLiteral("RULE")});
             p.addOption(
                 {QStringLiteral("wait"),
                  QStringLiteral("How long to wait for the network to take the change (default "
                                 "20)."),
                  QStringLiteral("SECONDS")});
             p.addOption({QStringLiteral("json"),
                          QStringLiteral("Print seconds, start, version and label as JSON.")});
             p.addPositionalArgument(
                 QStringLiteral("DURATION"),
                 QStringLiteral("off, 5s, 30s, 5m, 1h, 8h, 1d, 1w, 4w or a number of seconds "
                                "(5 to 2419200)."));
         },
         runDisappearing, true},
        {QStringLiteral("read"),
         QStringLiteral("Mark a conversation read (read receipts, after-read timers start)."),
         QStringLiteral("--with ID"),
         [](QCommandLineParser& p) {
             p.addOption(
                 {QStringLiteral("with"),
                  QStringLiteral("'self', a phone number, an account id (aci:…) or a Session ID."),
                  QStringLiteral("ID")});
         },
         runRead},
    };
}

}  // namespace tandem::cli
