// The app's own settings file, ~/.config/tandem/tandem.conf: what is not a profile's (the
// theme and the language are needed before a profile is open). Theme and Language read it.
#pragma once

#include <QSettings>
#include <QStandardPaths>

namespace tandem::gui {

inline QSettings appSettings() {
    return QSettings(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
                         QStringLiteral("/tandem/tandem.conf"),
                     QSettings::IniFormat);
}

}  // namespace tandem::gui
