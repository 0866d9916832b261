#!/bin/sh
# Ajoute Achats Durables au menu des applications de l'utilisateur courant (sans droits
# d'administrateur), avec son icône ; les bases .sqlite s'ouvrent alors avec lui.
#   ./install-shortcut.sh            ajouter le raccourci (à relancer si le dossier est déplacé)
#   ./install-shortcut.sh --remove   retirer le raccourci (les bases et sauvegardes ne sont jamais touchées)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data="${XDG_DATA_HOME:-$HOME/.local/share}"
desktop="$data/applications/achats-durables.desktop"
icon="$data/icons/hicolor/256x256/apps/achats-durables.png"

if [ "${1:-}" = "--remove" ]; then
  rm -f "$desktop" "$icon"
  echo "Raccourci retiré. Vos bases et vos sauvegardes n'ont pas été touchées."
  exit 0
fi
mkdir -p "$(dirname "$desktop")" "$(dirname "$icon")"
cp "$here/achats-durables.png" "$icon"
# The Exec line needs the absolute path of this folder, quoted (it may hold spaces).
escaped=$(printf '%s' "$here" | sed 's/[\\&|]/\\&/g')
sed -e "s|^Exec=.*|Exec=\"$escaped/achats-durables\" %f|" \
    -e "s|^TryExec=.*|TryExec=$escaped/achats-durables|" \
    "$here/achats-durables.desktop" > "$desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" 2>/dev/null || true
echo "Achats Durables est dans le menu des applications (raccourci : $desktop)."
