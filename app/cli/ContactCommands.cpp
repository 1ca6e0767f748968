// Contact commands: contact (the safety number with a contact, and marking it verified), the
// same service the app's contact details use (app/core/SafetyNumbers.h).
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/Commands.h"
#include "app/core/Addresses.h"
#include "app/core/Await.h"
#include "app/core/SafetyNumbers.h"

namespace tandem::cli {

using namespace tandem::storage;
using core::awaitFuture;

namespace {

int runContact(CommandContext& ctx) {
    const QString with = ctx.parser.value(QStringLiteral("with")).trimmed().toLower();
    if (with.isEmpty()) {
        return usageError(ctx, QStringLiteral("contact"), QStringLiteral("--with is required"));
    }
    const bool verify = ctx.parser.isSet(QStringLiteral("verify"));
    const bool clear = ctx.parser.isSet(QStringLiteral("clear"));
    if (verify && clear) {
        return usageError(ctx, QStringLiteral("contact"),
                          QStringLiteral("--verify and --clear exclude each other"));
    }
    const auto mode = core::modeOf(with);
    if (!mode) {
        if (const auto unusable = core::unusableSessionId(with)) {
            return fail(ctx, *unusable);
        }
        return fail(ctx, QStringLiteral("\"%1\" is neither a phone number nor a Session ID")
                             .arg(terminalSafe(with.left(80))));
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const auto look = [mode = *mode, with](Repositories& r) -> StoreResult<core::ContactSafety> {
        TANDEM_TRY_ASSIGN(const auto contact, r.contacts.find(mode, with));
        if (!contact) {
            return storeError(StoreErrorCode::NotFound,
                              QStringLiteral("no contact %1 in this profile").arg(with));
        }
        return core::contactSafety(r, *contact);
    };
    // Only marking takes the write lock; showing reads.
    const auto shown =
        !verify && !clear
            ? awaitFuture(store.read(look))
            : awaitFuture(store.write(
                  [look, with, verify](Repositories& r) -> StoreResult<core::ContactSafety> {
                      TANDEM_TRY_ASSIGN(core::ContactSafety safety, look(r));
                      if (verify && !safety.number) {
                          return storeError(StoreErrorCode::Constraint,
                                            QStringLiteral("no safety number with %1 yet: it is "
                                                           "known once you have exchanged messages")
                                                .arg(with));
                      }
                      TANDEM_TRY(core::setVerified(r, safety.contact.id, verify));
                      TANDEM_TRY_ASSIGN(safety.contact, r.contacts.get(safety.contact.id));
                      return safety;
                  }));
    if (!shown) {
        return fail(ctx, shown.error().message);
    }
    const QString number = shown->number ? shown->number->grouped() : QString();
    const QString verification = core::verificationName(shown->contact.verification);
    if (ctx.parser.isSet(QStringLiteral("json"))) {
        const QJsonObject o{{QStringLiteral("address"), shown->contact.address},
                            {QStringLiteral("mode"), modeKey(shown->contact.mode)},
                            {QStringLiteral("name"), shown->contact.displayName},
                            {QStringLiteral("safety_number"), number},
                            {QStringLiteral("verification"), verification},
                            {QStringLiteral("identity_changed"), shown->identityChanged()}};
        ctx.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
        return kExitOk;
    }
    ctx.out << terminalSafe(shown->title) << " (" << terminalSafe(shown->contact.address) << ", "
            << modeKey(shown->contact.mode) << " mode)\n";
    ctx.out << "safety number: "
            << (number.isEmpty() ? QStringLiteral("not known yet (exchange a message first)")
                                 : number)
            << "\n";
    ctx.out << "verification:  " << verification
            << (shown->identityChanged() ? " (their safety number changed)" : "") << "\n";
    return kExitOk;
}

}  // namespace

std::vector<Command> contactCommands() {
    return {
        {QStringLiteral("contact"),
         QStringLiteral("Show the safety number with a contact; --verify once compared."),
         QStringLiteral("--with ID [--verify | --clear] [--json]"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("with"),
                          QStringLiteral("The contact's phone number or Session ID."),
                          QStringLiteral("ID")});
             p.addOption({QStringLiteral("verify"),
                          QStringLiteral("Mark the contact verified (you compared the numbers).")});
             p.addOption({QStringLiteral("clear"),
                          QStringLiteral("Clear the verification; also accepts a changed safety "
                                         "number, so held messages go.")});
             p.addOption({QStringLiteral("json"),
                          QStringLiteral("One JSON object: address, mode, name, safety_number, "
                                         "verification, identity_changed.")});
         },
         runContact},
    };
}

}  // namespace tandem::cli
