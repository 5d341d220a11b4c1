// Every keyword of the language reference's grammar block (grammar/README.md, the quoted terminals of
// the ```ebnf block) must be highlighted: a keyword added to the language without a rule in the
// TextMate grammar fails here. Each keyword is tokenized inside a playbook, followed by a name (so the
// declaration words `step x`, `playbook x` take their own rule), and must get a keyword/constant/type scope.
'use strict';
const fs = require('fs');
const path = require('path');
const { loadGrammar, tokenize } = require('./tokenize');

const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'grammar', 'README.md'), 'utf8');
const block = /```ebnf\n([\s\S]*?)```/.exec(readme);
if (!block) {
  console.error('grammar/README.md has no ```ebnf block: the keyword check cannot run');
  process.exit(1);
}
const keywords = [...new Set([...block[1].matchAll(/"([A-Za-z]+)"/g)].map((m) => m[1]))].sort();
if (keywords.length < 50) {
  console.error(`found only ${keywords.length} keywords in the grammar block: the extraction is broken`);
  process.exit(1);
}
const highlighted = /^(keyword|constant\.language|support|storage)\./;

loadGrammar().then((grammar) => {
  const failures = [];
  for (const keyword of keywords) {
    const lines = tokenize(grammar, `playbook check {\n  ${keyword} x\n}`);
    const token = lines[1].find((t) => t.start === 2);
    const scopes = token && token.text === keyword ? token.scopes.slice(1) : [];
    if (!scopes.some((s) => highlighted.test(s))) {
      failures.push(`'${keyword}' is not highlighted (token ${JSON.stringify(token && token.text)}, scopes: ${scopes.join(' ') || 'none'})`);
    }
  }
  for (const f of failures) console.error(`not ok: ${f}`);
  console.log(`keywords: ${keywords.length - failures.length} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
});
