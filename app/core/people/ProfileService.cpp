#include "app/core/people/ProfileService.h"

#include <sodium.h>

#include <QDateTime>
#include <QPromise>

#include "app/core/ContentHandler.h"
#include "app/core/ConversationService.h"
#include "app/core/CoreLog.h"
#include "app/core/Guarded.h"
#include "app/core/people/ProfileImages.h"
#include "crypto/Profiles.h"
#include "crypto/QtBytes.h"
#include "crypto/SignedRecord.h"
#include "tandem/common/Clock.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

// The record being published in a mode, kept until the network stored it: a retry sends the
// same bytes (a put that landed but whose answer was lost is then the same record again, not a
// different one at the same version, which the network would refuse as stale for ever).
QString pendingKey(Mode mode) {
    return QStringLiteral("profile.%1.pending")
        .arg(mode == Mode::Signal ? QLatin1String("signal") : QLatin1String("session"));
}

bool sameBytes(const QByteArray& a, const QByteArray& b) {
    return a.size() == b.size() &&
           sodium_memcmp(a.constData(), b.constData(), static_cast<std::size_t>(a.size())) == 0;
}

}  // namespace

struct ProfileService::Prepared {
    crypto::SignedRecord record;
    proto::ProfileRef ref;
};

ProfileService::ProfileService(Store& store, const Channels& channels, QObject* parent)
    : QObject(parent), store_(store), channels_(channels), requests_(channels) {
    retry_.setSingleShot(true);
    retry_.setInterval(kRetryMs);
    connect(&retry_, &QTimer::timeout, this, [this] {
        channels_.forEach([this](const ModeChannel& c) { publish(c.mode()); });
        fetchWanted();
    });
}

ProfileService::~ProfileService() = default;

QFuture<CoreResult<people::OwnProfile>> ProfileService::profile() {
    return store_.read([](Repositories& r) { return people::loadOwnProfile(r); }, this,
                       [](StoreResult<people::OwnProfile> p) -> CoreResult<people::OwnProfile> {
                           if (!p) {
                               return unexpected(fromStore(p.error()));
                           }
                           return std::move(p).value();
                       });
}

QFuture<CoreResult<people::OwnProfile>> ProfileService::setProfile(
    const std::optional<QString>& name, const std::optional<QByteArray>& image) {
    std::optional<QString> checkedName;
    if (name) {
        checkedName = name->trimmed();
        if (auto valid = ConversationService::validateName(*checkedName); !valid) {
            return QtFuture::makeReadyFuture(
                CoreResult<people::OwnProfile>(unexpected(fromStore(valid.error()))));
        }
    }
    std::optional<QByteArray> avatar;
    if (image) {
        if (image->isEmpty()) {
            avatar = QByteArray();
        } else {
            auto made = people::makeAvatar(*image);
            if (!made) {
                return QtFuture::makeReadyFuture(CoreResult<people::OwnProfile>(
                    coreError(CoreErrorCode::InvalidArgument, made.error())));
            }
            avatar = std::move(made).value();
        }
    }
    return store_.write(
        [checkedName, avatar](Repositories& r) {
            return people::saveOwnProfile(r, checkedName, avatar);
        },
        this,
        [this](StoreResult<people::OwnProfile> saved) -> CoreResult<people::OwnProfile> {
            if (!saved) {
                return unexpected(fromStore(saved.error()));
            }
            emit profileChanged(*saved);
            channels_.forEach([this](const ModeChannel& c) { publish(c.mode()); });
            return std::move(saved).value();
        });
}

void ProfileService::rotate(Mode mode) {
    store_.write(
        [mode](Repositories& r) -> StoreResult<void> {
            TANDEM_TRY(people::recordKeys(r, mode, /*rotate=*/true));
            return people::forgetSharedRef(r, mode);
        },
        this,
        [this, mode](StoreResult<void> rotated) {
            if (!rotated) {
                qCWarning(lcCore) << "cannot make new profile keys:" << rotated.error().message;
                return;
            }
            publish(mode);
        });
}

void ProfileService::publish(Mode mode) {
    const ModeChannel* channel = channels_[mode];
    if (channel == nullptr || !channel->isConnected()) {
        return;  // when it comes online
    }
    if (publishing_.contains(mode)) {
        again_.insert(mode);
        return;
    }
    publishing_.insert(mode);
    store_.write(
        [mode](Repositories& r) -> StoreResult<std::optional<Prepared>> {
            TANDEM_TRY_ASSIGN(const people::OwnProfile profile, people::loadOwnProfile(r));
            if (profile.version == 0) {
                return std::optional<Prepared>();  // never set: nothing to publish
            }
            TANDEM_TRY_ASSIGN(people::RecordKeys keys, people::recordKeys(r, mode));
            const QByteArray owner = crypto::qbytes(crypto::ByteView(keys.owner.publicKey));
            const QByteArray name = crypto::recordName(owner);
            TANDEM_TRY_ASSIGN(const auto shared, people::sharedRef(r, mode));
            if (shared && static_cast<std::int64_t>(shared->version()) >= profile.version &&
                QByteArray::fromStdString(shared->record_name()) == name) {
                return std::optional<Prepared>();  // up to date
            }
            const auto version = static_cast<quint64>(profile.version);
            Prepared out;
            TANDEM_TRY_ASSIGN(const auto pending, r.settings.get(pendingKey(mode)));
            proto::record::SignedRecord kept;
            if (pending &&
                kept.ParseFromArray(pending->constData(), static_cast<int>(pending->size()))) {
                out.record = crypto::fromProto(kept);
            }
            if (out.record.version != version || out.record.ownerKey != owner) {
                proto::ProfileData data;
                data.set_name(profile.name.toStdString());
                data.set_avatar(profile.avatar.toStdString());
                auto sealed =
                    crypto::sealProfile(keys.key.span(), crypto::recordAddress(name), version,
                                        QByteArray::fromStdString(data.SerializeAsString()));
                if (!sealed) {
                    return storeError(StoreErrorCode::InvalidArgument, sealed.error().message);
                }
                out.record = crypto::signRecord(keys.owner, version, *sealed);
                TANDEM_TRY(r.settings.set(
                    pendingKey(mode),
                    QByteArray::fromStdString(crypto::toProto(out.record).SerializeAsString())));
            }
            out.ref.set_record_name(name.toStdString());
            out.ref.set_key(std::string(reinterpret_cast<const char*>(keys.key.data()),  // NOLINT
                                        keys.key.size()));
            out.ref.set_version(version);
            return std::optional<Prepared>(std::move(out));
        },
        this,
        [this, mode](StoreResult<std::optional<Prepared>> prepared) {
            TransportRequests* requests = requests_(mode);
            if (!prepared || !*prepared || requests == nullptr) {
                if (!prepared) {
                    qCWarning(lcCore)
                        << "cannot prepare the profile record:" << prepared.error().message;
                }
                publishing_.erase(mode);
                settle();
                return;
            }
            auto shared = std::make_shared<Prepared>(std::move(**prepared));
            requests->putRecord(shared->record, [this, mode, shared](auto stored) {
                if (!stored) {
                    qCInfo(lcCore)
                        << "the profile could not be published yet:" << stored.error().message;
                    publishing_.erase(mode);
                    retry_.start();
                    settle();
                    return;
                }
                published(mode, *shared);
            });
        });
}

void ProfileService::published(Mode mode, const Prepared& prepared) {
    // Every accepted contact of the mode learns of it; the reference is attached when each
    // ProfileUpdate is sealed (people::attachProfile), so it is the one stored now.
    store_.write(
        [mode, ref = prepared.ref](Repositories& r) -> StoreResult<int> {
            // Keys rotated while it was on its way (a block): that record is not shared.
            TANDEM_TRY_ASSIGN(const people::RecordKeys keys, people::recordKeys(r, mode));
            if (crypto::recordName(crypto::qbytes(crypto::ByteView(keys.owner.publicKey))) !=
                QByteArray::fromStdString(ref.record_name())) {
                return -1;
            }
            TANDEM_TRY(people::setSharedRef(r, mode, ref));
            TANDEM_TRY(r.settings.remove(pendingKey(mode)));
            return people::tellAccepted(r, mode, nowMs());
        },
        this,
        [this, mode](StoreResult<int> told) {
            publishing_.erase(mode);
            if (!told) {
                qCWarning(lcCore) << "cannot record the published profile:" << told.error().message;
            } else if (*told > 0) {
                emit queued();
            }
            if (again_.erase(mode) > 0 || (told && *told < 0)) {
                publish(mode);
            }
            settle();
        });
}

void ProfileService::fetchWanted() {
    if (static_cast<int>(fetching_.size()) >= kMaxFetching) {
        fetchAgain_ = true;
        return;
    }
    store_.read([](Repositories& r) { return r.contacts.profilesWanted(); }, this,
                [this](StoreResult<std::vector<Contact>> wanted) {
                    if (!wanted) {
                        qCWarning(lcCore)
                            << "cannot list profiles to fetch:" << wanted.error().message;
                        return;
                    }
                    for (const Contact& c : *wanted) {
                        if (static_cast<int>(fetching_.size()) >= kMaxFetching) {
                            fetchAgain_ = true;
                            break;
                        }
                        if (!fetching_.contains(c.id)) {
                            fetch(c);
                        }
                    }
                });
}

void ProfileService::fetch(const Contact& contact) {
    TransportRequests* requests = requests_(contact.mode);
    const ModeChannel* channel = channels_[contact.mode];
    if (requests == nullptr || channel == nullptr || !channel->isConnected() ||
        contact.profileRecord.size() != crypto::kRecordNameBytes || !contact.profileKey) {
        return;  // when the mode comes online
    }
    fetching_.insert(contact.id);
    requests->getRecord(crypto::recordAddress(contact.profileRecord), [this, contact](auto record) {
        if (!record) {
            qCInfo(lcCore) << "a contact's profile could not be fetched:" << record.error().message;
            fetchDone(contact.id, true);
            return;
        }
        fetched(contact, *record);
    });
}

void ProfileService::fetched(const Contact& contact, const crypto::SignedRecord& record) {
    // The transport checked the signature and the address; the record's name must also be
    // that of the key that signed it, or anyone who learned the name could publish there.
    if (!sameBytes(crypto::recordName(record.ownerKey), contact.profileRecord) ||
        !crypto::verifyRecord(record)) {
        qCInfo(lcCore) << "a contact's profile record was not signed by its owner";
        fetchDone(contact.id, true);
        return;
    }
    auto opened = crypto::openProfile(contact.profileKey->span(),
                                      crypto::recordAddress(contact.profileRecord), record.version,
                                      record.payload);
    proto::ProfileData data;
    if (!opened || !data.ParseFromArray(opened->constData(), static_cast<int>(opened->size()))) {
        qCInfo(lcCore) << "a contact's profile could not be opened";
        fetchDone(contact.id, true);
        return;
    }
    // A name that would not pass as one the user types is dropped, not cut; so is an avatar
    // that is not a small JPEG.
    QString name = QString::fromStdString(data.name()).trimmed();
    if (data.name().size() > static_cast<std::size_t>(crypto::kMaxProfileNameBytes) ||
        !ConversationService::validateName(name)) {
        name.clear();
    }
    QByteArray avatar = QByteArray::fromStdString(data.avatar());
    if (!avatar.isEmpty() && !people::isAcceptableAvatar(avatar)) {
        avatar.clear();
    }
    const auto version = static_cast<std::int64_t>(
        std::min<quint64>(record.version, std::numeric_limits<std::int64_t>::max()));
    store_.write(
        [id = contact.id, recordName = contact.profileRecord, version, name,
         avatar](Repositories& r) -> StoreResult<std::optional<Contact>> {
            TANDEM_TRY_ASSIGN(const bool changed,
                              r.contacts.setProfile(id, recordName, version, name, avatar));
            if (!changed) {
                return std::optional<Contact>();
            }
            TANDEM_TRY_ASSIGN(Contact c, r.contacts.get(id));
            return std::optional<Contact>(std::move(c));
        },
        this,
        [this, id = contact.id](StoreResult<std::optional<Contact>> stored) {
            if (!stored) {
                qCWarning(lcCore) << "cannot keep a contact's profile:" << stored.error().message;
            } else if (*stored) {
                emit contactChanged(**stored);
            }
            // Still wanted if the network had only an older version: tried again later.
            fetchDone(id,
                      !stored || !*stored || (*stored)->profileWanted > (*stored)->profileVersion);
        });
}

void ProfileService::fetchDone(std::int64_t contactId, bool failed) {
    fetching_.erase(contactId);
    if (failed) {
        retry_.start();
    }
    if (fetchAgain_ && fetching_.empty()) {
        fetchAgain_ = false;
        fetchWanted();
    }
    settle();
}

void ProfileService::settle() {
    if (isIdle()) {
        emit settled();
    }
}

}  // namespace tandem::core
