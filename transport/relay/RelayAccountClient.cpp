#include "transport/relay/RelayAccountClient.h"

#include <QPromise>

#include "transport/relay/Address.h"

namespace tandem::transport {

using proto::relay::ClientFrame;
using proto::relay::ServerFrame;

namespace {

TransportError malformed(const char* what) {
    return {TransportError::Code::Rejected,
            QStringLiteral("the relay's answer to a %1 request is malformed").arg(what), false};
}

QByteArray bytes(const std::string& s) {
    return QByteArray::fromStdString(s);
}

}  // namespace

template <class T, class Read>
RelayCall<T> RelayAccountClient::call(ClientFrame frame, Read read) {
    if (!connection_ || !connection_->isReady()) {
        return QtFuture::makeReadyFuture(Expected<T, TransportError>(unexpected(TransportError{
            TransportError::Code::Network, QStringLiteral("not connected to the relay"), true})));
    }
    return connection_->request(std::move(frame))
        .then([read](const RelayReply& reply) -> Expected<T, TransportError> {
            if (!reply) {
                return unexpected(reply.error());
            }
            if (auto error = RelayConnection::errorOf(*reply)) {
                return unexpected(std::move(*error));
            }
            return read(*reply);
        });
}

RelayCall<bool> RelayAccountClient::requestCode(const QString& phone) {
    ClientFrame frame;
    frame.mutable_request_code()->set_phone(phone.toStdString());
    return call<bool>(std::move(frame),
                      [](const ServerFrame& reply) -> Expected<bool, TransportError> {
                          return reply.code_status().required();
                      });
}

RelayCall<QByteArray> RelayAccountClient::registerAccount(const RelayRegistration& registration) {
    ClientFrame frame;
    auto* r = frame.mutable_register_();
    r->set_phone(registration.phone.toStdString());
    r->set_code(registration.code.toStdString());
    r->set_identity_key(registration.identityKey.toStdString());
    r->set_password(registration.password.toStdString());
    r->set_access_key(registration.accessKey.toStdString());
    r->set_share_phone(registration.sharePhone);
    if (!registration.registrationLock.isEmpty()) {
        r->set_registration_lock(registration.registrationLock.toStdString());
    }
    return call<QByteArray>(std::move(frame),
                            [](const ServerFrame& reply) -> Expected<QByteArray, TransportError> {
                                if (!reply.has_registered()) {
                                    return unexpected(malformed("registration"));
                                }
                                return bytes(reply.registered().aci());
                            });
}

RelayCall<void> RelayAccountClient::authenticate(const QString& phone, const QByteArray& password) {
    ClientFrame frame;
    frame.mutable_authenticate()->set_phone(phone.toStdString());
    frame.mutable_authenticate()->set_password(password.toStdString());
    return call<void>(std::move(frame),
                      [](const ServerFrame&) -> Expected<void, TransportError> { return {}; });
}

RelayCall<void> RelayAccountClient::setRegistrationLock(const QByteArray& token) {
    ClientFrame frame;
    frame.mutable_set_registration_lock()->set_token(token.toStdString());
    return call<void>(std::move(frame),
                      [](const ServerFrame&) -> Expected<void, TransportError> { return {}; });
}

RelayCall<void> RelayAccountClient::setAccessKey(const QByteArray& accessKey) {
    if (static_cast<std::size_t>(accessKey.size()) != relay::kAccessKeyBytes) {
        return QtFuture::makeReadyFuture(Expected<void, TransportError>(unexpected(TransportError{
            TransportError::Code::Rejected, QStringLiteral("an access key has 16 bytes"), false})));
    }
    ClientFrame frame;
    frame.mutable_set_access_key()->set_access_key(accessKey.toStdString());
    return call<void>(std::move(frame),
                      [](const ServerFrame& reply) -> Expected<void, TransportError> {
                          if (!reply.has_ok()) {
                              return unexpected(malformed("set access key"));
                          }
                          return {};
                      });
}

RelayCall<QByteArray> RelayAccountClient::senderCertificate() {
    ClientFrame frame;
    frame.mutable_get_certificate();
    return call<QByteArray>(std::move(frame),
                            [](const ServerFrame& reply) -> Expected<QByteArray, TransportError> {
                                if (!reply.has_certificate()) {
                                    return unexpected(malformed("certificate"));
                                }
                                return bytes(reply.certificate().certificate());
                            });
}

RelayCall<std::int64_t> RelayAccountClient::oneTimePreKeysLeft() {
    ClientFrame frame;
    frame.mutable_prekey_status();
    return call<std::int64_t>(
        std::move(frame), [](const ServerFrame& reply) -> Expected<std::int64_t, TransportError> {
            return static_cast<std::int64_t>(reply.prekey_status().one_time_remaining());
        });
}

RelayCall<void> RelayAccountClient::uploadPreKeys(const PreKeyUpload& upload) {
    ClientFrame frame;
    auto* u = frame.mutable_upload_prekeys();
    if (upload.signedKey) {
        u->set_signed_prekey_id(upload.signedKey->id);
        u->set_signed_prekey(upload.signedKey->publicKey.toStdString());
        u->set_signed_prekey_signature(upload.signedKey->signature.toStdString());
    }
    for (const auto& [id, key] : upload.oneTime) {
        auto* k = u->add_one_time();
        k->set_id(id);
        k->set_key(key.toStdString());
    }
    return call<void>(std::move(frame),
                      [](const ServerFrame&) -> Expected<void, TransportError> { return {}; });
}

RelayCall<RelayBundle> RelayAccountClient::fetchBundle(const QString& address) {
    ClientFrame frame;
    frame.mutable_fetch_bundle()->set_phone(address.toStdString());
    return call<RelayBundle>(
        std::move(frame), [](const ServerFrame& reply) -> Expected<RelayBundle, TransportError> {
            if (!reply.has_bundle()) {
                return unexpected(malformed("prekey bundle"));
            }
            return RelayBundle{bytes(reply.bundle().bundle()), bytes(reply.bundle().aci())};
        });
}

RelayCall<std::vector<LookedUp>> RelayAccountClient::lookup(const QStringList& phones) {
    ClientFrame frame;
    for (const QString& phone : phones.mid(0, kMaxLookup)) {
        frame.mutable_lookup()->add_phones(phone.toStdString());
    }
    return call<std::vector<LookedUp>>(
        std::move(frame),
        [](const ServerFrame& reply) -> Expected<std::vector<LookedUp>, TransportError> {
            const auto& result = reply.lookup();
            if (!reply.has_lookup() || result.registered_size() != result.acis_size()) {
                return unexpected(malformed("lookup"));
            }
            std::vector<LookedUp> found;
            for (int i = 0; i < result.registered_size(); ++i) {
                found.push_back(
                    {QString::fromStdString(result.registered(i)), bytes(result.acis(i))});
            }
            return found;
        });
}

}  // namespace tandem::transport
