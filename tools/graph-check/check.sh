#!/usr/bin/env bash
# Renders every shipped playbook's graph with the real consumers and fails on any error, any warning, or a drawing
# wider than 2 000 px (page width):
#   - Mermaid: mermaid-cli (pinned in package.json) in the system Chromium (puppeteer.json), one mmdc run for all
#     the charts (a Markdown file with one block per playbook, plus tests/Playbook.Tests/Graph/data/collisions,
#     whose titles hold & > < and quotes that must show as such);
#   - DOT: Graphviz's dot -Tsvg, one run per playbook; anything on its stderr fails.
#   - the Mermaid gantt of each golden Markdown report (tests/Playbook.Tests/Reporting/golden), one mmdc run.
# It first proves it can fail: a chart with a syntax error must be refused by mmdc.
#
# Usage: tools/graph-check/check.sh [PLAYBOOK-COMMAND...]   (default: dotnet run --project engine/Playbook.Cli --)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

if [ $# -gt 0 ]; then playbook=("$@"); else playbook=(dotnet run --project engine/Playbook.Cli --); fi
if [ ! -x "$here/node_modules/.bin/mmdc" ]; then
  (cd "$here" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
command -v dot >/dev/null 2>&1 || { echo "graph-check: graphviz's dot is missing (apt-get install -y graphviz)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=(playbooks/*.playbook tests/Playbook.Tests/Graph/data/collisions.playbook)

status=0
echo "== graph-check: dot -Tsvg on ${#files[@]} playbooks"
for f in "${files[@]}"; do
  "${playbook[@]}" graph "$f" --format dot > "$work/g.dot"
  if ! dot -Tsvg "$work/g.dot" > "$work/g.svg" 2> "$work/dot.err" || [ -s "$work/dot.err" ]; then
    echo "graph-check: dot on $f:"; cat "$work/dot.err"; status=1; continue
  fi
  node "$here/width.js" dot "$f" "$work/g.svg" || status=1
done

echo "== graph-check: mermaid-cli on ${#files[@]} playbooks (one run)"
: > "$work/all.md"
for f in "${files[@]}"; do
  { echo '```mermaid'; "${playbook[@]}" graph "$f" --format mermaid; echo '```'; echo; } >> "$work/all.md"
done
mmdc=("$here/node_modules/.bin/mmdc" -p "$here/puppeteer.json" -q)

# The check must be able to fail: mmdc must refuse a chart with a syntax error.
printf 'flowchart TD\n  a --> -->\n' > "$work/broken.mmd"
if "${mmdc[@]}" -i "$work/broken.mmd" -o "$work/broken.svg" > "$work/broken.log" 2>&1; then
  cat "$work/broken.log"; echo "graph-check: mmdc accepted a chart with a syntax error" >&2; exit 1
fi
echo "graph-check: a chart with a syntax error is refused, as it must be"

start=$(date +%s)
if ! "${mmdc[@]}" -i "$work/all.md" -o "$work/out.md" > "$work/mmdc.log" 2>&1; then
  cat "$work/mmdc.log"; echo "graph-check: mmdc failed" >&2; exit 1
fi
if [ -s "$work/mmdc.log" ]; then cat "$work/mmdc.log"; echo "graph-check: mmdc printed warnings" >&2; status=1; fi
echo "graph-check: mmdc rendered ${#files[@]} charts in $(( $(date +%s) - start )) s"
i=1
for f in "${files[@]}"; do
  node "$here/width.js" mermaid "$f" "$work/out-$i.svg" || status=1
  i=$((i + 1))
done

# The Markdown report's timeline is a Mermaid gantt: render the one of each golden report (real runs: a success,
# a failure after retries, a crash and resume through an approval; the report tests keep them current).
reports=(tests/Playbook.Tests/Reporting/golden/*.report.md)
echo "== graph-check: mermaid-cli on the gantt of ${#reports[@]} Markdown reports (one run)"
: > "$work/gantt.md"
for r in "${reports[@]}"; do
  n=$(grep -c '^```mermaid$' "$r" || true)
  if [ "$n" != 1 ]; then echo "graph-check: $r has $n mermaid blocks, not its one gantt"; status=1; fi
  awk '/^```mermaid$/{on=1; print; next} /^```$/{if(on){on=0; print; print ""}; next} on' "$r" >> "$work/gantt.md"
done
if ! "${mmdc[@]}" -i "$work/gantt.md" -o "$work/gantt-out.md" > "$work/gantt.log" 2>&1; then
  cat "$work/gantt.log"; echo "graph-check: mmdc failed on a report's gantt" >&2; exit 1
fi
if [ -s "$work/gantt.log" ]; then cat "$work/gantt.log"; echo "graph-check: mmdc printed warnings" >&2; status=1; fi
i=1
for r in "${reports[@]}"; do
  node "$here/width.js" gantt "$r" "$work/gantt-out-$i.svg" || status=1
  i=$((i + 1))
done
exit $status
