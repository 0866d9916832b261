#!/usr/bin/env bash
# Check the packaged Linux app the way a town hall's PC runs it: extracted from the .tar.gz into a
# folder its user cannot write to, in a bare environment (env -i: no DISPLAY, LANG, XDG_* nor
# Python; an empty HOME), as an unprivileged user (nobody, when run as root). Runs the self-test,
# then one command of each kind: demo file, check, PDF reports, spreadsheet export and import, backup.
#   installer/check-bundle.sh dist/achats-durables-VERSION-linux-ARCH.tar.gz
set -euo pipefail
archive=$(realpath "$1")
# A commune of the demo database (app/demo/), for the commands that need one.
ORG="Commune de Val-des-Saules"
YEAR=$(date +%Y)

work=$(mktemp -d /tmp/achats-durables-check.XXXXXX)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir "$work/install" "$work/home" "$work/files"
tar -xzf "$archive" -C "$work/install"
chmod -R a-w "$work/install"
listing() { find "$work/install" -printf '%P %s %T@\n' | sort; }
installed=$(listing)
as_user=()
if [ "$(id -u)" = 0 ]; then  # root writes anywhere: run as nobody instead
  chown nobody "$work/home" "$work/files"
  as_user=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
fi
user=$(id -un "$([ "$(id -u)" = 0 ] && echo nobody || id -u)")

run() {  # run [VAR=VALUE...] PROGRAM ARGS...: one program of the bundle, in the bare environment
  local settings=()
  while [[ $1 == *=* ]]; do settings+=("$1"); shift; done
  local program=$1
  shift
  (cd "$work/files" && timeout 120 "${as_user[@]}" env -i PATH=/usr/bin:/bin HOME="$work/home" \
    "${settings[@]}" "$work/install/achats-durables/$program" "$@")
}

echo "Autotest de $(basename "$archive") (env -i, HOME vide, dossier en lecture seule, utilisateur $user) :"
run achats-durables-cli selftest
echo "Commandes :"
run achats-durables-cli demo --db demo.sqlite
run achats-durables-cli check --db demo.sqlite >/dev/null
run achats-durables-cli report cad --db demo.sqlite --org "$ORG" --year "$YEAR" --out cad.pdf
run achats-durables-cli report grouping --db demo.sqlite --org "$ORG" --year "$YEAR" --out mutualisation.pdf
run achats-durables-cli export contracts --db demo.sqlite --org "$ORG" --out marches.xlsx
run achats-durables-cli import contracts marches.xlsx --db demo.sqlite --org "$ORG" --dry-run
run achats-durables-cli backup --db demo.sqlite
# The windowed entry point opens the file it is given (a double-click): offscreen here, the
# startup probe quits once the register has painted its rows.
window=$(run QT_QPA_PLATFORM=offscreen ACHATS_DURABLES_STARTUP_PROBE=1 achats-durables demo.sqlite)
if ! grep -Eq '^register [0-9.]+ [1-9]' <<<"$window"; then
  echo "La fenêtre n'a pas affiché le registre de demo.sqlite : $window" >&2
  exit 1
fi
echo "Fenêtre : le registre de demo.sqlite s'affiche ($(grep -Eo '^register [0-9.]+ [0-9]+' <<<"$window" | cut -d' ' -f3) marchés)."
if [ "$(listing)" != "$installed" ]; then
  echo "Le programme a modifié son dossier d'installation :" >&2
  diff <(echo "$installed") <(listing) >&2 || true
  exit 1
fi
echo "Contrôle du paquet : OK"
