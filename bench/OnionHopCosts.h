// OnionHopCosts: what a Session-mode push spends at each hop besides the link, measured in the
// bench's own process with the code the nodes run (crypto/Onion.h's wrap, peel and reply
// seal; the node's protobuf messages and the channel's frame AEAD; NodeStore's commit on the
// loop and until WalSyncer made it durable, in a folder on the same disk as the localnet's),
// each beside the sum of the libsodium primitives it is made of, and a 4 KiB write + fsync on
// that disk.
//
// The path a push crosses (docs/onion.md): the sender wraps three layers; guard, middle and
// the swarm member each read a frame and peel one; the member stores (one commit) and wakes
// the recipient's long-poll, which reads the store and seals the answer; the recipient's
// middle and guard each seal a layer; the recipient opens three. Six frames on the way, one
// more and a replica's commit when the member polled is not the one stored at.
#pragma once

#include <string>
#include <vector>

#include <QString>

namespace tandem::bench {

class OnionHopCosts {
public:
    struct Stage {
        std::string where;        // "sender", "guard", …
        std::string what;         // what the real code does there
        double realUs = 0;        // median, the real code
        std::string primitives;   // what it is made of
        double primitivesUs = 0;  // median of those primitives, summed
        int timesOnPath = 1;      // how often a push waits for it (6-link case)
    };

    // `payloadBytes`: the message the sender stores; `scratchDir`: where the store and the
    // fsync probe write (the same disk as the nodes' data).
    OnionHopCosts(int payloadBytes, QString scratchDir, int iterations = 300);

    void measure();
    [[nodiscard]] const std::vector<Stage>& stages() const { return stages_; }
    [[nodiscard]] double fsyncUs() const { return fsyncUs_; }
    // The sum over the path's stages (each × timesOnPath), real and primitives.
    [[nodiscard]] double pathRealUs() const;
    [[nodiscard]] double pathPrimitivesUs() const;
    [[nodiscard]] double commitUs() const { return commitUs_; }

    void printTable() const;
    // The push p50 (ms) measured through the nodes in the same run, split into the floor
    // (`links` × `delayMs`), the path's work from the table, and the rest (kernel, loopback
    // TCP, the nodes' event loops, scheduling; a 7-link delivery's replica frame and commit).
    void printPath(double pushP50Ms, double links, int delayMs) const;

private:
    void measureLayers();
    void measureStore();
    void measureFsync();
    int payloadBytes_;
    QString scratchDir_;
    int iterations_;
    std::vector<Stage> stages_;
    double fsyncUs_ = 0;
    double commitUs_ = 0;
};

}  // namespace tandem::bench
