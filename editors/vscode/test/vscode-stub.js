// A small stand-in for the `vscode` module: enough of the API for the extension and the
// real vscode-languageclient to run in plain Node against the real goperf server.
// Tests reach the recorded state through `stub.state`.
"use strict";
const path = require("path");
const { pathToFileURL, fileURLToPath } = require("url");

const state = {
  config: {},             // "section.key" -> value
  diagnostics: new Map(), // uri string -> Diagnostic[]
  providers: {},          // registerXProvider name -> [selector, provider]
  commands: new Map(),
  statusItems: [],
  messages: [],
  emitters: new Map(),
  textDocuments: [],
  output: [],
};

class Disposable {
  constructor(fn) { this._fn = fn; }
  dispose() { if (this._fn) { const f = this._fn; this._fn = undefined; f(); } }
  static from(...items) { return new Disposable(() => items.forEach((d) => d && d.dispose && d.dispose())); }
}

class EventEmitter {
  constructor() { this._listeners = new Set(); this.event = (fn, thisArg, disposables) => {
    const bound = thisArg ? fn.bind(thisArg) : fn;
    this._listeners.add(bound);
    const d = new Disposable(() => this._listeners.delete(bound));
    if (Array.isArray(disposables)) disposables.push(d);
    return d;
  }; }
  fire(e) { for (const l of [...this._listeners]) l(e); }
  dispose() { this._listeners.clear(); }
}

function emitter(name) {
  if (!state.emitters.has(name)) state.emitters.set(name, new EventEmitter());
  return state.emitters.get(name);
}

class Uri {
  constructor(scheme, fsPath, str) { this.scheme = scheme; this.fsPath = fsPath; this.path = fsPath; this._str = str; }
  static file(p) { return new Uri("file", p, pathToFileURL(p).href); }
  static parse(s) {
    if (s.startsWith("file:")) return new Uri("file", fileURLToPath(s), s);
    const scheme = s.split(":", 1)[0];
    return new Uri(scheme, s.slice(scheme.length + 1), s);
  }
  toString() { return this._str; }
  toJSON() { return this._str; }
  with() { return this; }
}

class Position {
  constructor(line, character) { this.line = line; this.character = character; }
  isBefore(o) { return this.line < o.line || (this.line === o.line && this.character < o.character); }
  isEqual(o) { return this.line === o.line && this.character === o.character; }
}
class Range {
  constructor(a, b, c, d) {
    if (typeof a === "number") { this.start = new Position(a, b); this.end = new Position(c, d); }
    else { this.start = a; this.end = b; }
  }
  get isEmpty() { return this.start.isEqual(this.end); }
}
class Selection extends Range {}
class Location { constructor(uri, range) { this.uri = uri; this.range = range; } }
class Diagnostic { constructor(range, message, severity) { this.range = range; this.message = message; this.severity = severity; } }
class DiagnosticRelatedInformation { constructor(location, message) { this.location = location; this.message = message; } }
class TextEdit {
  constructor(range, newText) { this.range = range; this.newText = newText; }
  static replace(r, t) { return new TextEdit(r, t); }
  static insert(p, t) { return new TextEdit(new Range(p, p), t); }
  static delete(r) { return new TextEdit(r, ""); }
}
class WorkspaceEdit {
  constructor() { this._edits = new Map(); }
  _list(uri) { const k = uri.toString(); if (!this._edits.has(k)) this._edits.set(k, [uri, []]); return this._edits.get(k)[1]; }
  set(uri, edits) { this._list(uri).push(...(edits || []).map((e) => (Array.isArray(e) ? e[0] : e))); }
  replace(uri, range, text) { this._list(uri).push(new TextEdit(range, text)); }
  insert(uri, pos, text) { this._list(uri).push(TextEdit.insert(pos, text)); }
  delete(uri, range) { this._list(uri).push(TextEdit.delete(range)); }
  entries() { return [...this._edits.values()]; }
  get size() { return this._edits.size; }
  createFile() {} deleteFile() {} renameFile() {}
}
class CodeActionKind {
  constructor(value) { this.value = value; }
  append(part) { return new CodeActionKind(this.value ? `${this.value}.${part}` : part); }
  contains(o) { return this.value === o.value || o.value.startsWith(this.value + "."); }
  intersects(o) { return this.contains(o) || o.contains(this); }
}
for (const [k, v] of Object.entries({ Empty: "", QuickFix: "quickfix", Refactor: "refactor", RefactorExtract: "refactor.extract",
  RefactorInline: "refactor.inline", RefactorRewrite: "refactor.rewrite", Source: "source",
  SourceOrganizeImports: "source.organizeImports", SourceFixAll: "source.fixAll", Notebook: "notebook" })) {
  CodeActionKind[k] = new CodeActionKind(v);
}
class CodeAction { constructor(title, kind) { this.title = title; this.kind = kind; } }
class CodeLens { constructor(range, command) { this.range = range; this.command = command; } get isResolved() { return !!this.command; } }
class MarkdownString {
  constructor(value = "", supportThemeIcons) { this.value = value; this.supportThemeIcons = supportThemeIcons; }
  appendMarkdown(v) { this.value += v; return this; }
  appendText(v) { this.value += v; return this; }
  appendCodeblock(v, lang) { this.value += "\n```" + (lang || "") + "\n" + v + "\n```\n"; return this; }
}
class Hover { constructor(contents, range) { this.contents = Array.isArray(contents) ? contents : [contents]; this.range = range; } }
class CancellationTokenSource {
  constructor() { this._emitter = new EventEmitter(); const self = this;
    this.token = { isCancellationRequested: false, onCancellationRequested: this._emitter.event }; this._self = self; }
  cancel() { this.token.isCancellationRequested = true; this._emitter.fire(); }
  dispose() {}
}
class CancellationError extends Error {}
class RelativePattern { constructor(base, pattern) { this.base = base; this.pattern = pattern; } }

// Anything else the client might construct: a plain record of its arguments.
function recordClass(name) {
  return class { constructor(...args) { this.__kind = name; this.args = args; Object.assign(this, ...args.filter((a) => a && typeof a === "object" && !Array.isArray(a))); } };
}
function enumOf(values) {
  return new Proxy(values, { get: (t, p) => (p in t ? t[p] : typeof p === "string" ? p : undefined) });
}

function match(selector, doc) {
  const sels = Array.isArray(selector) ? selector : [selector];
  for (const s of sels) {
    if (typeof s === "string") { if (s === doc.languageId) return 10; continue; }
    if (s.language && s.language !== doc.languageId) continue;
    if (s.scheme && s.scheme !== doc.uri.scheme) continue;
    if (s.notebookType) continue;
    return 10;
  }
  return 0;
}

function namespace(base, prefix) {
  return new Proxy(base, {
    get(t, p) {
      if (p in t) return t[p];
      if (typeof p !== "string") return undefined;
      if (p.startsWith("onDid") || p.startsWith("onWill")) return (t[p] = emitter(`${prefix}.${p}`).event);
      if (p.startsWith("register")) {
        return (t[p] = (selector, provider, ...rest) => {
          (state.providers[p] = state.providers[p] || []).push({ selector, provider, rest });
          return new Disposable(() => {});
        });
      }
      return undefined;
    },
  });
}

function configuration(section) {
  const get = (key, dflt) => {
    const full = section ? `${section}.${key}` : key;
    if (full in state.config) return state.config[full];
    // A section: the nested object of every setting under it, as VS Code returns it.
    let found;
    for (const [k, v] of Object.entries(state.config)) {
      if (!k.startsWith(full + ".")) continue;
      found = found || {};
      const parts = k.slice(full.length + 1).split(".");
      let node = found;
      for (const p of parts.slice(0, -1)) node = node[p] = node[p] || {};
      node[parts.at(-1)] = v;
    }
    return found === undefined ? dflt : found;
  };
  const obj = { get, has: (k) => get(k) !== undefined, inspect: () => undefined, update: async () => {} };
  // The client's configuration middleware turns a section into a plain object.
  const prefix = section ? `${section}.` : "";
  for (const [k, v] of Object.entries(state.config)) {
    if (k.startsWith(prefix)) obj[k.slice(prefix.length)] = v;
  }
  return obj;
}

function outputChannel(name) {
  const log = (level) => (msg, ...rest) => state.output.push(`[${level}] ${msg} ${rest.join(" ")}`);
  return {
    name, logLevel: 2, onDidChangeLogLevel: emitter(`log.${name}`).event,
    append: log("append"), appendLine: log("line"), replace() {}, clear() {}, show() {}, hide() {}, dispose() {},
    trace: log("trace"), debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error"),
  };
}

const workspace = namespace({
  get textDocuments() { return state.textDocuments; },
  notebookDocuments: [],
  get workspaceFolders() { return state.workspaceFolders; },
  getConfiguration: configuration,
  getWorkspaceFolder: (uri) => (state.workspaceFolders || [])[0],
  createFileSystemWatcher: () => ({ onDidCreate: () => new Disposable(), onDidChange: () => new Disposable(), onDidDelete: () => new Disposable(), dispose() {} }),
  applyEdit: async (edit) => { state.applied = (state.applied || []).concat([edit]); return true; },
  fs: {},
}, "workspace");

const languages = namespace({
  match,
  createDiagnosticCollection: (name) => ({
    name,
    set(uri, diags) {
      if (Array.isArray(uri)) { for (const [u, d] of uri) state.diagnostics.set(u.toString(), d || []); return; }
      state.diagnostics.set(uri.toString(), diags || []);
      emitter("test.diagnostics").fire(uri.toString());
    },
    delete(uri) { state.diagnostics.delete(uri.toString()); },
    clear() { state.diagnostics.clear(); },
    get(uri) { return state.diagnostics.get(uri.toString()); },
    forEach(fn) { for (const [k, v] of state.diagnostics) fn(Uri.parse(k), v, this); },
    has(uri) { return state.diagnostics.has(uri.toString()); },
    dispose() {},
  }),
  getLanguages: async () => ["go"],
}, "languages");

const window = namespace({
  activeTextEditor: undefined,
  visibleTextEditors: [],
  tabGroups: { all: [], onDidChangeTabs: emitter("tabs").event, onDidChangeTabGroups: emitter("tabGroups").event },
  createOutputChannel: outputChannel,
  createStatusBarItem: (alignment, priority) => {
    const item = { alignment, priority, text: "", tooltip: "", command: undefined, visible: false,
      show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} };
    state.statusItems.push(item);
    return item;
  },
  showErrorMessage: async (...a) => { state.messages.push(["error", ...a]); return undefined; },
  showWarningMessage: async (...a) => { state.messages.push(["warning", ...a]); return undefined; },
  showInformationMessage: async (...a) => { state.messages.push(["info", ...a]); return undefined; },
  withProgress: async (opts, task) => task({ report() {} }, new CancellationTokenSource().token),
  showTextDocument: async () => undefined,
}, "window");

const commands = namespace({
  registerCommand: (id, fn) => { state.commands.set(id, fn); return new Disposable(() => state.commands.delete(id)); },
  executeCommand: async (id, ...args) => { const fn = state.commands.get(id); return fn ? fn(...args) : undefined; },
  getCommands: async () => [...state.commands.keys()],
}, "commands");

const known = {
  version: "1.91.0",
  env: { appName: "Visual Studio Code (stub)", language: "en", machineId: "stub", sessionId: "stub", openExternal: async () => true, uriScheme: "vscode" },
  Disposable, EventEmitter, Uri, Position, Range, Selection, Location, Diagnostic, DiagnosticRelatedInformation,
  TextEdit, WorkspaceEdit, CodeActionKind, CodeAction, CodeLens, MarkdownString, Hover, CancellationTokenSource,
  CancellationError, RelativePattern,
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  EndOfLine: { LF: 1, CRLF: 2 },
  TextDocumentSaveReason: { Manual: 1, AfterDelay: 2, FocusOut: 3 },
  CodeActionTriggerKind: { Invoke: 1, Automatic: 2 },
  NotebookCellKind: { Markup: 1, Code: 2 },
  FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
  workspace, languages, window, commands,
  extensions: { getExtension: () => undefined, all: [] },
  l10n: { t: (s, ...args) => (typeof s === "string" ? s.replace(/\{(\d+)\}/g, (_, i) => String(args[i])) : s.message) },
};

class TabInputText {} class TabInputTextDiff {} class TabInputNotebook {} class TabInputCustom {}
Object.assign(known, { TabInputText, TabInputTextDiff, TabInputNotebook, TabInputCustom });

function textDocument(filePath, text, languageId = "go", version = 1) {
  const lines = text.split("\n");
  return {
    uri: Uri.file(filePath), fileName: filePath, languageId, version, isClosed: false, isDirty: false, isUntitled: false,
    eol: 1, lineCount: lines.length,
    getText(range) {
      if (!range) return text;
      const off = (p) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
      return text.slice(off(range.start), off(range.end));
    },
    lineAt(i) { const l = typeof i === "number" ? i : i.line; return { text: lines[l], range: new Range(l, 0, l, lines[l].length) }; },
    offsetAt(p) { return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character; },
    positionAt(o) { let line = 0; while (line < lines.length - 1 && o > lines[line].length) { o -= lines[line].length + 1; line++; } return new Position(line, o); },
    save: async () => true,
  };
}

// Every class and enum name vscode-languageclient reads (TypeScript's __importStar copies own
// keys only, so they must exist up front): the hand-written ones above, records otherwise.
for (const name of ['CallHierarchyIncomingCall', 'CallHierarchyItem', 'CallHierarchyOutgoingCall', 'CancellationError', 'CancellationTokenSource', 'CodeAction', 'CodeActionKind', 'CodeActionTriggerKind', 'CodeLens', 'Color', 'ColorInformation', 'ColorPresentation', 'CompletionItem', 'CompletionItemKind', 'CompletionItemTag', 'CompletionList', 'CompletionTriggerKind', 'Diagnostic', 'DiagnosticRelatedInformation', 'DiagnosticSeverity', 'DiagnosticTag', 'Disposable', 'DocumentHighlight', 'DocumentHighlightKind', 'DocumentLink', 'DocumentSymbol', 'EventEmitter', 'FileType', 'FoldingRange', 'FoldingRangeKind', 'Hover', 'InlayHint', 'InlayHintLabelPart', 'InlineCompletionItem', 'InlineCompletionList', 'InlineCompletionTriggerKind', 'InlineValueEvaluatableExpression', 'InlineValueText', 'InlineValueVariableLookup', 'LinkedEditingRanges', 'Location', 'LogLevel', 'MarkdownString', 'NotebookCellKind', 'ParameterInformation', 'Position', 'ProgressLocation', 'Range', 'RelativePattern', 'SelectionRange', 'SemanticTokens', 'SemanticTokensEdit', 'SemanticTokensEdits', 'SignatureHelp', 'SignatureHelpTriggerKind', 'SignatureInformation', 'SnippetString', 'SnippetTextEdit', 'SymbolInformation', 'SymbolKind', 'SymbolTag', 'TabInputCustom', 'TabInputNotebook', 'TabInputText', 'TabInputTextDiff', 'TextDocumentSaveReason', 'TextEdit', 'TypeHierarchyItem', 'Uri', 'WorkspaceEdit']) {
  if (!(name in known)) {
    known[name] = /(Kind|Tag|Reason|Alignment|Location|Level|Type|Column|Line|Behavior|Mode|Status|Trigger)$/.test(name) ? enumOf({}) : recordClass(name);
  }
}

module.exports = new Proxy(known, {
  get(t, p) {
    if (p in t) return t[p];
    if (p === "__esModule") return false;
    if (p === "stub") return { state, emitter, textDocument };
    if (typeof p === "string" && /^[A-Z]/.test(p)) {
      t[p] = p.endsWith("Kind") || p.endsWith("Tag") || p.endsWith("Reason") ? enumOf({}) : recordClass(p);
      return t[p];
    }
    return undefined;
  },
});
