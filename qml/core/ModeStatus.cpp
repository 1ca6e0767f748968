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
    return detail_.isEmpty() ? tr("Connecting…") : detail_;
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
