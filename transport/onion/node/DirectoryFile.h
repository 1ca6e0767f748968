// DirectoryFile: the signed node directory a node works from, read from its file (written by
// tandem-localnet or an operator, signed by the network key). The file is read again when it
// changes; a version lower than the one held is not taken, nor one the network key did not
// sign (the reason is kept, for start()'s refusal). It also says which swarms this node is
// a member of.
#pragma once

#include <optional>
#include <vector>

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include "crypto/Primitives.h"
#include "transport/onion/Directory.h"

namespace tandem::transport::onion {

class DirectoryFile {
public:
    // `self`: this node's identity key, for membership.
    DirectoryFile(QString path, const crypto::PublicKey& networkKey, const crypto::PublicKey& self);

    // The newest signed directory, read again if the file changed; null if there is none.
    const NodeDirectory* current();
    // The current directory as signed (for GetDirectory).
    [[nodiscard]] const QByteArray& signedBytes() const { return bytes_; }
    // Why the file last read was not taken (empty when it was).
    [[nodiscard]] const QString& problem() const { return problem_; }
    [[nodiscard]] const QString& path() const { return path_; }
    // Reads the directory from `path` from now on (a reload). The directory held stays until
    // one at least as new is read there.
    void setPath(const QString& path);

    // Whether this node is in the swarm of `sessionId` (of `ringKey`); if so the other
    // members are added to `others` (if given).
    bool inSwarmOf(const QString& sessionId, std::vector<NodeInfo>* others);
    bool inSwarmOfKey(const crypto::PublicKey& ringKey, std::vector<NodeInfo>* others);

private:
    QString path_;
    crypto::PublicKey networkKey_{};
    crypto::PublicKey self_{};
    std::optional<NodeDirectory> directory_;
    QByteArray bytes_;  // as signed
    QDateTime modified_;
    QString problem_;
};

}  // namespace tandem::transport::onion
