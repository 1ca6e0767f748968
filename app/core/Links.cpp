#include "app/core/Links.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonDocument>
#include <QStringDecoder>
#include <QUrl>

#include <tandem/common/Ascii.h>

#include "app/core/Addresses.h"
#include "app/core/ConversationService.h"
#include "app/core/LinkCodec.h"
#include "crypto/session/SessionKeys.h"
#include "transport/relay/Address.h"

namespace tandem::core {

namespace {

constexpr QLatin1StringView kScheme("tandem://");
constexpr std::string_view kNetworkSignatureLabel = "tandem network link v1";
constexpr qsizetype kMaxNameInMessage = 32;

using Fields = QHash<QString, QString>;

struct FieldSpec {
    QLatin1StringView name;
    bool required;
};

// The name=value pairs of a link's fragment: each a field of the kind, given once, not
// empty; every required one there.
Expected<Fields, QString> readFields(QStringView fragment, const QString& kind,
                                     std::initializer_list<FieldSpec> specs) {
    if (fragment.isEmpty()) {
        return unexpected(
            QCoreApplication::translate("Links", "the %1 link has no fields after \"#\"")
                .arg(kind));
    }
    Fields fields;
    for (const QStringView part : fragment.split(u'&')) {
        const qsizetype eq = part.indexOf(u'=');
        const QString name = (eq < 0 ? part : part.left(eq)).toString();
        if (eq <= 0) {
            return unexpected(
                QCoreApplication::translate("Links", "\"%1\" is not a field (name=value)")
                    .arg(part.left(kMaxNameInMessage)));
        }
        const bool known = std::any_of(specs.begin(), specs.end(),
                                       [&](const FieldSpec& s) { return s.name == name; });
        if (!known) {
            return unexpected(QCoreApplication::translate("Links", "a %1 link has no field \"%2\"")
                                  .arg(kind, name.left(kMaxNameInMessage)));
        }
        if (fields.contains(name)) {
            return unexpected(
                QCoreApplication::translate("Links", "the field \"%1\" appears twice").arg(name));
        }
        const QStringView value = part.mid(eq + 1);
        if (value.isEmpty()) {
            return unexpected(
                QCoreApplication::translate("Links", "the field \"%1\" is empty").arg(name));
        }
        fields.insert(name, value.toString());
    }
    for (const FieldSpec& spec : specs) {
        if (spec.required && !fields.contains(spec.name)) {
            return unexpected(QCoreApplication::translate(
                                  "Links", "the %1 link has no \"%2\" field (was it cut short?)")
                                  .arg(kind, spec.name));
        }
    }
    return fields;
}

crypto::ByteView bytesOf(const QByteArray& bytes) {
    return {reinterpret_cast<const std::uint8_t*>(bytes.constData()),  // NOLINT
            static_cast<std::size_t>(bytes.size())};
}

QByteArray signedPart(const crypto::PublicKey& key, const QByteArray& config) {
    const crypto::Bytes message =
        crypto::concat({crypto::view(kNetworkSignatureLabel), key, bytesOf(config)});
    return {reinterpret_cast<const char*>(message.data()),  // NOLINT
            static_cast<qsizetype>(message.size())};
}

Expected<NetworkLink, QString> readNetwork(QStringView fragment) {
    const auto fields = readFields(fragment, QStringLiteral("network"),
                                   {{QLatin1StringView("key"), true},
                                    {QLatin1StringView("config"), true},
                                    {QLatin1StringView("sig"), true}});
    if (!fields) {
        return unexpected(fields.error());
    }
    NetworkLink link;
    const auto key = parseLowerHex(fields->value(QStringLiteral("key")), 32);
    if (!key) {
        return unexpected(QCoreApplication::translate(
            "Links", "\"key\" must be the network key: 64 lowercase hexadecimal digits"));
    }
    std::copy(key->begin(), key->end(), link.key.begin());
    const auto signature = fromBase64Url(fields->value(QStringLiteral("sig")));
    if (!signature || signature->size() != 64) {
        return unexpected(QCoreApplication::translate(
            "Links", "\"sig\" must be a 64-byte signature in base64url (86 characters)"));
    }
    const auto config = fromBase64Url(fields->value(QStringLiteral("config")));
    if (!config) {
        return unexpected(QCoreApplication::translate("Links", "\"config\" is not base64url"));
    }
    if (!crypto::ed25519Verify(link.key, bytesOf(signedPart(link.key, *config)),
                               bytesOf(*signature))) {
        return unexpected(
            QCoreApplication::translate("Links",
                                        "its signature does not match: the link was altered or "
                                        "cut short, or not made with that network key"));
    }
    const auto json = inflateBounded(*config, kMaxLinkNetworkBytes);
    if (!json) {
        return unexpected(
            QCoreApplication::translate("Links", "the network it carries: %1").arg(json.error()));
    }
    auto parsed = NetworkConfig::parse(*json);
    if (!parsed) {
        return unexpected(
            QCoreApplication::translate("Links", "the network it carries: %1").arg(parsed.error()));
    }
    if (!parsed->relay && !parsed->onion) {
        return unexpected(
            QCoreApplication::translate("Links", "it names neither a relay nor an onion network"));
    }
    if (parsed->onion && parsed->onion->networkKey != link.key) {
        return unexpected(QCoreApplication::translate(
            "Links", "the onion network's key is not the key that signed the link"));
    }
    link.config = std::move(parsed).value();
    return link;
}

Expected<ContactLink, QString> contactAddress(const QString& id) {
    if (id.startsWith(u'+')) {
        return unexpected(QCoreApplication::translate(
            "Links",
            "a contact link carries an account id (aci:…) or a Session ID, never a phone number"));
    }
    if (const auto unusable = unusableSessionId(id)) {
        return unexpected(*unusable);
    }
    const auto mode = modeOf(id);
    if (!mode) {
        return unexpected(
            QCoreApplication::translate("Links",
                                        "\"id\" is neither a Signal account id (aci: and 32 "
                                        "lowercase hex digits) nor a Session ID (05 and 64 "
                                        "lowercase hex digits)"));
    }
    return ContactLink{*mode, id, {}};
}

Expected<QString, QString> checkedName(const QString& name) {
    const auto valid = ConversationService::validateName(name);
    if (!valid) {
        return unexpected(QCoreApplication::translate("Links", "the name it suggests: %1")
                              .arg(valid.error().message));
    }
    return name;
}

Expected<ContactLink, QString> readContact(QStringView fragment) {
    const auto fields =
        readFields(fragment, QStringLiteral("contact"),
                   {{QLatin1StringView("id"), true}, {QLatin1StringView("name"), false}});
    if (!fields) {
        return unexpected(fields.error());
    }
    auto link = contactAddress(fields->value(QStringLiteral("id")));
    if (!link) {
        return link;
    }
    if (fields->contains(QStringLiteral("name"))) {
        const auto utf8 = percentDecode(fields->value(QStringLiteral("name")));
        QStringDecoder decoder(QStringDecoder::Utf8);
        const QString name = utf8 ? QString(decoder(*utf8)) : QString();
        if (!utf8 || decoder.hasError()) {
            return unexpected(QCoreApplication::translate(
                "Links", "the name it suggests is not percent-encoded UTF-8"));
        }
        auto checked = checkedName(name);
        if (!checked) {
            return unexpected(checked.error());
        }
        link->nameHint = std::move(checked).value();
    }
    return link;
}

// The kind named after "tandem://" (up to "/", "#" or "?") and what follows it.
struct Parts {
    QString kind;
    QStringView rest;
};

Expected<Parts, QString> split(const QString& link) {
    if (!link.startsWith(kScheme)) {
        return unexpected(
            link.startsWith(kScheme, Qt::CaseInsensitive)
                ? QCoreApplication::translate("Links",
                                              "a Tandem link starts with tandem:// in lower case")
                : QCoreApplication::translate("Links", "a Tandem link starts with tandem://"));
    }
    for (qsizetype i = 0; i < link.size(); ++i) {
        const char16_t c = link.at(i).unicode();
        if (c <= u' ' || c >= 0x7f) {
            return unexpected(
                QCoreApplication::translate("Links",
                                            "a Tandem link is printable ASCII without spaces; "
                                            "this one holds U+%1 at character %2")
                    .arg(static_cast<uint>(c), 4, 16, QLatin1Char('0'))
                    .arg(i + 1));
        }
    }
    const QStringView after = QStringView(link).mid(kScheme.size());
    qsizetype end = 0;
    while (end < after.size() && after[end] != u'/' && after[end] != u'#' && after[end] != u'?') {
        ++end;
    }
    return Parts{after.left(end).toString(), after.mid(end)};
}

}  // namespace

bool looksLikeLink(const QString& text) {
    return text.trimmed().startsWith(kScheme, Qt::CaseInsensitive);
}

Expected<Link, QString> parseLink(const QString& text) {
    if (text.size() > kMaxLinkChars) {
        return unexpected(QCoreApplication::translate(
                              "Links", "a Tandem link has at most %1 characters; this one has %2")
                              .arg(kMaxLinkChars)
                              .arg(text.size()));
    }
    const QString link = text.trimmed();
    if (link.isEmpty()) {
        return unexpected(QCoreApplication::translate("Links", "the link is empty"));
    }
    const auto parts = split(link);
    if (!parts) {
        return unexpected(parts.error());
    }
    const QString& kind = parts->kind;
    if (kind == QLatin1String("stickers")) {
        auto pack = crypto::parseStickerLink(link);
        if (!pack) {
            return unexpected(pack.error().message);
        }
        return Link(StickerLink{std::move(pack).value()});
    }
    if (kind != QLatin1String("network") && kind != QLatin1String("contact")) {
        return unexpected(QCoreApplication::translate(
                              "Links",
                              "\"tandem://%1\" is no kind of link Tandem knows (network, contact, "
                              "stickers)")
                              .arg(kind.left(kMaxNameInMessage)));
    }
    if (!parts->rest.startsWith(u"/#")) {
        return unexpected(
            QCoreApplication::translate("Links", "a %1 link carries its fields after tandem://%1/#")
                .arg(kind));
    }
    const QStringView fragment = parts->rest.mid(2);
    if (kind == QLatin1String("network")) {
        auto network = readNetwork(fragment);
        if (!network) {
            return unexpected(QCoreApplication::translate("Links", "not a valid network link: %1")
                                  .arg(network.error()));
        }
        return Link(std::move(network).value());
    }
    auto contact = readContact(fragment);
    if (!contact) {
        return unexpected(QCoreApplication::translate("Links", "not a valid contact link: %1")
                              .arg(contact.error()));
    }
    return Link(std::move(contact).value());
}

QString linkKindName(const Link& link) {
    if (std::holds_alternative<NetworkLink>(link)) {
        return QStringLiteral("network");
    }
    return std::holds_alternative<ContactLink>(link) ? QStringLiteral("contact")
                                                     : QStringLiteral("stickers");
}

namespace {

template <class T>
Expected<T, QString> parseOne(const QString& text, const QString& wanted) {
    auto link = parseLink(text);
    if (!link) {
        return unexpected(std::move(link).error());
    }
    if (!std::holds_alternative<T>(*link)) {
        return unexpected(QCoreApplication::translate("Links", "this is a %1 link, not a %2 link")
                              .arg(linkKindName(*link), wanted));
    }
    return std::get<T>(std::move(*link));
}

}  // namespace

Expected<NetworkLink, QString> parseNetworkLink(const QString& text) {
    return parseOne<NetworkLink>(text, QStringLiteral("network"));
}

Expected<ContactLink, QString> parseContactLink(const QString& text) {
    return parseOne<ContactLink>(text, QStringLiteral("contact"));
}

Expected<QString, QString> formatNetworkLink(const QByteArray& networkJson,
                                             const crypto::Ed25519KeyPair& networkKey) {
    const auto config = NetworkConfig::parse(networkJson);
    if (!config) {
        return unexpected(config.error());
    }
    if (!config->relay && !config->onion) {
        return unexpected(QCoreApplication::translate(
            "Links", "the network names neither a relay nor an onion network"));
    }
    if (config->onion && config->onion->networkKey != networkKey.publicKey) {
        return unexpected(QCoreApplication::translate(
            "Links", "the onion network's key is not the key the link would be signed with"));
    }
    const QByteArray compact = QJsonDocument::fromJson(networkJson).toJson(QJsonDocument::Compact);
    const QByteArray deflated = deflateBytes(compact);
    const crypto::Signature signature =
        networkKey.sign(bytesOf(signedPart(networkKey.publicKey, deflated)));
    const QString link =
        kScheme + QStringLiteral("network/#key=") +
        QString::fromLatin1(
            QByteArray(reinterpret_cast<const char*>(networkKey.publicKey.data()), 32)  // NOLINT
                .toHex()) +
        QStringLiteral("&config=") + toBase64Url(deflated) + QStringLiteral("&sig=") +
        toBase64Url(QByteArray(reinterpret_cast<const char*>(signature.data()),  // NOLINT
                               static_cast<qsizetype>(signature.size())));
    if (link.size() > kMaxLinkChars) {
        return unexpected(
            QCoreApplication::translate("Links",
                                        "the network's link would have %1 characters, more than "
                                        "%2: share its network.json instead")
                .arg(link.size())
                .arg(kMaxLinkChars));
    }
    return link;
}

Expected<QString, QString> formatContactLink(const QString& address, const QString& nameHint) {
    const auto contact = contactAddress(address);
    if (!contact) {
        return unexpected(contact.error());
    }
    QString link = kScheme + QStringLiteral("contact/#id=") + address;
    if (!nameHint.isEmpty()) {
        if (auto checked = checkedName(nameHint); !checked) {
            return unexpected(checked.error());
        }
        link += QStringLiteral("&name=") + QString::fromLatin1(QUrl::toPercentEncoding(nameHint));
    }
    return link;
}

QString keyFingerprint(const crypto::PublicKey& key) {
    const QByteArray hex =
        QByteArray(reinterpret_cast<const char*>(key.data()), 32).toHex();  // NOLINT
    QStringList groups;
    for (qsizetype i = 0; i < hex.size(); i += 8) {
        groups << QString::fromLatin1(hex.mid(i, 8));
    }
    return groups.join(u' ');
}

}  // namespace tandem::core
