#include "app/core/Invitations.h"

#include <sodium.h>

#include "app/core/Links.h"
#include "tandem/core.pb.h"
#include "transport/relay/Address.h"

namespace tandem::core {

std::optional<QString> shareableAddress(const storage::Account& account) {
    if (account.mode == storage::Mode::Session) {
        return account.address;
    }
    if (!account.credentials) {
        return std::nullopt;
    }
    proto::core::SignalCredentials credentials;
    if (!credentials.ParseFromArray(account.credentials->data(),
                                    static_cast<int>(account.credentials->size()))) {
        return std::nullopt;
    }
    // The parsed copy holds the relay password: wiped before it goes.
    std::string& password = *credentials.mutable_password();
    sodium_memzero(password.data(), password.size());
    if (credentials.aci().size() != static_cast<std::size_t>(relay::kAciBytes)) {
        return std::nullopt;
    }
    return relay::aciAddress(QByteArray::fromStdString(credentials.aci()));
}

Expected<std::vector<Invitation>, QString> invitations(
    const std::vector<storage::Account>& accounts, const QString& nameHint) {
    std::vector<Invitation> out;
    for (const storage::Account& account : accounts) {
        const auto address = shareableAddress(account);
        if (!address) {
            continue;
        }
        auto link = formatContactLink(*address, nameHint);
        if (!link) {
            return unexpected(std::move(link).error());
        }
        out.push_back({account.mode, *address, std::move(link).value()});
    }
    return out;
}

}  // namespace tandem::core
