// TokenBucket: a daemon's request rate limit for one connection. It holds up to `burst`
// tokens, refills at `perSecond`, and a request takes one; with none left it is refused.
#pragma once

#include <algorithm>

#include <QElapsedTimer>

namespace tandem::daemon {

class TokenBucket {
public:
    TokenBucket(double perSecond, double burst)
        : perSecond_(perSecond), burst_(burst), tokens_(burst) {
        clock_.start();
    }

    // Refills for the time since the last call, then takes a token if there is one.
    bool take() {
        const double seconds = static_cast<double>(clock_.restart()) / 1000.0;
        tokens_ = std::min(burst_, tokens_ + seconds * perSecond_);
        if (tokens_ < 1) {
            return false;
        }
        tokens_ -= 1;
        return true;
    }

private:
    double perSecond_;
    double burst_;
    double tokens_;
    QElapsedTimer clock_;
};

}  // namespace tandem::daemon
