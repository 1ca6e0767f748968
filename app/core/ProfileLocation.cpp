#include "app/core/ProfileLocation.h"

#include <QStandardPaths>

namespace tandem::core {

QString defaultProfileDirectory() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/tandem");
}

}  // namespace tandem::core
