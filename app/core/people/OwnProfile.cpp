#include "app/core/people/OwnProfile.h"

#include <sodium.h>

#include "app/core/ContentHandler.h"
#include "crypto/Profiles.h"
#include "crypto/QtBytes.h"
#include "crypto/SignedRecord.h"
#include "storage/Limits.h"

namespace tandem::core::people {

using namespace tandem::storage;

namespace {

const QString kName = QStringLiteral("profile.name");
const QString kAvatar = QStringLiteral("profile.avatar");
const QString kVersion = QStringLiteral("profile.version");

QString modeKey(Mode mode, const char* what) {
    return QStringLiteral("profile.%1.%2")
        .arg(mode == Mode::Signal ? QLatin1String("signal") : QLatin1String("session"),
             QLatin1String(what));
}

// A setting's bytes, wiped after use by the caller's SecretBytes.
StoreResult<std::optional<SecretBytes>> secretSetting(Repositories& r, const QString& key,
                                                      std::size_t size) {
    TANDEM_TRY_ASSIGN(auto value, r.settings.get(key));
    if (!value) {
        return std::optional<SecretBytes>();
    }
    std::optional<SecretBytes> out;
    if (static_cast<std::size_t>(value->size()) == size) {
        out.emplace(crypto::view(*value));
    }
    sodium_memzero(value->data(), static_cast<std::size_t>(value->size()));
    return out;
}

QByteArray bytesOf(const SecretBytes& secret) {
    return crypto::qbytes(secret.span());
}

}  // namespace

StoreResult<OwnProfile> loadOwnProfile(Repositories& r) {
    OwnProfile out;
    TANDEM_TRY_ASSIGN(const auto name, r.settings.get(kName));
    TANDEM_TRY_ASSIGN(const auto avatar, r.settings.get(kAvatar));
    TANDEM_TRY_ASSIGN(const auto version, r.settings.get(kVersion));
    out.name = name ? QString::fromUtf8(*name) : QString();
    out.avatar = avatar ? *avatar : QByteArray();
    out.version = version ? version->toLongLong() : 0;
    return out;
}

StoreResult<OwnProfile> saveOwnProfile(Repositories& r, const std::optional<QString>& name,
                                       const std::optional<QByteArray>& avatar) {
    TANDEM_TRY_ASSIGN(OwnProfile profile, loadOwnProfile(r));
    if (avatar && avatar->size() > limits::kMaxProfileAvatarBytes) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("The avatar is too large."));
    }
    if (name) {
        profile.name = *name;
        TANDEM_TRY(r.settings.set(kName, name->toUtf8()));
    }
    if (avatar) {
        profile.avatar = *avatar;
        if (avatar->isEmpty()) {
            TANDEM_TRY(r.settings.remove(kAvatar));
        } else {
            TANDEM_TRY(r.settings.set(kAvatar, *avatar));
        }
    }
    profile.version += 1;
    TANDEM_TRY(r.settings.set(kVersion, QByteArray::number(profile.version)));
    return profile;
}

StoreResult<RecordKeys> recordKeys(Repositories& r, Mode mode, bool rotate) {
    const QString ownerKey = modeKey(mode, "owner");
    const QString sealKey = modeKey(mode, "key");
    if (!rotate) {
        TANDEM_TRY_ASSIGN(auto owner, secretSetting(r, ownerKey, 64));
        TANDEM_TRY_ASSIGN(auto key, secretSetting(r, sealKey, crypto::kProfileKeyBytes));
        if (owner && key) {
            auto pair = crypto::recordOwnerFromSecret(owner->span());
            if (pair) {
                return RecordKeys{std::move(pair).value(), std::move(*key)};
            }
        }
    }
    RecordKeys fresh{crypto::generateRecordOwner(), crypto::generateProfileKey()};
    QByteArray owner = bytesOf(fresh.owner.secretKey);
    QByteArray key = bytesOf(fresh.key);
    auto stored = r.settings.set(ownerKey, owner);
    if (stored) {
        stored = r.settings.set(sealKey, key);
    }
    sodium_memzero(owner.data(), static_cast<std::size_t>(owner.size()));
    sodium_memzero(key.data(), static_cast<std::size_t>(key.size()));
    TANDEM_TRY(stored);
    return fresh;
}

StoreResult<std::optional<proto::ProfileRef>> sharedRef(Repositories& r, Mode mode) {
    TANDEM_TRY_ASSIGN(auto value, r.settings.get(modeKey(mode, "ref")));
    if (!value) {
        return std::optional<proto::ProfileRef>();
    }
    proto::ProfileRef ref;
    const bool parsed = ref.ParseFromArray(value->constData(), static_cast<int>(value->size()));
    sodium_memzero(value->data(), static_cast<std::size_t>(value->size()));
    if (!parsed || ref.record_name().size() != limits::kProfileRecordNameBytes ||
        ref.key().size() != static_cast<std::size_t>(limits::kProfileKeyBytes)) {
        return std::optional<proto::ProfileRef>();
    }
    return std::optional<proto::ProfileRef>(std::move(ref));
}

StoreResult<void> setSharedRef(Repositories& r, Mode mode, const proto::ProfileRef& ref) {
    std::string bytes = ref.SerializeAsString();
    auto stored = r.settings.set(modeKey(mode, "ref"), QByteArray::fromStdString(bytes));
    sodium_memzero(bytes.data(), bytes.size());
    return stored;
}

StoreResult<void> forgetSharedRef(Repositories& r, Mode mode) {
    TANDEM_TRY(r.settings.remove(modeKey(mode, "ref")));
    return {};
}

bool sharesWith(const Contact& contact) {
    return contact.accepted && !contact.blocked;
}

StoreResult<bool> tellContact(Repositories& r, const Contact& contact, std::int64_t now) {
    if (!sharesWith(contact)) {
        return false;
    }
    TANDEM_TRY_ASSIGN(const Conversation conversation, r.conversations.forContact(contact.id, now));
    TANDEM_TRY(enqueueContent(r, conversation.id, std::nullopt, OutboxKind::Control,
                              profileUpdateContent(now), now));
    return true;
}

StoreResult<int> tellAccepted(Repositories& r, Mode mode, std::int64_t now) {
    TANDEM_TRY_ASSIGN(const auto contacts, r.contacts.list(mode));
    int told = 0;
    for (const Contact& c : contacts) {
        TANDEM_TRY_ASSIGN(const bool queued, tellContact(r, c, now));
        told += queued ? 1 : 0;
    }
    return told;
}

StoreResult<bool> attachProfile(Repositories& r, const Contact& contact, proto::Content& content) {
    if (!sharesWith(contact) || content.has_receipt()) {
        return false;
    }
    TANDEM_TRY_ASSIGN(auto ref, sharedRef(r, contact.mode));
    if (!ref) {
        return false;
    }
    *content.mutable_profile() = std::move(*ref);
    return true;
}

}  // namespace tandem::core::people
