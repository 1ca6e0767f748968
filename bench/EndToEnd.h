// relay_bench's end-to-end run: two real profiles (Store + Messenger, SQLCipher) registered
// with a tandem-relayd; sendText → the recipient has it decrypted and stored, one at a time.
#pragma once

#include "bench/RelayBench.h"
#include "bench/RelaydUnderTest.h"

namespace tandem::bench {

Percentiles endToEnd(const Options& o, RelaydUnderTest& relay);

}  // namespace tandem::bench
