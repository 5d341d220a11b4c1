// Tokenizes playbook text with the extension's grammar (and the JavaScript and C# grammars it embeds),
// the way VS Code does: vscode-textmate over the Oniguruma regex engine.
'use strict';
const fs = require('fs');
const path = require('path');
const textmate = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.join(__dirname, '..');
const grammarFiles = {
  'source.playbook': path.join(root, 'syntaxes', 'playbook.tmLanguage.json'),
  'source.js': path.join(root, 'node_modules', 'tm-grammars', 'grammars', 'javascript.json'),
  'source.cs': path.join(root, 'node_modules', 'tm-grammars', 'grammars', 'csharp.json'),
};

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      const file = grammarFiles[scope];
      return file ? textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
  });
  return registry.loadGrammar('source.playbook');
}

// Returns, per line, the tokens as { text, scopes }.
function tokenize(grammar, text) {
  let stack = textmate.INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, scopes: t.scopes }));
  });
}

module.exports = { loadGrammar, tokenize };

if (require.main === module) {
  // node test/tokenize.js FILE: prints each token with its innermost scopes (for writing tests).
  loadGrammar().then((grammar) => {
    const lines = tokenize(grammar, fs.readFileSync(process.argv[2], 'utf8'));
    lines.forEach((tokens, i) => {
      for (const t of tokens) if (t.text.trim()) console.log(`${i + 1}:${t.start} ${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`);
    });
  });
}
