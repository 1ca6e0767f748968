#include "transport/Transport.h"

Q_LOGGING_CATEGORY(lcTransport, "tandem.transport", QtWarningMsg)
Q_LOGGING_CATEGORY(lcRelay, "tandem.transport.relay", QtWarningMsg)
Q_LOGGING_CATEGORY(lcOnion, "tandem.transport.onion", QtWarningMsg)
Q_LOGGING_CATEGORY(lcNode, "tandem.transport.node", QtWarningMsg)
