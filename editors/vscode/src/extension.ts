// The goperf extension: starts `goperf serve` for Go files and shows its state in the status bar.
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind } from "vscode-languageclient/node";
import { resolveServer, serverSettings } from "./server";

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem | undefined;
let output: vscode.LogOutputChannel | undefined;

function settings(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration("goperf");
  return serverSettings((key) => cfg.get(key));
}

function setStatus(text: string, tooltip: string): void {
  if (!status) return;
  status.text = text;
  status.tooltip = tooltip;
  status.show();
}

export async function startClient(context: vscode.ExtensionContext): Promise<LanguageClient | undefined> {
  const cfg = vscode.workspace.getConfiguration("goperf");
  const python = vscode.workspace.getConfiguration("python").get<string>("defaultInterpreterPath");
  const server = resolveServer({
    path: cfg.get<string>("server.path"),
    python: cfg.get<string>("server.python"),
    defaultPython: python && python !== "python" ? python : undefined,
    extraArgs: cfg.get<string[]>("server.extraArgs"),
  });
  if (!server) {
    setStatus("$(error) goperf", "goperf not found: pip install goperf, or set goperf.server.path");
    void vscode.window.showErrorMessage("goperf: server not found. Install it (pip install goperf) or set goperf.server.path.");
    return undefined;
  }
  output?.appendLine(`goperf: starting ${server.command} ${server.args.join(" ")} (from ${server.how})`);
  const serverOptions: ServerOptions = {
    command: server.command,
    args: server.args,
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "go" }, { scheme: "untitled", language: "go" }],
    initializationOptions: settings(),
    synchronize: { configurationSection: "goperf" },
    outputChannel: output,
  };
  const c = new LanguageClient("goperf", "goperf", serverOptions, clientOptions);
  c.onDidChangeState((e) => {
    if (e.newState === State.Running) setStatus("$(pulse) goperf", `goperf language server running (${server.how})`);
    else if (e.newState === State.Starting) setStatus("$(sync~spin) goperf", "goperf language server starting");
    else setStatus("$(circle-slash) goperf", "goperf language server stopped — click to restart");
  });
  client = c;
  try {
    await c.start();
  } catch (err) {
    setStatus("$(error) goperf", `goperf failed to start: ${err}`);
    throw err;
  }
  return c;
}

export async function activate(context: vscode.ExtensionContext): Promise<{ client: () => LanguageClient | undefined }> {
  output = vscode.window.createOutputChannel("goperf", { log: true });
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.command = "goperf.restart";
  context.subscriptions.push(output, status);
  context.subscriptions.push(
    vscode.commands.registerCommand("goperf.restart", async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.commands.registerCommand("goperf.showOutput", () => output?.show()),
    vscode.commands.registerCommand("goperf.fixAll", async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        "vscode.executeCodeActionProvider", editor.document.uri,
        new vscode.Range(0, 0, editor.document.lineCount, 0), "source.fixAll.goperf");
      for (const action of actions ?? []) {
        if (action.edit) await vscode.workspace.applyEdit(action.edit);
      }
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("goperf.server")) {
        await stopClient();
        await startClient(context);
      }
    }),
  );
  setStatus("$(sync~spin) goperf", "goperf starting");
  await startClient(context);
  return { client: () => client };
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (err) {
      output?.appendLine(`goperf: stop failed: ${err}`);
    }
  }
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
