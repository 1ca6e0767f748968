#pragma once

#include <QLoggingCategory>

// tandem.storage: database, key file, migrations, repositories. Never logs row contents.
Q_DECLARE_LOGGING_CATEGORY(lcStorage)
