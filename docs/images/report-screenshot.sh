#!/usr/bin/env bash
# Regenerates docs/images/report.png, the README's picture of an HTML report: a real run of
# tests/Playbook.Tests/Run/data/report-retries.playbook (a restart that fails three times, with pauses between,
# then pages the on-call: exit 1), its HTML report, and a screenshot of its top by headless Chromium
# (Debian's chromium). Run it again whenever the HTML report changes.
#
# Usage: docs/images/report-screenshot.sh [PLAYBOOK-COMMAND...]   (default: dotnet run --project engine/Playbook.Cli --)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -gt 0 ]; then playbook=("$@"); else playbook=(dotnet run --project "$root/engine/Playbook.Cli" --); fi
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "report-screenshot: chromium is missing (apt-get install -y chromium)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/tests/Playbook.Tests/Run/data/report-retries.playbook" "$work/"
cd "$work"
status=0
"${playbook[@]}" run report-retries.playbook --journal journal > run.log 2>&1 || status=$?
# The playbook ends in failure on purpose (exit 1); anything else is a problem worth seeing.
[ "$status" = 1 ] || { cat run.log; echo "report-screenshot: the run exited $status, not 1" >&2; exit 1; }
id=$(basename "$(ls journal/*.journal)" .journal)
"${playbook[@]}" report "$id" --journal journal --format html > report.html
# No network: the report needs none (it is checked under default-src 'none' by ReportInChromiumTests).
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --proxy-server=127.0.0.1:9 --user-data-dir="$work/profile" \
  --window-size=1100,1500 --screenshot="$root/docs/images/report.png" "file://$work/report.html" > chromium.log 2>&1 \
  || { cat chromium.log; exit 1; }
echo "report-screenshot: wrote docs/images/report.png from run $id"
