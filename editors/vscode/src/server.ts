// Finding the goperf server: pure logic (no vscode import), unit-tested with node --test.
import * as fs from "fs";
import * as path from "path";

export interface ServerSettings {
  path?: string;        // goperf.server.path
  python?: string;      // goperf.server.python
  defaultPython?: string; // python.defaultInterpreterPath (the Python extension's choice)
  extraArgs?: string[];
}

export interface ServerCommand {
  command: string;
  args: string[];       // without "--stdio": TransportKind.stdio appends it
  how: string;          // human-readable: where the command came from
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export function which(name: string, envPath: string = process.env.PATH ?? ""): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** goperf.server.path, else goperf beside the chosen Python, else goperf on PATH, else `python -m`. */
export function resolveServer(s: ServerSettings, envPath?: string): ServerCommand | undefined {
  const extra = s.extraArgs ?? [];
  if (s.path) {
    return { command: s.path, args: ["serve", ...extra], how: "goperf.server.path" };
  }
  for (const [python, how] of [[s.python, "goperf.server.python"], [s.defaultPython, "python.defaultInterpreterPath"]]) {
    if (!python) continue;
    const sibling = path.join(path.dirname(python), "goperf");
    if (isExecutable(sibling)) {
      return { command: sibling, args: ["serve", ...extra], how: `goperf beside ${how}` };
    }
    if (how === "goperf.server.python") {
      return { command: python, args: ["-m", "goperf.lsp.cli", ...extra], how };
    }
  }
  const onPath = which("goperf", envPath);
  if (onPath) {
    return { command: onPath, args: ["serve", ...extra], how: "PATH" };
  }
  if (s.defaultPython) {
    return { command: s.defaultPython, args: ["-m", "goperf.lsp.cli", ...extra], how: "python.defaultInterpreterPath" };
  }
  return undefined;
}

/** The `goperf.*` settings the server reads (initializationOptions / didChangeConfiguration). */
export const SERVER_SETTING_KEYS = [
  "enable", "disable", "minSeverity", "thresholds", "tests", "compiler", "go", "codeLens", "profileReport", "maxFileSize", "severity",
];

export function serverSettings(get: (key: string) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SERVER_SETTING_KEYS) {
    const value = get(key);
    if (value !== undefined && value !== null && value !== "") out[key] = value;
  }
  return out;
}
