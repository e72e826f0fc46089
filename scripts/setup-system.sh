#!/usr/bin/env bash
# Install what gongwen needs from Debian on a fresh machine: LibreOffice (from the
# backports suite of the mirror already configured), poppler-utils, Noto CJK, Liberation
# (a Times New Roman metric twin), and the six Fandol text faces (FangSong, Kai, Song,
# Hei) extracted from texlive-lang-chinese.  For the tests of `gongwen serve`: a Redis
# server (the job queue) and Chromium with its WebDriver (the browser tests).
# Idempotent and quiet: a second run that finds everything in place touches nothing and
# needs no network.  Run as root (or with sudo).  Writes no host name: the mirror is
# read from the machine's own apt sources.
set -euo pipefail

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
FONT_DIR="${GONGWEN_FONT_DIR:-/usr/local/share/gongwen/fonts}"
export DEBIAN_FRONTEND=noninteractive

# LibreOffice below this major version lays the 28-characters-per-line grid wrongly.
MIN_LO_MAJOR=24
FANDOL_FACES=(FandolFang-Regular FandolKai-Regular FandolSong-Regular FandolSong-Bold
  FandolHei-Regular FandolHei-Bold)
base_pkgs=(poppler-utils fontconfig fonts-noto-cjk fonts-noto-cjk-extra fonts-liberation2 python3-venv
  redis-server chromium chromium-driver)

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
backports="${codename}-backports"

lo_major() { soffice --version 2>/dev/null | awk '/LibreOffice/ {split($2, v, "."); print v[1]; exit}'; }
missing_pkgs() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' \
      || echo "$pkg"
  done
}
missing_faces() {
  local face
  for face in "${FANDOL_FACES[@]}"; do [ -s "$FONT_DIR/$face.otf" ] || echo "$face"; done
}

# apt-get install, its output dropped but for errors (debconf's note about apt-utils too).
apt_install() {
  $SUDO apt-get install -y -qq --no-install-recommends "$@" 2> >(grep -v '^debconf: delaying' >&2) >/dev/null
}

updated=""
apt_update() {
  [ -n "$updated" ] && return 0
  $SUDO apt-get update -qq
  updated=1
}

# --- LibreOffice -------------------------------------------------------------------
major=$(lo_major || true)
if [ -z "$major" ] || [ "$major" -lt "$MIN_LO_MAJOR" ] \
   || [ -n "$(missing_pkgs libreoffice-writer-nogui python3-uno)" ]; then
  # The first Debian mirror URI in the machine's sources (deb822 or one-line format).
  mirror=$(
    { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
      grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'
    } | grep -v -- '-security' | grep -i debian | head -n1 || true)
  if [ -n "$mirror" ] && ! grep -rqs -- "$backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "gongwen setup: adding $backports from the configured mirror"
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$mirror" "$backports" | $SUDO tee /etc/apt/sources.list.d/gongwen-backports.sources >/dev/null
  fi
  apt_update
  policy=$(apt-cache policy libreoffice-writer-nogui 2>/dev/null || true)
  if [[ "$policy" == *"$backports"* ]]; then
    apt_install -t "$backports" libreoffice-writer-nogui python3-uno
  else
    echo "gongwen setup: WARNING: $backports has no LibreOffice here; installing the stock version." >&2
    echo "gongwen setup: WARNING: LibreOffice < $MIN_LO_MAJOR lays the 28-character grid wrongly; gongwen falls back to tracking." >&2
    apt_install libreoffice-writer-nogui python3-uno
  fi
fi

# --- poppler, fontconfig, Noto CJK, Liberation --------------------------------------
mapfile -t need < <(missing_pkgs "${base_pkgs[@]}")
if [ "${#need[@]}" -gt 0 ]; then
  apt_update
  apt_install "${need[@]}"
fi

# --- Fandol: only the six text faces out of texlive-lang-chinese (a large package) ----
mapfile -t faces < <(missing_faces)
if [ "${#faces[@]}" -gt 0 ]; then
  apt_update
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1)
  deb=$(ls "$tmp"/texlive-lang-chinese_*.deb | head -n1)
  patterns=()
  for face in "${FANDOL_FACES[@]}"; do patterns+=("*/fandol/$face.otf"); done
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards "${patterns[@]}"
  $SUDO mkdir -p "$FONT_DIR"
  for face in "${FANDOL_FACES[@]}"; do
    src=$(find "$tmp" -name "$face.otf" -print -quit)
    [ -n "$src" ] || { echo "gongwen setup: $face.otf not found in texlive-lang-chinese" >&2; exit 1; }
    $SUDO install -m 0644 "$src" "$FONT_DIR/$face.otf"
  done
fi
# Earlier versions of this script copied Fandol's Braille faces too; documents never use them.
$SUDO rm -f "$FONT_DIR"/FandolBraille-*.otf

if [ -n "$updated" ] || [ "${#faces[@]}" -gt 0 ]; then
  echo "gongwen setup: LibreOffice $(soffice --version 2>/dev/null | awk '/LibreOffice/ {print $2; exit}')," \
    "fonts in $FONT_DIR: ${FANDOL_FACES[*]}"
fi
