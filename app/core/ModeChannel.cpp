#include "app/core/ModeChannel.h"

#include "app/core/session/SessionChannel.h"
#include "app/core/signal/SignalChannel.h"

namespace tandem::core {

ModeChannel* Channels::operator[](storage::Mode mode) const {
    const auto it = map_.find(mode);
    return it == map_.end() ? nullptr : it->second.get();
}

void Channels::add(std::unique_ptr<ModeChannel> channel) {
    const storage::Mode mode = channel->mode();
    map_[mode] = std::move(channel);
}

std::unique_ptr<ModeChannel> makeChannel(storage::Mode mode, storage::Store& store,
                                         const std::optional<NetworkConfig>& network,
                                         const ChannelOptions& options) {
    switch (mode) {
        case storage::Mode::Signal:
            return std::make_unique<SignalChannel>(store, network);
        case storage::Mode::Session:
            return std::make_unique<SessionChannel>(store, network, options);
    }
    return nullptr;
}

}  // namespace tandem::core
