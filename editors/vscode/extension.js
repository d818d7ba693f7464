// The herald extension: starts `herald lsp` (the `herald.path` setting, or `herald` on the
// PATH) and opens the results of the scenario's code lenses (run, explore, Mermaid
// diagram) as documents beside the scenario.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function serverCommand() {
  const configured = vscode.workspace.getConfiguration('herald').get('path');
  return configured && configured.trim() !== '' ? configured : 'herald';
}

async function showResult(result) {
  if (!result || typeof result.content !== 'string') {
    return result;
  }
  // A Mermaid diagram opens as Mermaid when an extension knows the language, else as text.
  const known = await vscode.languages.getLanguages();
  const language = result.language === 'mermaid' && known.includes('mermaid') ? 'mermaid' : 'plaintext';
  const doc = await vscode.workspace.openTextDocument({ content: result.content, language });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  if (result.exitCode !== 0) {
    vscode.window.showWarningMessage(`${result.title}: exit code ${result.exitCode}`);
  }
  return result;
}

async function start(context) {
  const command = serverCommand();
  const serverOptions = { run: { command, args: ['lsp'] }, debug: { command, args: ['lsp'] } };
  const clientOptions = {
    documentSelector: [{ language: 'herald' }],
    middleware: {
      // The lenses' commands run on the server; their answer is a document to show.
      executeCommand: async (cmd, args, next) => showResult(await next(cmd, args)),
    },
  };
  client = new LanguageClient('herald', 'herald', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    vscode.window.showErrorMessage(
      `herald: cannot start '${command} lsp' (${e && e.message ? e.message : e}). ` +
        'Install herald (cargo install --path .) or set "herald.path".'
    );
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('herald.restartServer', async () => {
      if (client) {
        await client.stop();
      }
      await start(context);
    })
  );
  await start(context);
}

async function deactivate() {
  if (client) {
    await client.stop();
  }
}

module.exports = { activate, deactivate };
