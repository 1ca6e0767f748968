#include "qml/core/ModeStatus.h"

namespace tandem::gui {

QString ModeStatus::modeName() const {
    return storage::modeName(mode_).toLower();
}

QString ModeStatus::text() const {
    if (!hasAccount()) {
        return words_.noAccount;
    }
    if (connected_) {
        return words_.connected;
    }
    return tr("Connecting…");
}

QStringList ModeStatus::path() const {
    // The onion transport names the last hop "your swarm": a word, not an address.
    QStringList shown = path_;
    for (QString& hop : shown) {
        if (hop == QLatin1String("your swarm")) {
            hop = tr("your swarm");
        }
    }
    return shown;
}

void ModeStatus::setAddress(const QString& address) {
    if (address != address_) {
        address_ = address;
        emit changed();
    }
}

void ModeStatus::setConnection(bool connected, const QString& detail, const QStringList& path) {
    if (connected == connected_ && detail == detail_ && path == path_) {
        return;
    }
    connected_ = connected;
    detail_ = detail;
    path_ = path;
    emit changed();
}

}  // namespace tandem::gui
