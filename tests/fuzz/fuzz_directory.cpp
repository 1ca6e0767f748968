// libFuzzer target: the signed node directory. The input is read as a signed directory, and
// also signed as the inner directory with the network key, so the checks behind the
// signature (keys, addresses, duplicates, swarm sizes) are reached too.
#include "crypto/Primitives.h"
#include "tandem/node.pb.h"
#include "tests/fuzz/FuzzSupport.h"
#include "transport/onion/Directory.h"

using namespace tandem;
using namespace tandem::crypto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Ed25519KeyPair network = [] {
        fuzz::init();
        return Ed25519KeyPair::fromSeed(fuzz::fixedSecret(9).span());
    }();
    const ByteView input(data, size);
    (void)transport::onion::NodeDirectory::verify(input, network.publicKey);
    proto::node::SignedDirectory outer;
    outer.set_directory(toString(input));
    const std::string context = "tandem node directory v1";
    outer.set_signature(toString(network.sign(concat({view(context), input}))));
    const std::string bytes = outer.SerializeAsString();
    if (const auto d = transport::onion::NodeDirectory::verify(view(bytes), network.publicKey)) {
        if (d->nodes.empty() || d->swarmIds().empty()) {
            std::abort();  // verify() promised at least one node
        }
        (void)d->swarmOf(d->nodes.front().x25519);
    }
    return 0;
}
