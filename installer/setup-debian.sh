#!/usr/bin/env bash
# Set up Achats Durables on a fresh Debian/Ubuntu machine with Python 3.11+.
#   installer/setup-debian.sh app    system libraries for the Qt window, venv, the application
#   installer/setup-debian.sh test   the same plus the test tools (pytest, pytest-qt, hypothesis...)
# System packages (apt-get, with sudo when not root): python3-venv and the X11/xcb libraries that
# Qt's window needs (libxcb-icccm4 and libxcb-keysyms1 are the ones Qt's error message forgets),
# plus the EGL/GL, fontconfig and D-Bus libraries PySide6 loads even when it draws offscreen.
set -euo pipefail
mode="${1:-app}"
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
packages=(python3-venv python3-pip libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
          libfreetype6 fonts-dejavu-core libdbus-1-3 libglib2.0-0 libxcb1 libx11-xcb1 libxcb-cursor0
          libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0
          libxcb-xkb1 libxcb-xinerama0)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installation des bibliothèques système : ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$mode" = test ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
