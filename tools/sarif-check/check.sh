#!/usr/bin/env bash
# Validates the SARIF `playbook validate --format sarif` writes with the Microsoft SARIF multitool (pinned in
# package.json): GitHub's ingestion rules (GH*, what code scanning requires of an upload) and the SARIF rules
# (SARIF*). Any error or warning fails; notes (optional extras such as code snippets) are only printed.
# It checks the shipped playbooks (no results: the rules alone) and every diagnostic case file (results of
# almost every rule), and first proves it can fail: a log whose first rule lost its help must be refused.
#
# Usage: tools/sarif-check/check.sh [PLAYBOOK-COMMAND...]   (default: dotnet run --project engine/Playbook.Cli --)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

if [ $# -gt 0 ]; then playbook=("$@"); else playbook=(dotnet run --project engine/Playbook.Cli --); fi
if [ ! -d "$here/node_modules/@microsoft/sarif-multitool" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
# The platform binary itself: its npm wrapper passes arguments through a shell, which splits "Gh;Sarif".
multitool=$(cd "$here" && node -p "require('@microsoft/sarif-multitool')")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# validate exits 1 when it reports errors (the case files are meant to); 2 or 70 is a real failure.
sarif_of() {
  local out=$1; shift
  local rc=0
  "${playbook[@]}" validate "$@" --format sarif > "$out" || rc=$?
  if [ "$rc" -gt 1 ]; then echo "sarif-check: playbook validate $* exited $rc" >&2; exit 1; fi
}

# Runs the multitool on one log and prints "N errors, M warnings, K notes" with each finding.
check() {
  "$multitool" validate "$1" --rule-kind "Gh;Sarif" --level "Error;Warning;Note" \
    --output "$1.validation.sarif" --log ForceOverwrite --quiet >/dev/null
  node "$here/count.js" "$1.validation.sarif" "$2"
}

sarif_of "$work/shipped.sarif" playbooks/
sarif_of "$work/cases.sarif" tests/Playbook.Tests/Cases/data

# The check must be able to fail: drop the help of the first rule and expect GitHub's GH2012 error.
node -e '
  const fs = require("fs"); const log = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  delete log.runs[0].tool.driver.rules[0].help;
  fs.writeFileSync(process.argv[2], JSON.stringify(log, null, 2));' "$work/shipped.sarif" "$work/broken.sarif"
if check "$work/broken.sarif" "a log with a rule missing its help (must be refused)" >"$work/broken.txt"; then
  cat "$work/broken.txt"; echo "sarif-check: the multitool accepted a rule without help: its GitHub rules did not run" >&2; exit 1
fi
grep -q "GH2012" "$work/broken.txt" || { cat "$work/broken.txt"; echo "sarif-check: expected GH2012 on the broken log" >&2; exit 1; }
echo "sarif-check: a rule without help is refused (GH2012), as it must be"

status=0
check "$work/shipped.sarif" "playbook validate playbooks/" || status=1
check "$work/cases.sarif" "playbook validate tests/Playbook.Tests/Cases/data" || status=1
exit $status
