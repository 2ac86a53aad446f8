#!/usr/bin/env bash
# Debian packages the PDFs need: HarfBuzz subsetting (WeasyPrint renders ~2.6x faster with it)
# and the DejaVu fonts (Polish glyphs). Installs what is missing when apt-get can run as root;
# otherwise says what to install and carries on (PDFs still render, slower).
# `system-packages.sh browser` adds Debian's Chromium for the browser suite (make browser-test):
# Playwright cannot download browsers here and launches this one.
set -u
packages=(libharfbuzz-subset0 fonts-dejavu-core)
[ "${1:-}" = browser ] && packages+=(chromium)
command -v dpkg-query >/dev/null || { echo "note: not Debian; install HarfBuzz subset + DejaVu fonts yourself"; exit 0; }
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "installing ${missing[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null \
    || echo "warning: could not install ${missing[*]}"
else
  echo "note: run 'sudo apt-get install ${missing[*]}' for fast PDFs with Polish glyphs"
fi
exit 0
