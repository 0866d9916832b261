#!/usr/bin/env bash
# Build the one-folder bundle with PyInstaller, then run its self-test offscreen.
# On Windows, the same spec is used; installer/achats-durables.iss (Inno Setup) wraps dist/ into one installer.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pip install -q "pyinstaller>=6.10"
.venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build installer/achats-durables.spec
QT_QPA_PLATFORM=offscreen dist/achats-durables/achats-durables selftest
du -sh dist/achats-durables
