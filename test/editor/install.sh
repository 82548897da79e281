#!/usr/bin/env bash
# Installs the real-editor test toolchain on a fresh Debian machine (as root, or
# with sudo): the Debian packages code-server's native modules build against,
# Debian's Chromium (driven by playwright-core) and Neovim, then code-server
# 4.100.3 + playwright-core from test/editor/package-lock.json.
#
# Idempotent: each step checks whether it is already done, so a second run takes
# a second or two.
#
# Why the ripgrep tarball: code-server bundles VS Code, which depends on
# @vscode/ripgrep; its postinstall downloads a prebuilt `rg` from GitHub, which
# this machine cannot reach. It first looks in
# $TMPDIR/vscode-ripgrep-cache-<package version>/ for the tarball, so we put
# Debian's own `rg` there, packed the way the download would be.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

CODE_SERVER_VERSION=4.100.3
RIPGREP_PACKAGE_VERSION=1.15.11   # @vscode/ripgrep inside code-server 4.100.3
RIPGREP_VERSION=v13.0.0-10        # the rg build that package downloads
DEBIAN_PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium neovim)

log() { printf '[editor-install] %s\n' "$*" >&2; }
started=$(date +%s)

# --- 1. Debian packages --------------------------------------------------
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
else
  log "Debian packages already installed"
fi

# --- 2. ripgrep cache for @vscode/ripgrep's postinstall -------------------
case "$(uname -m)" in
  x86_64) rg_target=x86_64-unknown-linux-musl ;;
  aarch64) rg_target=aarch64-unknown-linux-musl ;;
  *) log "unsupported architecture $(uname -m)"; exit 1 ;;
esac
tmp="${TMPDIR:-/tmp}"
cache_dir="$tmp/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
tarball="$cache_dir/ripgrep-$RIPGREP_VERSION-$rg_target.tar.gz"
if [ ! -s "$tarball" ]; then
  log "packing Debian's rg as $tarball"
  mkdir -p "$cache_dir"
  stage="$(mktemp -d)"
  cp "$(command -v rg)" "$stage/rg"
  tar -czf "$tarball.partial" -C "$stage" rg
  mv "$tarball.partial" "$tarball"
  rm -rf "$stage"
else
  log "ripgrep cache already present"
fi

# --- 3. npm packages ------------------------------------------------------
# The stamp records the lock file a finished install came from; a changed lock
# file or an interrupted install (no stamp) installs again.
stamp=node_modules/.tasklens-editor-install
fingerprint() { { cat package.json; cat package-lock.json 2>/dev/null || true; } | sha256sum | cut -d' ' -f1; }
want="$(fingerprint)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
  [ -f node_modules/code-server/out/node/entry.js ] &&
  [ -d node_modules/code-server/lib/vscode/node_modules ] &&
  [ -f node_modules/playwright-core/package.json ]; then
  log "code-server $CODE_SERVER_VERSION and playwright-core already installed"
else
  export npm_config_yes=true npm_config_unsafe_perm=true
  # Run from `npm run test:editor`, npm's own variables point at the root
  # package: this install is test/editor's alone.
  unset npm_config_local_prefix npm_package_json
  if [ -f package-lock.json ]; then
    log "npm ci (code-server $CODE_SERVER_VERSION builds its native modules: a few minutes)"
    npm ci --no-audit --no-fund --loglevel=error
  else
    log "npm install (no lock file yet)"
    npm install --no-audit --no-fund --loglevel=error
  fi
  fingerprint >"$stamp"
fi

log "done in $(($(date +%s) - started))s"
