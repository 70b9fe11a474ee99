"use strict";
// node --test: the extension's activation and the real vscode-languageclient against the
// real `goperf serve`, inside a stubbed `vscode` module. GOPERF_PYTHON picks the Python
// that has goperf installed (default: python3 on PATH).
const { test, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { vscode } = require("./helpers");
const { resolveServer, serverSettings } = require("../out/server");

const { state, emitter, textDocument } = vscode.stub;
const REPO = path.resolve(__dirname, "..", "..", "..");
const PYTHON = process.env.GOPERF_PYTHON || "python3";
const BASIC = path.join(REPO, "tests", "testdata", "prealloc", "slice", "basic.go");

function waitFor(pred, ms, what) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      const v = pred();
      if (v) return resolve(v);
      if (Date.now() - start > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

test("resolveServer prefers the explicit path, then the Python settings, then PATH", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "goperf-bin-"));
  const exe = path.join(dir, "goperf");
  fs.writeFileSync(exe, "#!/bin/sh\n");
  fs.chmodSync(exe, 0o755);
  assert.deepEqual(resolveServer({ path: "/opt/goperf" }).args, ["serve"]);
  assert.equal(resolveServer({ path: "/opt/goperf", extraArgs: ["-v"] }).args.at(-1), "-v");
  assert.equal(resolveServer({ python: path.join(dir, "python") }, "").command, exe);
  assert.deepEqual(resolveServer({ python: "/nowhere/python" }, "").args, ["-m", "goperf.lsp.cli"]);
  assert.equal(resolveServer({}, dir).command, exe);
  assert.equal(resolveServer({ defaultPython: "/nowhere/python" }, "").command, "/nowhere/python");
  assert.equal(resolveServer({}, ""), undefined);
});

test("serverSettings keeps only what the server reads", () => {
  const cfg = { enable: ["all"], minSeverity: "hint", go: "", "server.path": "/x", codeLens: false };
  assert.deepEqual(serverSettings((k) => cfg[k]), { enable: ["all"], minSeverity: "hint", codeLens: false });
});

test("activation starts goperf serve; diagnostics, code actions and hover arrive through vscode-languageclient", async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "goperf-vscode-"));
  fs.writeFileSync(path.join(root, "go.mod"), "module example.com/t\n\ngo 1.23\n");
  const file = path.join(root, "basic.go");
  fs.copyFileSync(BASIC, file);
  state.workspaceFolders = [{ uri: vscode.Uri.file(root), name: "t", index: 0 }];
  state.config = { "goperf.server.python": PYTHON, "goperf.enable": ["all"], "goperf.minSeverity": "hint" };
  const doc = textDocument(file, fs.readFileSync(file, "utf8"));
  state.textDocuments.push(doc);

  const ext = require("../out/extension");
  const context = { subscriptions: [], extensionPath: path.join(__dirname, ".."), globalState: { get() {}, update: async () => {} } };
  const api = await ext.activate(context);
  after(async () => { await ext.deactivate(); });
  assert.ok(api.client(), "a client was created");
  const status = state.statusItems[0];
  assert.ok(status.visible && status.text.includes("goperf"), status.text);
  await waitFor(() => status.text.includes("pulse"), 15000, "status: running");

  const uri = doc.uri.toString();
  const diags = await waitFor(() => state.diagnostics.get(uri)?.length && state.diagnostics.get(uri), 20000, "diagnostics");
  const slice = diags.filter((d) => (d.code && d.code.value) === "prealloc/slice");
  assert.ok(slice.length >= 5, JSON.stringify(diags.map((d) => d.code)));
  assert.ok(String(slice[0].code.target).startsWith("file://"), "codeDescription links to the rule's page");
  assert.equal(slice[0].source, "goperf");

  const [{ provider: actions }] = state.providers.registerCodeActionsProvider;
  const target = slice.find((d) => d.message.startsWith("preallocate"));
  const token = new vscode.CancellationTokenSource().token;
  const got = await actions.provideCodeActions(doc, target.range,
    { diagnostics: [target], only: undefined, triggerKind: 1 }, token);
  const titles = got.map((a) => a.title);
  assert.ok(titles.some((t) => t.startsWith("Preallocate")), titles.join(" | "));
  assert.ok(titles.includes("Ignore prealloc/slice here"), titles.join(" | "));
  const fix = got.find((a) => a.title.startsWith("Preallocate"));
  assert.ok(fix.edit && fix.edit.size === 1, "the quick fix carries a workspace edit");

  const [{ provider: hover }] = state.providers.registerHoverProvider;
  const h = await hover.provideHover(doc, target.range.start, token);
  const text = h.contents.map((c) => c.value || c).join("\n");
  assert.ok(text.includes("prealloc/slice"), text);

  // Configuration change: the client forwards it, the server re-lints.
  state.config["goperf.disable"] = ["prealloc"];
  state.diagnostics.delete(uri);
  emitter("workspace.onDidChangeConfiguration").fire({ affectsConfiguration: (s) => s === "goperf" || s.startsWith("goperf.") && !s.startsWith("goperf.server") });
  const relinted = await waitFor(() => state.diagnostics.get(uri), 20000, "re-lint after configuration change");
  assert.ok(!relinted.some((d) => String(d.code && d.code.value).startsWith("prealloc/")));

  assert.ok(state.commands.has("goperf.restart") && state.commands.has("goperf.fixAll"));
});
