#!/usr/bin/env python3
"""Cold starts of several commands, interleaved and rotated so that a burst of load hits each alike.

usage: cold-start-ab.py RUNS NAME='[ENV=V ...] COMMAND ...' [NAME='...' ...]

Each command is started twice to warm the page cache, then RUNS times; prints the median and minimum wall time and
the median CPU time (user + system of the reaped child) of each, and the ratio of each median to the first one's.
Every command must exit 0. Example (from the repository root, two ReadyToRun publishes and a hello world):

  python3 tools/Playbook.Benchmarks/cold-start-ab.py 30 hello=/tmp/hello/out/hello \\
      main='/tmp/pb-main/playbook validate playbooks/worker-rollback.playbook' \\
      branch='/tmp/pb-branch/playbook validate playbooks/worker-rollback.playbook'
"""
import os, shlex, statistics, subprocess, sys, time


def parse(spec):
    name, _, command = spec.partition('=')
    words = shlex.split(command)
    env = {}
    while words and '=' in words[0] and not words[0].startswith('/'):
        key, _, value = words.pop(0).partition('=')
        env[key] = value
    return name, env, words


def start(env, argv):
    full = dict(os.environ, **env)
    before = os.times()
    clock = time.perf_counter()
    subprocess.run(argv, env=full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = (time.perf_counter() - clock) * 1000
    after = os.times()
    cpu = ((after.children_user - before.children_user) + (after.children_system - before.children_system)) * 1000
    return wall, cpu


def main():
    runs = int(sys.argv[1])
    commands = [parse(spec) for spec in sys.argv[2:]]
    for _, env, argv in commands:
        start(env, argv)
        start(env, argv)
    walls = [[] for _ in commands]
    cpus = [[] for _ in commands]
    for i in range(runs):
        for k in range(len(commands)):
            j = (i + k) % len(commands)
            wall, cpu = start(commands[j][1], commands[j][2])
            walls[j].append(wall)
            cpus[j].append(cpu)
    base = statistics.median(walls[0])
    for (name, _, _), wall, cpu in zip(commands, walls, cpus):
        print(f"{name:12} wall median {statistics.median(wall):7.1f} ms (min {min(wall):7.1f}), "
              f"{statistics.median(wall) / base:4.2f}x {commands[0][0]}; CPU median {statistics.median(cpu):6.1f} ms")
    print("load", open('/proc/loadavg').read().strip() if os.path.exists('/proc/loadavg') else '?')


if __name__ == '__main__':
    main()
