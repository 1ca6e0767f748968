// relay_bench's end-to-end run: two real profiles (Store + Messenger, SQLCipher) registered
// with a tandem-relayd; sendText → the recipient has it decrypted and stored, one at a time.
#pragma once

#include "bench/RelayBench.h"
#include "bench/RelaydUnderTest.h"

namespace tandem::bench {

struct EndToEndResult {
    Percentiles toStore;  // sendText → the recipient's store committed it (its WAL hook)
    Percentiles toCore;   // sendText → messageReceived on the recipient's core thread
    Percentiles hop;      // the relay hop, one message at a time at their pace, after them
};

EndToEndResult endToEnd(const Options& o, RelaydUnderTest& relay);

}  // namespace tandem::bench
