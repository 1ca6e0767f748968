#include "transport/relay/server/CodeRequestLimiter.h"

#include <iterator>

namespace tandem::relay {

void CodeRequestLimiter::expire(Window& times, std::int64_t before) {
    while (!times.empty() && times.front() < before) {
        times.pop_front();
    }
}

void CodeRequestLimiter::prune(std::map<QString, Window>& windows, std::int64_t nowMs) {
    for (auto it = windows.begin(); it != windows.end();) {
        expire(it->second, nowMs - limits_.windowMs);
        it = it->second.empty() ? windows.erase(it) : std::next(it);
    }
}

CodeRequestLimiter::Window* CodeRequestLimiter::windowOf(std::map<QString, Window>& windows,
                                                         const QString& key, std::int64_t nowMs) {
    auto it = windows.find(key);
    if (it == windows.end()) {
        if (windows.size() >= limits_.maxTracked) {
            prune(windows, nowMs);
            if (windows.size() >= limits_.maxTracked) {
                return nullptr;
            }
        }
        it = windows.emplace(key, Window()).first;
    }
    expire(it->second, nowMs - limits_.windowMs);
    return &it->second;
}

CodeRequestLimiter::Verdict CodeRequestLimiter::request(const QString& number,
                                                        const QString& address,
                                                        std::int64_t nowMs) {
    expire(global_, nowMs - limits_.globalWindowMs);
    if (static_cast<int>(global_.size()) >= limits_.global) {
        return Verdict::GlobalLimited;
    }
    Window* byAddress = windowOf(addresses_, address, nowMs);
    Window* byNumber = windowOf(numbers_, number, nowMs);
    if (byAddress == nullptr || byNumber == nullptr) {
        return Verdict::Full;
    }
    if (static_cast<int>(byAddress->size()) >= limits_.perAddress) {
        return Verdict::AddressLimited;
    }
    if (static_cast<int>(byNumber->size()) >= limits_.perNumber) {
        return Verdict::NumberLimited;
    }
    global_.push_back(nowMs);
    byAddress->push_back(nowMs);
    byNumber->push_back(nowMs);
    return Verdict::Allowed;
}

}  // namespace tandem::relay
