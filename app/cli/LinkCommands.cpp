// invite: this profile's contact links (and QR codes) for others to add it by.
#include "app/cli/LinkCommands.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/core/Addresses.h"
#include "app/core/Await.h"
#include "app/core/Invitations.h"
#include "app/core/Links.h"
#include "app/core/QrCode.h"

namespace tandem::cli {

using namespace tandem::storage;

Expected<ContactTarget, QString> contactTarget(const QString& given) {
    if (core::looksLikeLink(given)) {
        auto link = core::parseContactLink(given);
        if (!link) {
            return unexpected(std::move(link).error());
        }
        return ContactTarget{link->mode, link->address, link->nameHint};
    }
    const QString address = core::normalizedAddress(given);
    if (const auto unusable = core::unusableSessionId(address)) {
        return unexpected(*unusable);
    }
    const auto mode = core::modeOf(address);
    if (!mode) {
        return unexpected(QStringLiteral("\"%1\" is neither a phone number (+E.164), an account id "
                                         "(aci:…), a Session ID nor a contact link")
                              .arg(given.left(80)));
    }
    return ContactTarget{*mode, address, {}};
}

namespace {

int runInvite(CommandContext& ctx) {
    std::optional<Mode> only;
    if (ctx.parser.isSet(QStringLiteral("mode"))) {
        const QString mode = ctx.parser.value(QStringLiteral("mode"));
        if (mode != QLatin1String("signal") && mode != QLatin1String("session")) {
            return usageError(ctx, QStringLiteral("invite"),
                              QStringLiteral("--mode is signal or session"));
        }
        only = mode == QLatin1String("signal") ? Mode::Signal : Mode::Session;
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    auto accounts = core::awaitFuture(store.read([](Repositories& r) { return r.accounts.all(); }));
    if (!accounts) {
        return fail(ctx, accounts.error().message);
    }
    if (only) {
        std::erase_if(*accounts, [&](const Account& a) { return a.mode != *only; });
        if (accounts->empty()) {
            return fail(ctx, core::noAccountHint(*only));
        }
    } else if (accounts->empty()) {
        return fail(ctx, QStringLiteral("this profile has no account yet (tandemctl init signal "
                                        "or tandemctl init session)"));
    }
    const auto links = core::invitations(*accounts, ctx.parser.value(QStringLiteral("name")));
    if (!links) {
        return fail(ctx, links.error());
    }
    if (links->empty()) {
        return fail(ctx, QStringLiteral("this profile's Signal account has no account id yet: "
                                        "register it again (tandemctl init signal --force)"));
    }
    const bool qr = ctx.parser.isSet(QStringLiteral("qr"));
    if (ctx.parser.isSet(QStringLiteral("json"))) {
        QJsonArray list;
        for (const core::Invitation& i : *links) {
            list.append(QJsonObject{{QStringLiteral("mode"), modeKey(i.mode)},
                                    {QStringLiteral("address"), i.address},
                                    {QStringLiteral("link"), i.link}});
        }
        ctx.out << QJsonDocument(QJsonObject{{QStringLiteral("invitations"), list}})
                       .toJson(QJsonDocument::Compact)
                << "\n";
        return kExitOk;
    }
    bool first = true;
    for (const core::Invitation& i : *links) {
        if (!first) {
            ctx.out << "\n";
        }
        first = false;
        ctx.out << modeKey(i.mode) << ": "
                << (i.mode == Mode::Signal ? "your account id " : "your Session ID ") << i.address
                << "\n"
                << i.link << "\n";
        if (qr) {
            const auto code = core::QrCode::encode(i.link.toUtf8());
            if (code) {
                ctx.out << code->toTerminal();
            }
        }
    }
    return kExitOk;
}

}  // namespace

std::vector<Command> linkCommands() {
    return {
        {QStringLiteral("invite"),
         QStringLiteral("Show this profile's contact links: others add you with them (tandemctl "
                        "add-contact LINK, or the app's new-conversation field). A Signal-mode "
                        "link carries your account id, never your phone number."),
         QStringLiteral("[--mode signal|session] [--qr] [--name NAME] [--json]"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("mode"),
                          QStringLiteral("Only this mode's link (signal or session); by default "
                                         "one per account."),
                          QStringLiteral("MODE")});
             p.addOption({QStringLiteral("qr"),
                          QStringLiteral("Also show each link as a QR code (drawn for light text "
                                         "on a dark terminal).")});
             p.addOption({QStringLiteral("name"),
                          QStringLiteral("A name to suggest (at most 64 characters); whoever "
                                         "adds you may take it or not."),
                          QStringLiteral("NAME")});
             p.addOption({QStringLiteral("json"), QStringLiteral("As JSON.")});
         },
         runInvite},
    };
}

}  // namespace tandem::cli
