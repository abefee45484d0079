#!/usr/bin/env bash
# Set up what `make site` and `make test` need, on a fresh Debian machine.
#   scripts/bootstrap.sh python   virtual environment in .venv with the pinned packages
#   scripts/bootstrap.sh browser  Debian's chromium and CJK fonts, for the browser tests
#   scripts/bootstrap.sh sources  the source cache into sources/, from the release "sources" (asset
#                                 sources.tar.gz), with the GitHub CLI and GH_TOKEN; says so and goes on without
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: '$*' needs root; run it as root or install sudo" >&2; exit 1; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

python_env() {
  local py="${PYTHON:-python3}"
  "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "error: Python 3.11 or newer is needed ($py is $("$py" --version 2>&1))" >&2; exit 1; }
  local stamp=.venv/.installed
  local want
  want="$(cat scripts/requirements.lock scripts/pyproject.toml | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  if [ ! -x .venv/bin/python ]; then
    "$py" -m venv .venv 2>/dev/null || { rm -rf .venv; apt_install python3-venv; "$py" -m venv .venv; }
  fi
  .venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/requirements.lock
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e scripts
  echo "$want" > "$stamp"
}

case "${1:-python}" in
  python) python_env ;;
  browser)
    # CHROMIUM may name a Chromium or Chrome already installed (GitHub's runners have Chrome,
    # and Ubuntu's chromium package is a snap); otherwise Debian's chromium is installed.
    if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then apt_install fonts-noto-cjk
    else apt_install chromium fonts-noto-cjk; fi ;;
  sources)
    # Source documents are not in git (see README). A deployment restores its cache from a named archive.
    mkdir -p sources
    tmp="$(mktemp -d)"
    if command -v gh >/dev/null && [ -n "${GH_TOKEN:-}" ] && gh release download sources --pattern sources.tar.gz --dir "$tmp"; then
      tar xzf "$tmp/sources.tar.gz" -C sources
      echo "source cache restored into sources/"
    else
      echo "::notice title=No source cache::release 'sources' has no sources.tar.gz (or no GitHub CLI / GH_TOKEN): building without source documents"
    fi
    rm -rf "$tmp" ;;
  *) echo "usage: $0 python|browser|sources" >&2; exit 2 ;;
esac
