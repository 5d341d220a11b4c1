#!/usr/bin/env bash
# How many methods a cold `playbook validate` compiles at run time, against a budget: CI's guard on the tool's start.
#
# usage: tools/Playbook.Benchmarks/jit-budget.sh PLAYBOOK_TOOL PATH BUDGET     (PATH: a playbook or a directory of them)
#
# The ReadyToRun tool precompiles our code, but not the framework's generic code instantiated over a value type
# (Dictionary<string, SomeStruct>, List<int>, Sprache parsers of a tuple…): the JIT compiles each such method at every
# start, ~0.18 ms apiece, and 250 of them made a cold validate 3.3x a hello world (tools/Playbook.Benchmarks/README.md,
# "Cold start: the generic code nobody precompiles"). The count is exact, unlike a time: one core (no warm-up thread)
# and no call counting (no tier-1 recompiles), so the same binary always compiles the same methods.
set -euo pipefail
tool=$1 playbook=$2 budget=$3
list=$(mktemp)
trap 'rm -f "$list"' EXIT
DOTNET_PROCESSOR_COUNT=1 DOTNET_TC_CallCounting=0 DOTNET_JitDisasmSummary=1 DOTNET_JitStdOutFile="$list" \
  "$tool" validate "$playbook" >/dev/null
count=$(grep -c 'JIT compiled' "$list" || true)
if [ "$count" -gt "$budget" ]; then
  echo "jit-budget: a cold 'playbook validate $playbook' compiled $count methods at run time, more than the budget of $budget:" >&2
  sed 's/^ *[0-9]*: JIT compiled /  /' "$list" >&2
  echo "jit-budget: on the validate path, prefer classes to structs and tuples as the type arguments of framework" \
    "collections, LINQ and Sprache (see tools/Playbook.Benchmarks/README.md, \"Cold start\")." >&2
  exit 1
fi
echo "jit-budget: a cold 'playbook validate $playbook' compiled $count methods at run time (budget $budget)"
