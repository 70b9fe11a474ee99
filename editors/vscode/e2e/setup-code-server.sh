#!/usr/bin/env bash
# Set up a real VS Code for the opt-in end-to-end test (tests/editors/test_vscode_real.py):
# code-server 4.100.3 from npm (it contains VS Code 1.100.3; later versions need Node 22),
# Debian's chromium, and puppeteer-core to drive it. Everything npm installs goes into a cache
# folder outside the repository: $GOPERF_E2E_CACHE (default ~/.cache/goperf-e2e).
#
# code-server's npm postinstall fails on these machines (root permissions, libkrb5-dev, a ripgrep
# download from GitHub), so it is installed with --ignore-scripts and its native modules are rebuilt
# and linked by hand (see /work/shared/editor-testing.md for what was measured).
#
# Idempotent: a finished setup leaves $CACHE/.ready and a second run returns at once.
# Needs root (or sudo) for apt-get, Node 20 and npm. Takes 2–3 minutes the first time.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
PUPPETEER_VERSION=24.10.0
CACHE="${GOPERF_E2E_CACHE:-$HOME/.cache/goperf-e2e}"
STAMP="$CACHE/.ready-$CODE_SERVER_VERSION-$PUPPETEER_VERSION"

if [[ -f "$STAMP" && "${1:-}" != "--force" ]]; then
  echo "code-server $CODE_SERVER_VERSION already set up in $CACHE"
  exit 0
fi

log() { printf '[setup-code-server %s] %s\n' "$(date +%T)" "$*"; }

# 1. System packages: compilers and headers for the native modules, Debian's ripgrep (instead of
#    the download), and chromium.
APT_PACKAGES=(build-essential pkg-config python3 libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev ripgrep chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v node >/dev/null || { echo "node is missing (Node 20 is needed)" >&2; exit 1; }

# 2. code-server and puppeteer-core, without install scripts.
mkdir -p "$CACHE"
cd "$CACHE"
[[ -f package.json ]] || echo '{"name":"goperf-e2e","private":true}' > package.json
# node-pty's postinstall runs `npx node-gyp configure`: let npx fetch it without a prompt.
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
log "npm install code-server@$CODE_SERVER_VERSION puppeteer-core@$PUPPETEER_VERSION (--ignore-scripts)"
PUPPETEER_SKIP_DOWNLOAD=1 npm install --ignore-scripts \
  "code-server@$CODE_SERVER_VERSION" "puppeteer-core@$PUPPETEER_VERSION"

CS="$CACHE/node_modules/code-server"
log "npm rebuild argon2 (code-server's own native module; npm hoists it to $CACHE/node_modules)"
npm rebuild --nodedir=/usr argon2

# 3. VS Code's server-side modules (lib/vscode), rebuilt against Debian's Node headers.
VS="$CS/lib/vscode"
log "npm install --omit=dev in lib/vscode"
(cd "$VS" && npm install --omit=dev --ignore-scripts)
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
log "npm rebuild native modules in lib/vscode"
(cd "$VS" && npm rebuild --nodedir=/usr kerberos @vscode/spdlog native-watchdog node-pty @vscode/deviceid)
ln -sfn node_modules "$VS/node_modules.asar"
ln -sf code-linux.sh "$VS/bin/remote-cli/code-server"
ln -sf browser-linux.sh "$VS/bin/helpers/browser.sh"
log "npm install --omit=dev in lib/vscode/extensions (built-in extensions)"
(cd "$VS/extensions" && npm install --omit=dev)

# 4. A quick check that code-server loads (its config file goes to the cache, not ~/.config).
version=$(XDG_CONFIG_HOME="$CACHE/config" node "$CS/out/node/entry.js" --version | tail -1)
[[ -x /usr/bin/chromium ]] || { echo "/usr/bin/chromium is missing" >&2; exit 1; }
touch "$STAMP"
log "ready: code-server $version in $CS; $(/usr/bin/chromium --version 2>/dev/null)"
