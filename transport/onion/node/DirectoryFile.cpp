#include "transport/onion/node/DirectoryFile.h"

#include <sodium.h>

#include <QFile>
#include <QFileInfo>

#include "crypto/session/SessionKeys.h"
#include "transport/Transport.h"

namespace tandem::transport::onion {

DirectoryFile::DirectoryFile(QString path, const crypto::PublicKey& networkKey,
                             const crypto::PublicKey& self)
    : path_(std::move(path)), networkKey_(networkKey), self_(self) {}

const NodeDirectory* DirectoryFile::current() {
    const QFileInfo info(path_);
    if (!info.exists()) {
        return directory_ ? &*directory_ : nullptr;
    }
    if (info.lastModified() != modified_ || !directory_) {
        modified_ = info.lastModified();
        QFile file(path_);
        problem_ = QStringLiteral("it cannot be read, or is too large");
        if (file.open(QIODevice::ReadOnly) &&
            file.size() <= static_cast<qint64>(NodeDirectory::kMaxBytes)) {
            const QByteArray bytes = file.readAll();
            auto verified = NodeDirectory::verify(
                crypto::ByteView(
                    reinterpret_cast<const std::uint8_t*>(bytes.constData()),  // NOLINT
                    static_cast<std::size_t>(bytes.size())),
                networkKey_, directory_ ? &*directory_ : nullptr);
            if (!verified) {
                problem_ = verified.error();
                qCWarning(lcNode) << "ignoring the directory" << path_ << ":" << verified.error();
            } else {
                problem_.clear();
                if (!directory_ || verified->version >= directory_->version) {
                    directory_ = std::move(verified).value();
                    bytes_ = bytes;
                }
            }
        }
    }
    return directory_ ? &*directory_ : nullptr;
}

void DirectoryFile::setPath(const QString& path) {
    if (path != path_) {
        path_ = path;
        modified_ = {};  // read the new file on the next current()
    }
}

bool DirectoryFile::inSwarmOf(const QString& sessionId, std::vector<NodeInfo>* others) {
    const auto key = crypto::session::parseSessionId(sessionId);
    return key && inSwarmOfKey(*key, others);
}

bool DirectoryFile::inSwarmOfKey(const crypto::PublicKey& key, std::vector<NodeInfo>* others) {
    const NodeDirectory* dir = current();
    if (dir == nullptr) {
        return false;
    }
    const auto swarm = dir->swarmOf(key);
    if (!swarm) {
        return false;
    }
    bool member = false;
    for (const NodeInfo& n : dir->members(*swarm)) {
        if (sodium_memcmp(n.ed25519.data(), self_.data(), 32) == 0) {
            member = true;
        } else if (others != nullptr) {
            others->push_back(n);
        }
    }
    return member;
}

}  // namespace tandem::transport::onion
