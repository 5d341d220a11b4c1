// Checks one rendered SVG: Graphviz's (width in pt, 96/72 px each) or mermaid-cli's (viewBox width in px; a report's
// gantt must be drawn as one, with every task) must be at
// most 2 000 px wide; a Mermaid error diagram fails; the collisions playbook's titles must show & > < and quotes as
// such (escaped once for SVG, never as a literal "&amp;").
const fs = require('fs');
const [kind, source, svgPath] = process.argv.slice(2);
const svg = fs.readFileSync(svgPath, 'utf8');
const fail = (why) => { console.log(`graph-check: ${kind} ${source}: ${why}`); process.exit(1); };
let px;
if (kind === 'dot') {
  const m = /<svg width="([0-9.]+)pt"/.exec(svg);
  if (!m) fail('no width in the SVG');
  px = Number(m[1]) * 96 / 72;
  // The graph's size attribute makes dot scale a wider drawing down to the page width, text and all: every
  // shipped playbook must fit at 100 %.
  const scale = Number((/transform="scale\(([0-9.]+) /.exec(svg) || [0, 1])[1]);
  if (scale < 1) fail(`drawn at ${Math.round(scale * 100)} %: ${Math.round(px / scale)} px wide at 100 %, more than 2000`);
  const fonts = new Set([...svg.matchAll(/font-family="([^"]*)"/g)].map((x) => x[1]));
  if (fonts.size !== 1) fail(`${fonts.size} font families: ${[...fonts].join(' | ')}`);
} else {
  if (kind === 'gantt') {
    // A report's timeline: drawn as a gantt, every task of the block shown (one per attempt, wait, budget, gap).
    if (!/aria-roledescription="gantt"/.test(svg)) fail('not drawn as a gantt');
    const md = fs.readFileSync(source, 'utf8');
    const block = /^```mermaid\n([\s\S]*?)^```$/m.exec(md)[1];
    const tasks = [...block.matchAll(/^  (?!section |dateFormat |axisFormat )(.+?) :/gm)].map((x) => x[1]);
    if (tasks.length === 0) fail('the gantt has no task');
    for (const t of tasks) if (!new RegExp(`>${t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} ?</text>`).test(svg)) fail(`task "${t}" is not drawn`);
  }
  if (/aria-roledescription="error"/.test(svg) || /Syntax error in text/.test(svg)) fail('Mermaid drew an error');
  const m = /viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) /.exec(svg);
  if (!m) fail('no viewBox in the SVG');
  px = Number(m[1]);
}
if (source.endsWith('collisions.playbook')) {
  // Mermaid wraps the title at 48 characters.
  const titles = kind === 'dot' ? ['collisions: Q&amp;A &gt; &quot;quoted&quot; &lt;img src=x onerror=alert(1)&gt;']
    : ['collisions: Q&amp;A &gt; "quoted" &lt;img src=x', 'onerror=alert(1)&gt;'];
  for (const title of titles) if (!svg.includes(title)) fail(`the title is not shown as written (expected ${title})`);
  if (/&amp;(amp|gt|lt|quot);/.test(svg.replace(/&lt;i&gt;&amp;amp;/g, ''))) fail('text escaped twice (a literal &amp; or &gt; shows)');
}
console.log(`graph-check: ${kind} ${source}: ${Math.round(px)} px wide`);
if (px > 2000) fail(`${Math.round(px)} px wide, more than 2000`);
