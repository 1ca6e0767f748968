#pragma once

#include <QLoggingCategory>

// tandem.core: the Messenger facade and its services.
Q_DECLARE_LOGGING_CATEGORY(lcCore)
