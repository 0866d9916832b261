"""A PostgreSQL server instead of a file (``--db postgresql://user:password@host/base``).

Same model, same migrations, same services; what changes is what the server does for us: locks,
crash safety and backups are the server's, so SQLite's file checks (header, ``quick_check``, journal,
WAL, location of the file, backups in a local folder) do not apply. The driver is psycopg 3 using
the system's libpq; it is imported only when a server URL is opened, and a missing driver (the
stand-alone package ships without it) or an unreachable server ends in a French message.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from app import errors
from app.storage import migrate
from app.storage.limits import BUSY_TIMEOUT_MS

log = logging.getLogger(__name__)

SERVER_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
CONNECT_TIMEOUT_S = 10
# pg_advisory_xact_lock key for schema changes ("ACHD" like the SQLite application_id): two
# workstations opening an old database at once do not both migrate it.
MIGRATION_LOCK = 0x41434844

SERVER_NOT_APPLICABLE = (
    "Cette base est sur un serveur PostgreSQL : {what} est l'affaire du serveur, pas de ce poste. "
    "Demandez à la personne qui administre le serveur (sauvegardes par pg_dump, restauration, contrôle)."
)


def is_server_url(target: object) -> bool:
    return isinstance(target, str) and "://" in target


def display_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(adresse illisible)"
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user.split(':', 1)[0]}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _bad_url(url: str, why: str) -> errors.DatabaseUnavailable:
    return errors.DatabaseUnavailable(
        f"L'adresse de base de données « {display_url(url)} » n'est pas valable : {why}. "
        "Forme attendue : postgresql://utilisateur:motdepasse@serveur:5432/nom_de_la_base "
        "(ou le chemin d'un fichier .sqlite)."
    )


def driver_url(url: str):  # noqa: ANN201 - sqlalchemy URL
    """``postgresql://`` (as given by a host) → SQLAlchemy's psycopg 3 dialect; anything else is refused."""
    scheme = url.split("://", 1)[0].lower()
    if scheme not in SERVER_SCHEMES:
        raise _bad_url(url, f"le type « {scheme} » n'est pas pris en charge (seul PostgreSQL l'est)")
    try:
        parsed = make_url(re.sub(r"^[^:]+://", "postgresql+psycopg://", url, count=1))
    except (ArgumentError, ValueError) as exc:
        raise _bad_url(url, "elle est mal formée") from exc
    if not parsed.database:
        raise _bad_url(url, "le nom de la base manque après le nom du serveur")
    return parsed


def _missing_driver() -> errors.DatabaseUnavailable:
    return errors.DatabaseUnavailable(
        "Le mode serveur (PostgreSQL) n'est pas disponible dans cette installation : le pilote « psycopg » "
        "ou la bibliothèque « libpq » manque. Il est fourni par l'installation complète "
        "(installer/setup-debian.sh, ou « pip install achats-durables » avec le paquet système libpq5) ; "
        "la version autonome (archive ou installateur Windows) ne travaille que sur des fichiers."
    )


def server_engine(url: str) -> Engine:
    target = driver_url(url)
    try:
        import psycopg  # noqa: F401 - fails here (not deep in SQLAlchemy) when the driver or libpq lacks
    except ImportError as exc:
        raise _missing_driver() from exc
    try:
        return create_engine(
            target,
            pool_pre_ping=True,  # a server restarted overnight: reconnect instead of failing once
            pool_size=2,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_S,
                "application_name": "achats-durables",
                # a row locked by another workstation for longer than SQLite's busy timeout: DatabaseBusy
                "options": f"-c lock_timeout={BUSY_TIMEOUT_MS}",
            },
        )
    except NoSuchModuleError as exc:
        raise _missing_driver() from exc


def connection_error(exc: DBAPIError, url: str) -> errors.UserError | None:
    """A French message for what keeps us from the server, or ``None`` when it is something else."""
    message = str(exc.orig if exc.orig is not None else exc)
    shown = display_url(url)
    lowered = message.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return errors.DatabaseUnavailable(
            f"Le serveur « {shown} » a refusé l'identifiant ou le mot de passe. Vérifiez-les dans l'adresse "
            "(postgresql://utilisateur:motdepasse@serveur/base) ou demandez-les à la personne qui gère le serveur.",
            details=message,
        )
    if "does not exist" in lowered and "database" in lowered:
        return errors.DatabaseUnavailable(
            f"La base indiquée dans « {shown} » n'existe pas sur le serveur. Vérifiez son nom, ou demandez "
            "à la personne qui gère le serveur de la créer (CREATE DATABASE).",
            details=message,
        )
    if "permission denied" in lowered or "not permitted to log in" in lowered or "no pg_hba.conf" in lowered:
        return errors.DatabaseUnavailable(
            f"Le serveur « {shown} » refuse l'accès à cet utilisateur (droits insuffisants). "
            "Demandez ce droit à la personne qui gère le serveur.",
            details=message,
        )
    if "lock timeout" in lowered or "deadlock detected" in lowered:
        return errors.DatabaseBusy(
            "Un autre poste modifie les mêmes fiches sur le serveur depuis trop longtemps "
            f"(plus de {BUSY_TIMEOUT_MS // 1000} secondes). Votre modification n'a pas été enregistrée : "
            "réessayez dans un instant.",
            details=message,
        )
    unreachable = (
        "connection refused",
        "could not translate host name",
        "name or service not known",
        "timeout expired",
        "could not connect",
        "connection failed",
        "server closed the connection",
        "terminating connection",
        "no route to host",
        "network is unreachable",
        "connection timed out",
        "consuming input failed",
        "the connection is closed",
        "the connection is lost",
    )
    if any(marker in lowered for marker in unreachable):
        return errors.DatabaseUnavailable(
            f"Le serveur de base de données « {shown} » ne répond pas (serveur arrêté, nom ou port erroné, "
            "réseau coupé ?). Vérifiez l'adresse et votre connexion, puis réessayez ; rien n'a été modifié.",
            details=message,
        )
    return None


def _revision(conn) -> str | None:  # noqa: ANN001
    exists = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
    if not exists:
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def prepare_server(url: str, *, create: bool = False, upgrade: bool = True) -> Engine:
    """Connect, check the schema and bring it to ours. ``create``: the base must hold no data of
    ours yet (``init``/``demo``; a schema left by a failed ``init`` is reused); otherwise it must already be one of ours (an empty base is refused,
    so that a typo in the base name does not quietly start a new register)."""
    engine = server_engine(url)
    shown = display_url(url)
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            revision = _revision(conn)
            if (
                create
                and revision is not None
                and conn.execute(text("SELECT count(*) FROM organisation")).scalar()
            ):
                raise errors.UserError(
                    f"La base « {shown} » contient déjà des données Achats Durables : rien n'a été modifié. "
                    "Pour travailler dans cette base, ouvrez-la ; pour en créer une nouvelle, choisissez une "
                    "autre base sur le serveur."
                )
            if not create and revision is None:
                raise errors.NotADatabase(
                    f"La base « {shown} » ne contient pas de données Achats Durables. Vérifiez son nom ; pour "
                    "commencer une nouvelle base sur ce serveur, utilisez « init » (ou « demo »)."
                )
            if revision is not None and revision not in migrate.known_revisions():
                raise errors.DatabaseTooNew(
                    f"La base « {shown} » a été mise à jour par une version plus récente d'Achats Durables "
                    f"(schéma {revision}). Installez la dernière version de l'application pour l'ouvrir ; "
                    "la base n'a pas été modifiée."
                )
            if revision != migrate.HEAD:
                if not upgrade:
                    raise errors.UserError(
                        f"La base « {shown} » doit être mise à jour avant d'être utilisée."
                    )
                log.info("upgrading %s from %s to %s", shown, revision, migrate.HEAD)
                # PostgreSQL's DDL is transactional: all revisions or none, under the advisory lock.
                migrate.upgrade(conn)
    except DBAPIError as exc:
        engine.dispose()
        translated = connection_error(exc, url)
        if translated is None:
            raise
        raise translated from exc
    except BaseException:
        engine.dispose()
        raise
    return engine
