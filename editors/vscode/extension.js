// The client: starts `playbook lsp` (stdio) for *.playbook files. The server does the work (diagnostics,
// completion, hover, definitions, formatting); this file only finds the command and restarts it when
// the setting changes, so a wrong `playbook.path` is fixed without reloading the window.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function serverOptions() {
  const command = vscode.workspace.getConfiguration('playbook').get('path') || 'playbook';
  const run = { command, args: ['lsp'], transport: TransportKind.stdio };
  return { run, debug: run };
}

async function start(context) {
  client = new LanguageClient('playbook', 'Playbook', serverOptions(), {
    documentSelector: [{ language: 'playbook' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.playbook') },
  });
  try {
    await client.start();
  } catch (error) {
    const command = vscode.workspace.getConfiguration('playbook').get('path') || 'playbook';
    vscode.window.showErrorMessage(
      `Playbook: could not start '${command} lsp' (${error.message}). Set 'playbook.path' to the playbook command.`);
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop().catch(() => undefined);
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('playbook.restartServer', async () => { await stop(); await start(context); }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('playbook.path')) { await stop(); await start(context); }
    }));
  await start(context);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
