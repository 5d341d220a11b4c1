// Regenerates images/playbook.png, the README's screenshot: a shipped playbook highlighted with Shiki
// from this extension's own grammar (so the picture shows what the grammar does), written to HTML and
// photographed with headless Chromium. Usage: npm run screenshot [-- PLAYBOOK] (Chromium on PATH as
// `chromium`, or set CHROMIUM).
import { createHighlighter } from 'shiki';
import { createOnigurumaEngine } from 'shiki/engine/oniguruma';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const source = resolve(process.argv[2] ?? join(root, '..', '..', 'playbooks', 'worker-rollback.playbook'));
const output = join(root, 'images', 'playbook.png');

// The header comment of a shipped playbook is long prose: show the code from the `playbook` line on.
const text = readFileSync(source, 'utf8');
const code = text.slice(Math.max(0, text.search(/^playbook /m))).split('\n').slice(0, 56).join('\n');

const grammar = JSON.parse(readFileSync(join(root, 'syntaxes', 'playbook.tmLanguage.json'), 'utf8'));
const highlighter = await createHighlighter({
  themes: ['dark-plus'],
  langs: ['javascript', 'csharp', { ...grammar, name: 'playbook', embeddedLangs: ['javascript', 'csharp'] }],
  // The Oniguruma engine is the one VS Code uses; Shiki's default JavaScript engine translates some of
  // the grammar's look-behinds differently (a comment after a string was shown as a string).
  engine: createOnigurumaEngine(import('shiki/wasm')),
});
const html = highlighter.codeToHtml(code, { lang: 'playbook', theme: 'dark-plus' });
const lines = code.split('\n').length;
const page = `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #1e1e1e; }
  pre { margin: 0; padding: 16px 20px; font: 13px/19px "DejaVu Sans Mono", "Liberation Mono", monospace; }
</style></head><body>${html}</body></html>`;

const work = mkdtempSync(join(tmpdir(), 'playbook-shot-'));
try {
  const file = join(work, 'playbook.html');
  writeFileSync(file, page);
  const chromium = process.env.CHROMIUM ?? 'chromium';
  execFileSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
    `--user-data-dir=${join(work, 'profile')}`, `--screenshot=${output}`,
    `--window-size=980,${lines * 19 + 32}`, `file://${file}`], { stdio: ['ignore', 'ignore', 'inherit'] });
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`wrote ${output}`);
