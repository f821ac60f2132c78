#!/usr/bin/env bash
# Idempotent set-up: Debian packages the tests need, npm dependencies, Deno (from npm).
# Called by `npm start` and `npm test`; safe to run again (it only does what is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# Debian packages: Chromium for browser tests, Mesa's lavapipe (software Vulkan) for WebGPU in Deno,
# and the Fashion-MNIST data used by real-data tests and benchmarks.
APT_PACKAGES=(chromium mesa-vulkan-drivers dataset-fashion-mnist)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${AUTOGENDA_SKIP_APT:-}" = 1 ]; then
    say "skipping apt (AUTOGENDA_SKIP_APT=1); missing: ${missing[*]} — GPU/browser tests will fail"
  elif ! command -v apt-get >/dev/null 2>&1; then
    die "missing Debian packages (${missing[*]}) and no apt-get here. Install them with your package manager, or set AUTOGENDA_SKIP_APT=1 to skip the GPU and browser tiers' set-up."
  else
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
      command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && SUDO="sudo -n" ||
        die "need root to install ${missing[*]} (run: sudo apt-get install -y ${missing[*]}), or set AUTOGENDA_SKIP_APT=1."
    fi
    say "installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# npm dependencies: reinstall only when package-lock.json changed since the last install.
export ONNXRUNTIME_NODE_INSTALL=skip   # its install script fetches from hosts outside the npm registry
stamp=node_modules/.autogenda-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$want" > "$stamp"
fi

# Deno comes from npm (binary inside the registry package); check it runs.
node_modules/.bin/deno --version >/dev/null 2>&1 || die "Deno from npm does not run (node_modules/.bin/deno); try: rm -rf node_modules && npm ci"
say "ready"
