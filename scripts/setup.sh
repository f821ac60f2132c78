#!/usr/bin/env bash
# Idempotent set-up: Debian packages the tests need, npm dependencies, Deno (from npm).
# Called by `npm start` and `npm test`; safe to run again (it only does what is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# Debian packages: Chromium for browser tests, Mesa's lavapipe (software Vulkan) for WebGPU in Deno,
# the Fashion-MNIST data used by real-data tests and benchmarks, and Slurm + MUNGE for the cluster tier
# (a single-node cluster on localhost, scripts/cluster/slurm-local.sh).
APT_PACKAGES=(chromium mesa-vulkan-drivers dataset-fashion-mnist slurm-wlm munge)
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

# Node's WebGPU (npm `webgpu`, Dawn) rejects bookworm's Mesa 22 lavapipe; Mesa 25 from bookworm-backports works
# (and serves Deno too). Only on Debian bookworm, only when the installed Mesa is older.
mesa=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
codename=$( (. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}") || true)
if [ "${AUTOGENDA_SKIP_APT:-}" != 1 ] && [ "$codename" = bookworm ] && [ -n "$mesa" ] && [ "${mesa%%.*}" -lt 25 ] 2>/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    say "warning: Mesa $mesa is too old for WebGPU in Node (need 25 from bookworm-backports; needs root) — the gpu-node tier will fail"
  else
    say "installing Mesa 25 lavapipe from bookworm-backports (for WebGPU in Node)"
    src=/etc/apt/sources.list.d/bookworm-backports.sources
    [ -f "$src" ] || printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$src"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
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

# ── Model runtime tests (src/ort, src/models, src/stages): real photos from Debian's python3-skimage
# (public domain / CC0), extracted into .cache/skimage with `apt-get download` + `dpkg -x` — no
# Python install, no root needed. Used by the preprocessing tests against Pillow's golden numbers.
SKIMAGE_DIR=.cache/skimage
if [ ! -f "$SKIMAGE_DIR/coffee.png" ] || [ ! -f "$SKIMAGE_DIR/chelsea.png" ]; then
  if [ "${AUTOGENDA_SKIP_APT:-}" = 1 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "skipping the python3-skimage photos (no apt-get or AUTOGENDA_SKIP_APT=1) — preprocessing tests will fail"
  else
    say "fetching Debian's python3-skimage photos into $SKIMAGE_DIR"
    sk_tmp=$(mktemp -d)
    (cd "$sk_tmp" && { apt-get download python3-skimage >/dev/null 2>&1 ||
      { ${SUDO:-} apt-get update -qq && apt-get download python3-skimage >/dev/null 2>&1; }; }) ||
      die "could not download python3-skimage (apt-get download python3-skimage)"
    dpkg -x "$sk_tmp"/python3-skimage_*.deb "$sk_tmp/x"
    mkdir -p "$SKIMAGE_DIR"
    cp "$sk_tmp"/x/usr/lib/python3/dist-packages/skimage/data/*.png "$SKIMAGE_DIR"/
    cp "$sk_tmp"/x/usr/lib/python3/dist-packages/skimage/data/*.jpg "$SKIMAGE_DIR"/ 2>/dev/null || true
    rm -rf "$sk_tmp"
  fi
fi

say "ready"
