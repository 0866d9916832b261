#!/usr/bin/env bash
# Set up Achats Durables on a fresh Debian/Ubuntu machine with Python 3.11+.
#   installer/setup-debian.sh app       system libraries for the Qt window, venv, the application
#   installer/setup-debian.sh test      the same plus the test tools (pytest, pytest-qt, hypothesis...) and
#                                       a PostgreSQL server on loopback for the server-mode tests (below)
#   installer/setup-debian.sh postgres  only the test server (PostgreSQL already installed)
# System packages (apt-get, with sudo when not root): python3-venv and the X11/xcb libraries that
# Qt's window needs (libxcb-icccm4 and libxcb-keysyms1 are the ones Qt's error message forgets),
# plus the EGL/GL, fontconfig and D-Bus libraries PySide6 loads even when it draws offscreen, and
# libpq5, the PostgreSQL client library the psycopg driver uses for the server mode.
#
# "test" also installs Debian's PostgreSQL, starts a cluster (pg_ctlcluster, the server running as
# the system user "postgres", also when CI runs as root) listening on 127.0.0.1 only, creates the
# role and base the tests use (the role may create bases: each test copies its own from a template),
# and writes their URL to .venv/achats-test-pg-url, which tests/conftest.py reads
# (ACHATS_TEST_PG_URL overrides it).
set -euo pipefail
mode="${1:-app}"
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

start_test_server() {
  local cluster version name port status
  cluster=$(pg_lsclusters --no-header 2>/dev/null | head -1 || true)
  if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    $SUDO pg_createcluster "$version" main >/dev/null
    cluster=$(pg_lsclusters --no-header | head -1)
  fi
  read -r version name port status _ <<<"$cluster"
  if [ "$status" != online ]; then
    $SUDO pg_ctlcluster "$version" "$name" start  # Debian default: listen_addresses = localhost
  fi
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 1; done
  # psql as the "postgres" system user (peer authentication on the local socket)
  local as_postgres=(runuser -u postgres --)
  if [ "$(id -u)" != 0 ]; then as_postgres=(sudo -u postgres); fi
  "${as_postgres[@]}" psql -q -p "$port" -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'CREATE ROLE achats_test LOGIN CREATEDB PASSWORD ''achats_test'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'achats_test') \gexec
SELECT 'CREATE DATABASE achats_test OWNER achats_test'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'achats_test') \gexec
SQL
  mkdir -p .venv
  echo "postgresql://achats_test:achats_test@127.0.0.1:$port/achats_test" >.venv/achats-test-pg-url
  echo "Serveur PostgreSQL de test : 127.0.0.1:$port (base achats_test, URL dans .venv/achats-test-pg-url)"
}

if [ "$mode" = postgres ]; then
  start_test_server
  exit 0
fi

packages=(python3-venv python3-pip libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
          libfreetype6 fonts-dejavu-core libdbus-1-3 libglib2.0-0 libxcb1 libx11-xcb1 libxcb-cursor0
          libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0
          libxcb-xkb1 libxcb-xinerama0 libpq5)
if [ "$mode" = test ]; then packages+=(postgresql); fi
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
  start_test_server
else
  .venv/bin/python -m pip install -q -e .
fi
