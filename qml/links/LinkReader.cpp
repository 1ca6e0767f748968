#include "qml/links/LinkReader.h"

#include "app/core/Links.h"

namespace tandem::gui {

namespace {

QString summaryOf(const core::NetworkConfig& config) {
    QStringList parts;
    if (config.relay) {
        parts << LinkReader::tr("relay %1:%2").arg(config.relay->host).arg(config.relay->port);
    }
    if (config.onion) {
        const auto nodes = static_cast<int>(config.onion->directory.nodes.size());
        parts << (nodes == 1 ? LinkReader::tr("1 onion node")
                             : LinkReader::tr("%1 onion nodes").arg(nodes));
    }
    return parts.join(QStringLiteral(" · "));
}

}  // namespace

bool LinkReader::isLink(const QString& text) {
    return core::looksLikeLink(text);
}

QVariantMap LinkReader::read(const QString& text) {
    const auto link = core::parseLink(text);
    if (!link) {
        return {{QStringLiteral("ok"), false}, {QStringLiteral("error"), link.error()}};
    }
    QVariantMap out{{QStringLiteral("ok"), true},
                    {QStringLiteral("error"), QString()},
                    {QStringLiteral("kind"), core::linkKindName(*link)}};
    if (const auto* contact = std::get_if<core::ContactLink>(&*link)) {
        out[QStringLiteral("mode")] = storage::modeName(contact->mode).toLower();
        out[QStringLiteral("address")] = contact->address;
        out[QStringLiteral("nameHint")] = contact->nameHint;
    } else if (const auto* network = std::get_if<core::NetworkLink>(&*link)) {
        out[QStringLiteral("summary")] = summaryOf(network->config);
        out[QStringLiteral("fingerprint")] = core::keyFingerprint(network->key);
    }
    return out;
}

QVariantMap LinkReader::checkNetwork(const QString& pathOrLink) {
    const bool link = core::looksLikeLink(pathOrLink);
    QVariantMap out{{QStringLiteral("ok"), false},
                    {QStringLiteral("error"), QString()},
                    {QStringLiteral("isLink"), link}};
    if (pathOrLink.trimmed().isEmpty()) {
        return out;
    }
    if (link) {
        auto parsed = core::parseNetworkLink(pathOrLink);
        if (!parsed) {
            out[QStringLiteral("error")] = parsed.error();
            return out;
        }
        out[QStringLiteral("summary")] = summaryOf(parsed->config);
        out[QStringLiteral("fingerprint")] = core::keyFingerprint(parsed->key);
    } else {
        // A file of at most 1 MiB, read when the field settles: what the set-up reads anyway.
        auto loaded = core::NetworkConfig::load(pathOrLink);
        if (!loaded) {
            out[QStringLiteral("error")] = loaded.error();
            return out;
        }
        out[QStringLiteral("summary")] = summaryOf(*loaded);
        if (loaded->onion) {
            out[QStringLiteral("fingerprint")] = core::keyFingerprint(loaded->onion->networkKey);
        }
    }
    out[QStringLiteral("ok")] = true;
    return out;
}

QString LinkReader::localFile(const QUrl& url) {
    return url.isLocalFile() ? url.toLocalFile() : QString();
}

}  // namespace tandem::gui
