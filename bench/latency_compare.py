#!/usr/bin/env python3
"""latency_compare: Signal mode against Session mode, as `tandemctl latency` measures them
(docs/latency.md), at several emulated link delays, with Session's own polling clients beside
Tandem's push (long-poll) delivery, and each p50 as a ratio to the physical floor.

For each delay D: tandem-localnet --link-delay D (relay + 9 onion nodes on loopback), the two
demo profiles, then per repetition, in one run of the network:
  push       tandemctl latency --to self (both transports interleaved)
  poll 1.5s  Session-mode probes received by polling every 1.5 s (Session mobile), half as
             many, spread over several poll periods
  poll 5s    … every 5 s (Session desktop)
Probes go to ourselves, so one clock measures them. The floor of a probe is the links it
crosses × D: Signal 2 (to the relay and back), Session 6 or 7 (its route says whether the
member it was stored at is the one we receive from). The table gives the medians over the
repetitions of each run's p50 and p99, and p50 / floor.

  bench/latency_compare.py [--bin build/default/app] [--delays 0,10,50] [--messages 60]
                           [--reps 3]
"""
import argparse
import csv
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def nearest_rank(values, total, p):
    """Nearest rank over `total` samples of which `values` (sorted) were answered."""
    rank = max(1, math.ceil(p * total / 100))
    return values[rank - 1] if rank <= len(values) else float("inf")


def links_of(transport, path):
    if transport == "signal":
        return 2
    sent, _, came_from = path.partition("|")
    return 6 if sent.split(">")[-1] == came_from else 7


def run_probes(bin_dir, demo, csv_path, messages, interval, poll_ms):
    args = [os.path.join(bin_dir, "tandemctl"), "--profile", os.path.join(demo, "alice"),
            "--passphrase-file", os.path.join(demo, "alice.pass"), "latency", "--to", "self",
            "--messages", str(messages), "--interval", str(interval), "--timeout", "20",
            "--csv", csv_path]
    if poll_ms:
        args += ["--modes", "session", "--poll", str(poll_ms)]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    with open(csv_path, newline="") as f:
        return list(csv.DictReader(f))


def summarize(rows, transport, delay):
    mine = [r for r in rows if r["transport"] == transport]
    answered = sorted(int(r["round_trip_us"]) / 1000 for r in mine if r["lost"] == "0")
    floors = sorted(links_of(transport, r["path"]) * delay for r in mine if r["lost"] == "0")
    return {
        "count": len(mine),
        "lost": len(mine) - len(answered),
        "p50": nearest_rank(answered, len(mine), 50),
        "p99": nearest_rank(answered, len(mine), 99),
        "floor": statistics.median(floors) if floors else 0,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "build/default/app"))
    parser.add_argument("--delays", default="0,10,50")
    parser.add_argument("--messages", type=int, default=60)
    parser.add_argument("--reps", type=int, default=3)
    opts = parser.parse_args()
    delays = [int(d) for d in opts.delays.split(",")]

    results = {}  # (delay, variant, transport) -> [summary per rep]
    for delay in delays:
        with tempfile.TemporaryDirectory(prefix="latency_compare.") as work:
            net = subprocess.Popen(
                [os.path.join(opts.bin, "tandem-localnet"), "--dir", os.path.join(work, "net"),
                 "--link-delay", str(delay)],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            try:
                deadline = time.time() + 60
                while "ready" not in net.stdout.readline():
                    if time.time() > deadline or net.poll() is not None:
                        sys.exit("tandem-localnet did not become ready")
                demo = os.path.join(work, "demo")
                os.makedirs(demo)
                subprocess.run(["bash", os.path.join(ROOT, "scripts/demo-profiles.sh"), opts.bin,
                                demo, os.path.join(work, "net/network.json")], check=True)
                # Probes to the same recipient leave one at a time: each waits for the swarm's
                # answer, which comes once every member has a copy (8 links: 3 there, 2 to
                # replicate, 3 back). The interval (10 links + 100 ms) keeps them from queueing
                # behind each other, which would measure the queue.
                # Polling: fewer probes, spread over several poll periods at an interval that
                # does not divide them (else every probe would wait the same part of one).
                for rep in range(opts.reps):
                    for variant, poll in (("push", 0), ("poll 1.5 s", 1500), ("poll 5 s", 5000)):
                        count = opts.messages if not poll else max(10, opts.messages // 2)
                        interval = 100 + 10 * delay if not poll else 530 + 10 * delay
                        rows = run_probes(opts.bin, demo, os.path.join(work, "s.csv"),
                                          count, interval, poll)
                        for transport in (("signal", "session") if not poll else ("session",)):
                            s = summarize(rows, transport, delay)
                            results.setdefault((delay, variant, transport), []).append(s)
                            print(f"D={delay} ms rep {rep + 1} {variant:10} {transport:8} "
                                  f"p50 {s['p50']:8.2f} ms  p99 {s['p99']:8.2f} ms  "
                                  f"lost {s['lost']}", file=sys.stderr)
            finally:
                net.terminate()
                net.wait(30)

    print(f"Round trip to ourselves, {opts.messages} probes a transport a run (polling: "
          f"{max(10, opts.messages // 2)}), median of {opts.reps} runs:")
    print(f"{'link delay':>10} {'transport':>18} {'floor ms':>9} {'p50 ms':>9} {'p99 ms':>9} "
          f"{'p50/floor':>9} {'lost':>5}")
    for delay in delays:
        for variant, transport in (("push", "signal"), ("push", "session"),
                                   ("poll 1.5 s", "session"), ("poll 5 s", "session")):
            reps = results.get((delay, variant, transport), [])
            if not reps:
                continue
            p50 = statistics.median(r["p50"] for r in reps)
            p99 = statistics.median(r["p99"] for r in reps)
            floor = statistics.median(r["floor"] for r in reps)
            lost = sum(r["lost"] for r in reps)
            ratio = f"{p50 / floor:9.2f}" if floor else f"{'–':>9}"
            name = transport if variant == "push" else f"{transport} {variant}"
            print(f"{str(delay) + ' ms':>10} {name:>18} {floor:9.0f} {p50:9.2f} {p99:9.2f} "
                  f"{ratio} {lost:5}")


if __name__ == "__main__":
    main()
