#!/usr/bin/env bash
# Build the Linux package of Achats Durables and check it, from a fresh clone:
#   1. PyInstaller one-folder bundle (installer/achats-durables.spec) in dist/achats-durables/,
#      with the .desktop file, the icon and install-shortcut.sh beside the executables;
#   2. dist/achats-durables-VERSION-linux-ARCH.tar.gz of that folder;
#   3. the ten largest parts and the sizes against the budget (fails when over it);
#   4. installer/check-bundle.sh: self-test and commands of the extracted package, env -i, read-only.
# Usage: installer/build.sh            uses .venv (made by installer/setup-debian.sh app if absent)
#        PYTHON=/path/to/python installer/build.sh   another environment with the app installed
# Windows: the same spec; see README.md (developer section) and installer/achats-durables.iss.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_UNPACKED_MB=150
MAX_ARCHIVE_MB=60
start=$(date +%s)

python="${PYTHON:-.venv/bin/python}"
if [ ! -x "$python" ]; then
  installer/setup-debian.sh app
  python=.venv/bin/python
fi
# PyInstaller reads (readelf, objdump) and strips (strip) the shared libraries with binutils.
for tool in readelf objdump strip; do
  if ! command -v "$tool" >/dev/null; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends binutils >/dev/null
    break
  fi
done
# The build tools are pyproject.toml's "installer" extra; the project itself is already installed.
mapfile -t tools < <("$python" -c 'import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["installer"]))')
"$python" -m pip install -q "${tools[@]}"

rm -rf build/achats-durables dist/achats-durables
"$python" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build \
  installer/achats-durables.spec
bundle=dist/achats-durables
cp installer/linux/achats-durables.desktop installer/linux/install-shortcut.sh installer/linux/LISEZMOI.txt \
  resources/icons/achats-durables.png "$bundle/"

version=$("$python" -c 'import app; print(app.__version__)')
archive="dist/achats-durables-$version-linux-$(uname -m).tar.gz"
tar -C dist --owner=0 --group=0 --numeric-owner --sort=name -cf - achats-durables | gzip -9 >"$archive"
built=$(date +%s)

budget=0
"$python" installer/sizes.py "$bundle" "$archive" \
  --max-unpacked "$MAX_UNPACKED_MB" --max-archive "$MAX_ARCHIVE_MB" || budget=1
echo "Construction : $((built - start)) s"
installer/check-bundle.sh "$archive"
if [ "$budget" != 0 ]; then
  exit 1
fi
echo "Paquet prêt : $archive"
