#!/usr/bin/env node
"use strict";
// Drive a real VS Code (code-server 4.100.3, VS Code 1.100.3) in headless Chromium with goperf's
// .vsix installed: open a Go file, wait for goperf's diagnostic in the status bar, take a
// screenshot, apply the quick fix through the quick-fix menu (Ctrl+.), and save.
// The caller (tests/editors/test_vscode_real.py) then checks the file on disk and runs go vet.
//
// Set up first with ./setup-code-server.sh (into $GOPERF_E2E_CACHE, default ~/.cache/goperf-e2e).
//
//   node drive.js --vsix ../goperf.vsix --python "$(command -v python3)" \
//       [--workspace DIR --file REL --line N --column N --fix-title TEXT] \
//       [--screenshot out.png] [--fixed-screenshot out2.png] [--pid-file F] [--keep]
//
// Without --workspace a temp Go module with one prealloc/slice finding is created.
// Prints progress lines "[drive +S.Ss] ..." on stderr and, last on stdout, one JSON line:
// {"ok": true, "timings": {...seconds...}, "workspace": ..., "problems": ...}.
// code-server runs in its own process group, which is killed at the end (the extension host and
// `goperf serve` outlive the browser otherwise).

const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const net = require("net");
const os = require("os");
const path = require("path");

const CACHE = process.env.GOPERF_E2E_CACHE || path.join(os.homedir(), ".cache", "goperf-e2e");
const CODE_SERVER = path.join(CACHE, "node_modules", "code-server", "out", "node", "entry.js");
const CHROMIUM = process.env.GOPERF_E2E_CHROMIUM || "/usr/bin/chromium";

const T0 = Date.now();
const timings = {};
let last = T0;
function log(msg) {
  process.stderr.write(`[drive +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}\n`);
}
function phase(name) {
  const now = Date.now();
  timings[name] = +((now - last) / 1000).toFixed(2);
  last = now;
  log(`${name}: ${timings[name]} s`);
}

function parseArgs(argv) {
  const opts = { line: 8, column: 5, fixTitle: "Preallocate with make", keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i];
    switch (a) {
      case "--vsix": opts.vsix = path.resolve(val()); break;
      case "--python": opts.python = val(); break;
      case "--workspace": opts.workspace = path.resolve(val()); break;
      case "--file": opts.file = val(); break;
      case "--line": opts.line = Number(val()); break;
      case "--column": opts.column = Number(val()); break;
      case "--fix-title": opts.fixTitle = val(); break;
      case "--screenshot": opts.screenshot = path.resolve(val()); break;
      case "--fixed-screenshot": opts.fixedScreenshot = path.resolve(val()); break;
      case "--pid-file": opts.pidFile = path.resolve(val()); break;
      case "--keep": opts.keep = true; break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (!opts.vsix) throw new Error("--vsix is required");
  return opts;
}

const SAMPLE = `// Package squares is the workspace of goperf's VS Code end-to-end test.
package squares

// Squares returns the square of every element of xs.
func Squares(xs []int) []int {
\tvar out []int
\tfor _, x := range xs {
\t\tout = append(out, x*x)
\t}
\treturn out
}
`;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms, child, output) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer on ${url} within ${ms} ms:\n${output()}`);
}

function killGroup(child, signal) {
  try { process.kill(-child.pid, signal); } catch { /* gone */ }
}

async function stopGroup(child) {
  if (!child) return;
  killGroup(child, "SIGTERM");
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try { process.kill(-child.pid, 0); } catch { return; } // the whole group is gone
    await new Promise((r) => setTimeout(r, 100));
  }
  killGroup(child, "SIGKILL");
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(CODE_SERVER)) throw new Error(`code-server is not set up (${CODE_SERVER}): run editors/vscode/e2e/setup-code-server.sh`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (setup-code-server.sh does it)`);
  if (!fs.existsSync(opts.vsix)) throw new Error(`${opts.vsix} is missing: build it with editors/vscode/ci.sh`);
  const puppeteer = require(path.join(CACHE, "node_modules", "puppeteer-core"));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "goperf-e2e-"));
  if (!opts.workspace) {
    opts.workspace = path.join(tmp, "workspace");
    fs.mkdirSync(opts.workspace);
    fs.writeFileSync(path.join(opts.workspace, "go.mod"), "module example.com/e2e\n\ngo 1.23\n");
    fs.writeFileSync(path.join(opts.workspace, "squares.go"), SAMPLE);
    opts.file = "squares.go";
  }
  if (!opts.file) throw new Error("--file is required with --workspace");
  const filePath = path.join(opts.workspace, opts.file);
  const before = fs.readFileSync(filePath, "utf8");

  // code-server's state: everything in the temp folder, nothing in ~/.config or ~/.local.
  const userData = path.join(tmp, "user-data");
  const extensions = path.join(tmp, "extensions");
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.mkdirSync(extensions);
  const settings = {
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "extensions.ignoreRecommendations": true,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "workbench.welcomePage.walkthroughs.openOnInstall": false,
    "chat.commandCenter.enabled": false,
    "git.enabled": false,
    "editor.minimap.enabled": false,
    "window.commandCenter": false,
    "goperf.server.python": opts.python || "python3",
    // no `go build` on save: this test is about the editor, and the machine has 2 cores
    "goperf.compiler": false,
  };
  fs.writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify(settings, null, 2));
  const config = path.join(tmp, "config.yaml");
  fs.writeFileSync(config, "auth: none\ncert: false\n");
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(tmp, "xdg-config"),
    XDG_DATA_HOME: path.join(tmp, "xdg-data"),
    XDG_CACHE_HOME: path.join(tmp, "xdg-cache"),
  };
  delete env.VSCODE_IPC_HOOK_CLI; // never talk to an enclosing VS Code
  const common = ["--config", config, "--user-data-dir", userData, "--extensions-dir", extensions];
  phase("prepare");

  // 1. Install the .vsix, offline.
  const inst = spawnSync(process.execPath, [CODE_SERVER, ...common, "--install-extension", opts.vsix],
    { env, encoding: "utf8", timeout: 120000 });
  if (inst.status !== 0 || !/successfully installed/i.test(inst.stdout + inst.stderr)) {
    throw new Error(`--install-extension failed (${inst.status}):\n${inst.stdout}\n${inst.stderr}`);
  }
  phase("install_vsix");

  // 2. code-server on a free port, in its own process group.
  const port = await freePort();
  let out = "";
  const child = spawn(process.execPath, [CODE_SERVER, ...common,
    "--bind-addr", `127.0.0.1:${port}`, "--auth", "none",
    "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
    "--disable-getting-started-override", "--disable-file-downloads",
    opts.workspace], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => { out += d; });
  if (opts.pidFile) fs.writeFileSync(opts.pidFile, `${child.pid}\n`);
  let browser;
  let page;
  const cleanup = async () => {
    if (browser) await browser.close().catch(() => {});
    await stopGroup(child);
    if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true });
  };
  for (const sig of ["SIGTERM", "SIGINT"]) {
    process.on(sig, () => { killGroup(child, "SIGKILL"); process.exit(130); });
  }

  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/healthz`, 60000, child, () => out);
    phase("code_server_listening");

    // 3. Headless Chromium; no background networking, no first-run UI.
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      defaultViewport: { width: 1280, height: 800 },
      args: [
        "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps",
        "--disable-domain-reliability", "--disable-client-side-phishing-detection",
        "--metrics-recording-only", "--disable-breakpad", "--no-pings",
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
        "--window-size=1280,800",
      ],
    });
    page = await browser.newPage();
    const consoleErrors = [];
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
    phase("browser_launched");

    await page.goto(`${base}/?folder=${encodeURIComponent(opts.workspace)}`, { waitUntil: "domcontentloaded", timeout: 60000 });
    await page.waitForSelector(".monaco-workbench", { timeout: 90000 });
    await page.waitForSelector('[id="status.problems"]', { timeout: 60000 });
    phase("workbench_loaded");

    // 4. Open the file with Quick Open (Ctrl+P), waiting for its row before Enter.
    await page.click(".monaco-workbench .part.statusbar").catch(() => {}); // focus the workbench
    const base_name = path.basename(opts.file);
    for (let attempt = 0; ; attempt++) {
      await page.keyboard.down("Control");
      await page.keyboard.press("KeyP");
      await page.keyboard.up("Control");
      try {
        await page.waitForSelector(".quick-input-widget .quick-input-box input", { visible: true, timeout: 10000 });
        break;
      } catch (e) {
        if (attempt >= 2) throw new Error("Quick Open did not appear after Ctrl+P");
      }
    }
    await page.keyboard.type(base_name, { delay: 20 });
    await page.waitForFunction((name) => {
      const rows = document.querySelectorAll(".quick-input-widget .monaco-list-row");
      return Array.from(rows).some((r) => (r.getAttribute("aria-label") || r.textContent || "").includes(name));
    }, { timeout: 30000, polling: 100 }, base_name);
    await page.keyboard.press("Enter");
    await page.waitForFunction((name) => {
      const tab = document.querySelector(".tabs-container .tab.active");
      return tab && (tab.getAttribute("aria-label") || tab.textContent || "").includes(name)
        && document.querySelector(".editor-instance .monaco-editor .view-lines");
    }, { timeout: 30000, polling: 100 }, base_name);
    phase("file_opened");

    // 5. goperf's diagnostic: the problems count in the status bar's aria-label.
    const problemsLabel = () => page.evaluate(() => {
      const el = document.querySelector('[id="status.problems"]');
      if (!el) return "";
      const labels = [el, ...el.querySelectorAll("[aria-label]")].map((e) => e.getAttribute("aria-label") || "");
      return labels.filter(Boolean).join(" | ");
    });
    await page.waitForFunction(() => {
      const el = document.querySelector('[id="status.problems"]');
      if (!el) return false;
      const text = [el, ...el.querySelectorAll("[aria-label]")].map((e) => e.getAttribute("aria-label") || "").join(" ");
      return (text.match(/\d+/g) || []).map(Number).reduce((a, b) => a + b, 0) >= 1;
    }, { timeout: 90000, polling: 200 });
    const problems = await problemsLabel();
    // the squiggle is drawn a moment later than the marker count
    await page.waitForSelector(".monaco-editor .squiggly-warning, .monaco-editor .squiggly-error, .monaco-editor .squiggly-info", { timeout: 10000 }).catch(() => {});
    phase("diagnostics_shown");
    log(`status.problems: ${problems}`);
    // goperf's cost lens above the function (not required: reported in the result)
    const codeLens = await page.waitForFunction(() => {
      const el = document.querySelector(".monaco-editor .codelens-decoration");
      return el && el.textContent.trim() ? el.textContent.trim() : false;
    }, { timeout: 8000, polling: 200 }).then((h) => h.jsonValue()).catch(() => "");
    phase("code_lens");
    log(`code lens: ${codeLens || "(none)"}`);

    // 6. Open the Problems panel (Ctrl+Shift+M) so the message and rule id are in the picture.
    await page.keyboard.down("Control");
    await page.keyboard.down("Shift");
    await page.keyboard.press("KeyM");
    await page.keyboard.up("Shift");
    await page.keyboard.up("Control");
    await page.waitForFunction(() => Array.from(document.querySelectorAll(".markers-panel .monaco-list-row"))
      .some((r) => /goperf|prealloc/.test(r.getAttribute("aria-label") || r.textContent || "")),
    { timeout: 15000, polling: 100 }).catch(() => log("the Problems panel did not list the finding (screenshot anyway)"));
    const markerText = await page.evaluate(() => Array.from(document.querySelectorAll(".markers-panel .monaco-list-row"))
      .map((r) => `${r.getAttribute("aria-label") || ""} :: ${r.textContent}`).join("\n"));
    if (opts.screenshot) {
      fs.mkdirSync(path.dirname(opts.screenshot), { recursive: true });
      await page.screenshot({ path: opts.screenshot });
    }
    phase("screenshot");

    // 7. Cursor on the flagged line (Go to Line, Ctrl+G "line:column"), then Ctrl+. and the goperf fix.
    await page.click(".editor-instance .monaco-editor .view-lines");
    await page.keyboard.down("Control");
    await page.keyboard.press("KeyG");
    await page.keyboard.up("Control");
    await page.waitForSelector(".quick-input-widget .quick-input-box input", { visible: true, timeout: 10000 });
    await page.keyboard.type(`${opts.line}:${opts.column}`, { delay: 20 });
    await page.keyboard.press("Enter");
    await page.waitForFunction((line) => {
      // the cursor position is in the status bar: "Ln 8, Col 5"
      const el = document.querySelector('[id="status.editor.selection"]');
      return el && new RegExp(`Ln ${line},`).test(el.textContent || "");
    }, { timeout: 10000, polling: 100 }, opts.line);
    const fixTitle = opts.fixTitle;
    let chosen = "";
    for (let attempt = 0; attempt < 3 && !chosen; attempt++) {
      await page.keyboard.down("Control");
      await page.keyboard.press("Period");
      await page.keyboard.up("Control");
      try {
        await page.waitForFunction((title) => Array.from(document.querySelectorAll(".action-widget .monaco-list-row"))
          .some((r) => (r.getAttribute("aria-label") || r.textContent || "").includes(title)),
        { timeout: 15000, polling: 100 }, fixTitle);
      } catch {
        log(`quick-fix menu without "${fixTitle}" (attempt ${attempt + 1})`);
        await page.keyboard.press("Escape");
        continue;
      }
      chosen = await page.evaluate((title) => {
        const rows = Array.from(document.querySelectorAll(".action-widget .monaco-list-row"));
        const row = rows.find((r) => (r.getAttribute("aria-label") || r.textContent || "").includes(title));
        return row ? (row.getAttribute("aria-label") || row.textContent) : "";
      }, fixTitle);
      const menu = await page.evaluate(() => Array.from(document.querySelectorAll(".action-widget .monaco-list-row"))
        .map((r) => r.getAttribute("aria-label") || r.textContent).join(" | "));
      log(`quick fixes: ${menu}`);
      const handle = await page.evaluateHandle((title) => Array.from(document.querySelectorAll(".action-widget .monaco-list-row"))
        .find((r) => (r.getAttribute("aria-label") || r.textContent || "").includes(title)), fixTitle);
      await handle.asElement().click();
    }
    if (!chosen) throw new Error(`no quick fix titled "${fixTitle}" was offered`);
    phase("quick_fix_applied");

    // 8. Save and wait for the file on disk to change.
    await page.waitForFunction(() => !document.querySelector(".action-widget .monaco-list-row"), { timeout: 5000 }).catch(() => {});
    await page.keyboard.down("Control");
    await page.keyboard.press("KeyS");
    await page.keyboard.up("Control");
    const deadline = Date.now() + 30000;
    while (fs.readFileSync(filePath, "utf8") === before) {
      if (Date.now() > deadline) throw new Error("the file on disk did not change after the quick fix and Ctrl+S");
      await new Promise((r) => setTimeout(r, 100));
    }
    phase("saved");
    // the diagnostic goes away once the server re-analyzes the fixed file
    await page.waitForFunction(() => {
      const el = document.querySelector('[id="status.problems"]');
      const text = el ? [el, ...el.querySelectorAll("[aria-label]")].map((e) => e.getAttribute("aria-label") || "").join(" ") : "";
      return (text.match(/\d+/g) || []).map(Number).reduce((a, b) => a + b, 0) === 0;
    }, { timeout: 30000, polling: 200 }).catch(() => log("the problems count did not drop to 0 after the fix"));
    const problemsAfter = await problemsLabel();
    phase("diagnostics_cleared");
    if (opts.fixedScreenshot) {
      fs.mkdirSync(path.dirname(opts.fixedScreenshot), { recursive: true });
      await page.screenshot({ path: opts.fixedScreenshot });
    }

    timings.total = +((Date.now() - T0) / 1000).toFixed(2);
    const result = {
      ok: true, timings, workspace: opts.workspace, file: filePath, problems, problems_after: problemsAfter,
      markers: markerText, code_lens: codeLens, quick_fix: chosen, console_errors: consoleErrors.slice(0, 10),
    };
    await cleanup();
    process.stdout.write(JSON.stringify(result) + "\n");
  } catch (err) {
    if (page && opts.screenshot) {
      const failShot = opts.screenshot.replace(/\.png$/, "") + "-failure.png";
      await page.screenshot({ path: failShot }).catch(() => {});
      log(`failure screenshot: ${failShot}`);
    }
    log(`code-server output (tail):\n${out.slice(-3000)}`);
    await cleanup();
    throw err;
  }
}

main().catch((err) => {
  process.stderr.write(`[drive] FAILED: ${err && err.stack || err}\n`);
  process.stdout.write(JSON.stringify({ ok: false, error: String(err && err.message || err), timings }) + "\n");
  process.exit(1);
});
