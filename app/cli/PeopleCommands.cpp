// People commands (docs/people.md): profile, contacts, conversations, and a message request's
// or a contact's accept / delete / block / unblock — the services the app uses
// (app/core/people/).
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/Commands.h"
#include "app/core/Await.h"
#include "app/core/Messenger.h"
#include "app/core/people/ProfileImages.h"

namespace tandem::cli {

using namespace tandem::storage;
using core::awaitFuture;

namespace {

constexpr int kDefaultWaitSeconds = 20;

QJsonObject contactJson(const Contact& c) {
    return {{QStringLiteral("mode"), modeKey(c.mode)},
            {QStringLiteral("address"), c.address},
            {QStringLiteral("name"), c.shownName()},
            {QStringLiteral("nickname"), c.displayName},
            {QStringLiteral("profile_name"), c.profileName},
            {QStringLiteral("avatar"), c.hasAvatar},
            {QStringLiteral("accepted"), c.accepted},
            {QStringLiteral("blocked"), c.blocked},
            {QStringLiteral("verification"),
             c.verification == Verification::Verified     ? QStringLiteral("verified")
             : c.verification == Verification::Unverified ? QStringLiteral("unverified")
                                                          : QStringLiteral("default")}};
}

QString shownLine(const Contact& c) {
    const QString name = c.shownName();
    return name.isEmpty() ? c.address : terminalSafe(name) + " <" + c.address + ">";
}

// Runs the Messenger until what an action queued has gone (or `seconds` passed).
void settle(core::Messenger& messenger, int seconds) {
    core::spinUntil([&] { return messenger.isIdle(); }, seconds * 1000);
}

int runProfile(CommandContext& ctx) {
    const bool setName = ctx.parser.isSet(QStringLiteral("name"));
    const bool setAvatar = ctx.parser.isSet(QStringLiteral("avatar"));
    const bool clearAvatar = ctx.parser.isSet(QStringLiteral("no-avatar"));
    if (setAvatar && clearAvatar) {
        return usageError(ctx, QStringLiteral("profile"),
                          QStringLiteral("--avatar and --no-avatar exclude each other"));
    }
    const auto wait = intOption(ctx, QStringLiteral("profile"), QStringLiteral("wait"),
                                kDefaultWaitSeconds, 0, 600, QStringLiteral("seconds"));
    if (!wait) {
        return kExitUsage;
    }
    std::optional<QByteArray> image;
    if (setAvatar) {
        QFile file(ctx.parser.value(QStringLiteral("avatar")));
        if (!file.open(QIODevice::ReadOnly)) {
            return fail(
                ctx, QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString()));
        }
        if (file.size() > core::people::kMaxAvatarSourceBytes) {
            return fail(ctx, QStringLiteral("the picture is larger than 20 MiB"));
        }
        image = file.readAll();
    } else if (clearAvatar) {
        image = QByteArray();
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    core::Messenger messenger(store);
    core::people::OwnProfile profile;
    if (setName || setAvatar || clearAvatar) {
        if (const auto started = awaitFuture(messenger.start()); !started) {
            return fail(ctx, started.error().message);
        }
        const auto saved = awaitFuture(messenger.profiles().setProfile(
            setName ? std::optional(ctx.parser.value(QStringLiteral("name"))) : std::nullopt,
            image));
        if (!saved) {
            return fail(ctx, saved.error().message);
        }
        profile = *saved;
        // Published once each mode is online, then every accepted contact is told.
        core::spinUntil([&] { return false; }, 300);
        settle(messenger, *wait);
        if (!messenger.isIdle()) {
            ctx.err << "tandemctl: saved; not published yet (the network did not answer within "
                    << *wait << " s): it is published the next time Tandem connects\n";
        }
    } else {
        const auto loaded = awaitFuture(messenger.profiles().profile());
        if (!loaded) {
            return fail(ctx, loaded.error().message);
        }
        profile = *loaded;
    }
    if (ctx.parser.isSet(QStringLiteral("json"))) {
        const QJsonObject o{{QStringLiteral("name"), profile.name},
                            {QStringLiteral("avatar_bytes"), profile.avatar.size()},
                            {QStringLiteral("version"), static_cast<qint64>(profile.version)}};
        ctx.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
    } else {
        ctx.out << "name: " << (profile.name.isEmpty() ? "(none)" : terminalSafe(profile.name))
                << "\navatar: "
                << (profile.avatar.isEmpty() ? QStringLiteral("(none)")
                                             : fileSize(profile.avatar.size()) + " JPEG")
                << "\nShared with the people you accepted, never with a message request.\n";
    }
    return kExitOk;
}

int runContacts(CommandContext& ctx) {
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const auto contacts =
        awaitFuture(store.read([](Repositories& r) -> StoreResult<std::vector<Contact>> {
            std::vector<Contact> all;
            for (const Mode mode : {Mode::Signal, Mode::Session}) {
                TANDEM_TRY_ASSIGN(auto list, r.contacts.list(mode));
                for (Contact& c : list) {
                    if (c.accepted && !c.blocked) {
                        all.push_back(std::move(c));
                    }
                }
            }
            return all;
        }));
    if (!contacts) {
        return fail(ctx, contacts.error().message);
    }
    if (ctx.parser.isSet(QStringLiteral("json"))) {
        QJsonArray list;
        for (const Contact& c : *contacts) {
            list.append(contactJson(c));
        }
        ctx.out << QJsonDocument(QJsonObject{{QStringLiteral("contacts"), list}})
                       .toJson(QJsonDocument::Compact)
                << "\n";
        return kExitOk;
    }
    if (contacts->empty()) {
        ctx.out << "No contacts yet (tandemctl add-contact ID).\n";
    }
    for (const Contact& c : *contacts) {
        ctx.out << modeKey(c.mode) << "  " << shownLine(c) << "\n";
    }
    return kExitOk;
}

int runConversations(CommandContext& ctx) {
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const auto summaries =
        awaitFuture(store.read([](Repositories& r) { return r.conversations.list(std::nullopt); }));
    if (!summaries) {
        return fail(ctx, summaries.error().message);
    }
    const bool json = ctx.parser.isSet(QStringLiteral("json"));
    QJsonArray list;
    for (const ConversationSummary& s : *summaries) {
        if (s.contact && s.contact->blocked) {
            continue;  // a blocked contact's conversation is listed by `tandemctl blocked`
        }
        const bool request = s.contact && !s.contact->accepted;
        QJsonObject o{{QStringLiteral("id"), static_cast<qint64>(s.conversation.id)},
                      {QStringLiteral("unread"), static_cast<qint64>(s.unread)},
                      {QStringLiteral("request"), request},
                      {QStringLiteral("last_at"),
                       s.lastMessage ? QJsonValue(static_cast<qint64>(s.lastMessage->sentAt))
                                     : QJsonValue()}};
        if (s.contact) {
            o[QStringLiteral("mode")] = modeKey(s.contact->mode);
            o[QStringLiteral("with")] = s.contact->address;
            o[QStringLiteral("name")] = s.contact->shownName();
        } else {
            o[QStringLiteral("with")] = QStringLiteral("self");
            o[QStringLiteral("name")] = QStringLiteral("Note to Self");
        }
        if (json) {
            list.append(o);
            continue;
        }
        ctx.out << (s.contact ? modeKey(s.contact->mode) : QStringLiteral("self")) << "  "
                << (s.contact ? shownLine(*s.contact) : QStringLiteral("Note to Self"))
                << (s.unread > 0 ? QStringLiteral("  (%1 unread)").arg(s.unread) : QString())
                << (request ? "  [message request: tandemctl accept | delete | block]" : "")
                << "\n";
    }
    if (json) {
        ctx.out << QJsonDocument(QJsonObject{{QStringLiteral("conversations"), list}})
                       .toJson(QJsonDocument::Compact)
                << "\n";
    }
    return kExitOk;
}

int runBlocked(CommandContext& ctx) {
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const auto blocked =
        awaitFuture(store.read([](Repositories& r) { return r.contacts.blocked(); }));
    if (!blocked) {
        return fail(ctx, blocked.error().message);
    }
    if (ctx.parser.isSet(QStringLiteral("json"))) {
        QJsonArray list;
        for (const Contact& c : *blocked) {
            list.append(contactJson(c));
        }
        ctx.out << QJsonDocument(QJsonObject{{QStringLiteral("blocked"), list}})
                       .toJson(QJsonDocument::Compact)
                << "\n";
        return kExitOk;
    }
    if (blocked->empty()) {
        ctx.out << "Nobody is blocked.\n";
    }
    for (const Contact& c : *blocked) {
        ctx.out << modeKey(c.mode) << "  " << shownLine(c) << "\n";
    }
    return kExitOk;
}

enum class Action { Accept, Delete, Block, Unblock };

int runAction(CommandContext& ctx, Action action, const QString& command) {
    const QStringList args = ctx.parser.positionalArguments();
    if (args.size() != 1) {
        return usageError(ctx, command,
                          QStringLiteral("give one phone number, aci:… or Session ID"));
    }
    const QString address = core::normalizedAddress(args[0]);
    const auto mode = core::modeOf(address);
    if (!mode) {
        return fail(ctx, QStringLiteral("\"%1\" is neither a phone number, an account id nor a "
                                        "Session ID")
                             .arg(terminalSafe(args[0].left(80))));
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    core::Messenger messenger(store);
    if (const auto started = awaitFuture(messenger.start()); !started) {
        return fail(ctx, started.error().message);
    }
    const auto found = awaitFuture(messenger.people().find(*mode, address));
    if (!found) {
        return fail(ctx, found.error().message);
    }
    if (!*found) {
        return fail(ctx, QStringLiteral("no conversation with %1 in this profile").arg(address));
    }
    const Contact& c = **found;
    QString done;
    switch (action) {
        case Action::Accept: {
            const auto r = awaitFuture(messenger.people().accept(c.id));
            if (!r) {
                return fail(ctx, r.error().message);
            }
            done = QStringLiteral(
                       "Accepted %1: they now get your profile, and read receipts for "
                       "what you read from now on.")
                       .arg(shownLine(c));
            break;
        }
        case Action::Delete: {
            const auto r = awaitFuture(messenger.people().remove(c.id));
            if (!r) {
                return fail(ctx, r.error().message);
            }
            done = QStringLiteral("Deleted the conversation with %1.").arg(shownLine(c));
            break;
        }
        case Action::Block: {
            const auto r = awaitFuture(messenger.people().block(c.id));
            if (!r) {
                return fail(ctx, r.error().message);
            }
            done =
                QStringLiteral("Blocked %1: their messages are dropped unread.").arg(shownLine(c));
            break;
        }
        case Action::Unblock: {
            const auto r = awaitFuture(messenger.people().unblock(c.id));
            if (!r) {
                return fail(ctx, r.error().message);
            }
            done = QStringLiteral("Unblocked %1.").arg(shownLine(c));
            break;
        }
    }
    core::spinUntil([&] { return false; }, 200);  // let what it queued start
    settle(messenger, kDefaultWaitSeconds);
    ctx.out << done << "\n";
    return kExitOk;
}

Command actionCommand(const char* name, const char* summary, Action action) {
    const QString n = QString::fromLatin1(name);
    return {n,
            QString::fromUtf8(summary),
            QStringLiteral("ID"),
            [](QCommandLineParser& p) {
                p.addPositionalArgument(QStringLiteral("id"),
                                        QStringLiteral("+E164, aci:… or 05… (as `tandemctl "
                                                       "conversations` shows them)"));
            },
            [action, n](CommandContext& ctx) { return runAction(ctx, action, n); },
            true};
}

}  // namespace

std::vector<Command> peopleCommands() {
    return {
        {QStringLiteral("profile"),
         QStringLiteral("Show or set your profile (name, avatar), shared with the people you "
                        "accept."),
         QStringLiteral("[--name NAME] [--avatar FILE | --no-avatar] [--wait S] [--json]"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("name"),
                          QStringLiteral("Your name (at most 64 characters; \"\" clears it)."),
                          QStringLiteral("NAME")});
             p.addOption({QStringLiteral("avatar"),
                          QStringLiteral("A picture, cut to its centre square and made small."),
                          QStringLiteral("FILE")});
             p.addOption({QStringLiteral("no-avatar"), QStringLiteral("Remove your avatar.")});
             p.addOption({QStringLiteral("wait"),
                          QStringLiteral("Seconds to wait for it to be published (default 20)."),
                          QStringLiteral("S")});
             p.addOption({QStringLiteral("json"), QStringLiteral("As JSON.")});
         },
         runProfile},
        {QStringLiteral("contacts"), QStringLiteral("List your contacts in both modes."),
         QStringLiteral("[--json]"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("json"), QStringLiteral("As JSON.")});
         },
         runContacts},
        {QStringLiteral("conversations"),
         QStringLiteral("List conversations, newest first, with unread counts and message "
                        "requests."),
         QStringLiteral("[--json]"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("json"), QStringLiteral("As JSON.")});
         },
         runConversations},
        {QStringLiteral("blocked"), QStringLiteral("List the people you blocked."),
         QStringLiteral("[--json]"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("json"), QStringLiteral("As JSON.")});
         },
         runBlocked},
        actionCommand("accept",
                      "Accept a message request: they become a contact and see your "
                      "profile.",
                      Action::Accept),
        actionCommand("delete", "Delete a conversation (or a message request) and forget them.",
                      Action::Delete),
        actionCommand("block", "Block someone: their messages are dropped, with no receipt.",
                      Action::Block),
        actionCommand("unblock", "Unblock someone.", Action::Unblock),
    };
}

}  // namespace tandem::cli
