"""Where things live: shipped resources, and the user's data, log and backup folders."""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
import tempfile
from pathlib import Path

from app.errors import UserError

APP_NAME = "AchatsDurables"


def resources_dir() -> Path:
    """The ``resources/`` folder, in a source checkout or inside a PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def _preferred_dir(kind: str) -> Path:
    override = os.environ.get("ACHATS_DURABLES_HOME")
    if override:
        return Path(override) / kind
    import platformdirs

    getter = {
        "data": platformdirs.user_data_dir,
        "log": platformdirs.user_log_dir,
        "config": platformdirs.user_config_dir,
    }[kind]
    return Path(getter(APP_NAME, appauthor=False))


def fallback_dir(kind: str) -> Path:
    """Where ``kind`` goes when the user's own folder cannot be written: a per-user temporary folder."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (service account, container)
        user = "utilisateur"
    return Path(tempfile.gettempdir()) / f"{APP_NAME}-{user}" / kind


def _writable_dir(path: Path) -> None:
    """Create ``path`` and prove it can be written (``os.access`` lies on Windows and for root)."""
    path.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=path):
        pass


def warn(message: str) -> None:
    """A French warning on stderr (the log may be what could not be opened)."""
    with contextlib.suppress(OSError, ValueError):  # no console (pythonw) or closed stderr
        print(f"Attention : {message}", file=sys.stderr)


_resolved: dict[Path, Path] = {}


def _user_dir(kind: str) -> Path:
    preferred = _preferred_dir(kind)
    if preferred in _resolved:
        return _resolved[preferred]
    try:
        _writable_dir(preferred)
        path = preferred
    except OSError as exc:
        path = fallback_dir(kind)
        try:
            _writable_dir(path)
        except OSError as exc2:
            raise UserError(
                f"Aucun dossier où écrire : ni « {preferred} » ({exc.strerror or exc}) ni le dossier "
                f"temporaire « {path} » ({exc2.strerror or exc2}) ne sont accessibles en écriture."
            ) from exc2
        warn(
            f"le dossier « {preferred} » n'est pas accessible en écriture ({exc.strerror or exc}). "
            f"L'application utilise à la place le dossier temporaire « {path} » : ce qui y est rangé "
            "(journal, sauvegardes locales, fichiers récents) peut être effacé au redémarrage de l'ordinateur. "
            "Demandez à votre informaticien de rendre ce dossier accessible."
        )
    _resolved[preferred] = path
    return path


def user_data_dir() -> Path:
    return _user_dir("data")


def user_log_dir() -> Path:
    return _user_dir("log")


def user_config_dir() -> Path:
    return _user_dir("config")


def backups_dir() -> Path:
    """Backups go to a local folder of this PC, never beside a shared file only."""
    path = user_data_dir() / "sauvegardes"
    if path in _resolved:
        return _resolved[path]
    try:
        _writable_dir(path)
    except OSError as exc:
        fallback = fallback_dir("data") / "sauvegardes"
        try:
            _writable_dir(fallback)
        except OSError:
            raise UserError(
                f"Le dossier de sauvegarde « {path} » n'est pas accessible en écriture ({exc.strerror or exc})."
            ) from exc
        warn(
            f"le dossier de sauvegarde « {path} » n'est pas accessible en écriture ({exc.strerror or exc}) ; "
            f"les sauvegardes vont dans le dossier temporaire « {fallback} »."
        )
        path = fallback
    _resolved[user_data_dir() / "sauvegardes"] = path
    return path


def documents_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_documents_dir())


def demo_database() -> Path:
    """The committed demo file (source checkout) or its copy in the bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    base = Path(frozen) if frozen else Path(__file__).resolve().parent.parent
    return base / "sample_db" / "demo.sqlite"
