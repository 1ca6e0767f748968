// Errors of the core: a code and a sentence for the user. Built from the store's, the
// crypto layer's and the transports' errors at the boundary where they meet.
#pragma once

#include <QString>

#include <tandem/common/Expected.h>

#include "storage/StoreError.h"
#include "transport/Transport.h"

namespace tandem::core {

enum class CoreErrorCode {
    Storage,          // the store refused (see its message)
    InvalidArgument,  // what the caller asked for is not possible as given
    NotRegistered,    // no account for this mode in the profile
    Network,          // the network could not be reached (retry later)
    Rejected,         // the network refused (wrong code, unknown recipient, …)
    Crypto,           // a message could not be encrypted or decrypted
    Locked,           // registration: the number has a registration lock; its PIN is needed
};

struct CoreError {
    CoreErrorCode code = CoreErrorCode::Storage;
    QString message;
};

template <class T>
using CoreResult = Expected<T, CoreError>;

inline Unexpected<CoreError> coreError(CoreErrorCode code, QString message) {
    return unexpected(CoreError{code, std::move(message)});
}

inline CoreError fromStore(const storage::StoreError& e) {
    return {e.code == storage::StoreErrorCode::InvalidArgument ? CoreErrorCode::InvalidArgument
                                                               : CoreErrorCode::Storage,
            e.message};
}

inline CoreError fromTransport(const transport::TransportError& e) {
    if (e.code == transport::TransportError::Code::Locked) {
        return {CoreErrorCode::Locked, e.message};
    }
    const bool network = e.code == transport::TransportError::Code::Network ||
                         e.code == transport::TransportError::Code::Timeout;
    return {network ? CoreErrorCode::Network : CoreErrorCode::Rejected, e.message};
}

}  // namespace tandem::core
