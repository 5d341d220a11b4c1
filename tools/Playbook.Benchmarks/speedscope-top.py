#!/usr/bin/env python3
"""Top inclusive (and self) frames of a dotnet-trace speedscope file, as a share of the time spent under
a root frame (default: any frame naming SimulatedRun: the benchmark method or its async state machine), over every thread.

    python3 tools/Playbook.Benchmarks/speedscope-top.py trace.speedscope.json [ROOT-SUBSTRING] [TOP]

Inclusive time counts a frame once per stack (recursion is not double counted); only stacks that contain
the root frame count, so set-up, warm-up and other loops in the same process are left out."""
import json
import re
import sys
from collections import defaultdict


PSEUDO = ("CPU_TIME", "UNMANAGED_CODE_TIME", "PollGC")


def short(name):
    """Drops the module prefix of the core library and argument lists."""
    name = re.sub(r"\(class [^)]*\)|\(value class [^)]*\)", "()", name)
    return name.replace("System.Private.CoreLib!", "")


def main():
    path = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) > 2 else "SimulatedRun"
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    data = json.load(open(path))
    names = [f["name"] for f in data["shared"]["frames"]]
    inclusive = defaultdict(float)
    self_time = defaultdict(float)
    total = 0.0
    for profile in data["profiles"]:
        if profile.get("type") != "evented":
            continue
        stack = []  # frame indices, outermost first
        last = None
        for event in profile["events"]:
            at = event["at"]
            if last is not None and stack and at > last:
                span = at - last
                frames = [names[f] for f in stack]
                if any(root in n for n in frames):
                    total += span
                    for n in set(frames):
                        inclusive[n] += span
                    # The sampler stops threads at GC-safe points: skip the pseudo-frames to the real leaf.
                    leaf = next((n for n in reversed(frames) if not any(p in n for p in PSEUDO)), frames[-1])
                    self_time[leaf] += span
            last = at
            if event["type"] == "O":
                stack.append(event["frame"])
            elif event["type"] == "C":
                # close the frame (speedscope closes innermost first)
                if stack and stack[-1] == event["frame"]:
                    stack.pop()
                elif event["frame"] in stack:
                    del stack[len(stack) - 1 - stack[::-1].index(event["frame"])]
    if total == 0:
        print(f"no stack contains '{root}'")
        return
    print(f"time under '{root}': {total:.0f} {data['profiles'][0].get('unit', '')} (100%)")
    print("\ntop inclusive frames")
    for n, t in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {100 * t / total:5.1f}%  {short(n)[:160]}")
    print("\ntop self frames")
    for n, t in sorted(self_time.items(), key=lambda kv: -kv[1])[:top // 2]:
        print(f"  {100 * t / total:5.1f}%  {short(n)[:160]}")


if __name__ == "__main__":
    main()
