// Reads the multitool's own SARIF log of a validation and prints what it found; exits 1 on any error or
// warning (a result without a level is a warning, as SARIF says).
const fs = require('fs');
const [logPath, label] = process.argv.slice(2);
const log = JSON.parse(fs.readFileSync(logPath, 'utf8'));
const counts = { error: 0, warning: 0, note: 0, none: 0 };
const lines = [];
for (const run of log.runs ?? []) {
  for (const result of run.results ?? []) {
    const level = result.level ?? 'warning';
    counts[level] = (counts[level] ?? 0) + 1;
    if (level === 'error' || level === 'warning') {
      const where = result.message?.arguments?.[0] ?? '';
      lines.push(`  ${level} ${result.ruleId} ${where}`);
    }
  }
}
const notes = {};
for (const run of log.runs ?? []) for (const r of run.results ?? []) if (r.level === 'note') notes[r.ruleId] = (notes[r.ruleId] ?? 0) + 1;
const noteText = Object.entries(notes).map(([id, n]) => `${id} ×${n}`).join(', ');
console.log(`${label}: ${counts.error} errors, ${counts.warning} warnings, ${counts.note} notes${noteText ? ` (${noteText})` : ''}`);
for (const line of lines.slice(0, 50)) console.log(line);
if (lines.length > 50) console.log(`  … and ${lines.length - 50} more`);
process.exit(counts.error + counts.warning > 0 ? 1 : 0);
