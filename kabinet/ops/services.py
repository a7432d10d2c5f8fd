"""Writes for the people who run the portal: operators from a script, database backups."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connections, transaction
from django.utils.translation import gettext as _

from kabinet.audit.services import audit_record
from kabinet.providers.models import Provider
from kabinet.subscribers.logins import login_skeleton


class OperatorInvalid(Exception):
    """What was given for an operator cannot be used; `problems` says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class OperatorSaved:
    user: Any
    created: bool
    providers: list[str]


def email_verified_mark(*, user: Any) -> None:
    """Record `user`'s e-mail as their verified, primary address (allauth's EmailAddress)."""
    if not user.email:
        return
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    else:
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])


def operator_save(
    *, login: str, email: str, provider_codes: list[str], password: str, now: dt.datetime
) -> OperatorSaved:
    """Make or update a staff user who operates exactly `provider_codes`, e-mail verified.

    Raises OperatorInvalid naming every problem (unknown providers, a taken or malformed
    address, a weak password); then nothing is changed.
    """
    User = get_user_model()
    problems: list[str] = []
    login = login.strip()
    email = email.strip()
    codes = list(dict.fromkeys(code.strip() for code in provider_codes if code.strip()))
    existing = User.objects.filter(username=login).first()
    user = existing or User(username=login)
    if existing is not None and not existing.is_staff:
        # A subscriber's login: an operator is made on purpose, never by a typo in a script.
        problems.append(
            _("%(login)s is a subscriber's login; choose another for the operator.")
            % {"login": login}
        )
    if not login:
        problems.append(_("The login is empty."))
    else:
        try:
            User._meta.get_field("username").run_validators(login)
        except ValidationError as error:
            problems.extend(_("Login: %(reason)s") % {"reason": m} for m in error.messages)
        look_alikes = User.objects.filter(login_skeleton=login_skeleton(login))
        if existing is not None:
            look_alikes = look_alikes.exclude(pk=existing.pk)
        if look_alikes.exists():
            problems.append(_("The login %(login)s is taken.") % {"login": login})
    try:
        validate_email(email)
    except ValidationError:
        problems.append(_("Not an e-mail address: %(email)s") % {"email": email})
    else:
        others = User.objects.filter(email__iexact=email)
        taken_addresses = EmailAddress.objects.filter(email__iexact=email)
        if existing is not None:
            others = others.exclude(pk=existing.pk)
            taken_addresses = taken_addresses.exclude(user=existing)
        if others.exists() or taken_addresses.exists():
            problems.append(_("The e-mail %(email)s belongs to another user.") % {"email": email})
    if not codes:
        problems.append(_("Name at least one provider."))
    providers = list(Provider.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {provider.code for provider in providers})
    if unknown:
        problems.append(_("No such provider: %(codes)s") % {"codes": ", ".join(unknown)})
    user.email = email
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        problems.extend(_("Password: %(reason)s") % {"reason": m} for m in error.messages)
    if problems:
        raise OperatorInvalid(problems)

    with transaction.atomic():
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.full_clean(exclude=["password"], validate_unique=True)
        user.save()
        email_verified_mark(user=user)
        user.operated_providers.set(providers)
        audit_record(
            at=now,
            actor=None,
            action="operator.created" if existing is None else "operator.updated",
            target=user,
            after={"login": user.username, "providers": sorted(codes)},
        )
    return OperatorSaved(user=user, created=existing is None, providers=sorted(codes))


# --- backups ---------------------------------------------------------------------------------


class BackupFailed(Exception):
    """The backup could not be made; the message says why. No partial file is left."""


# One step: the copy reads one snapshot under a single read transaction. In WAL mode (the
# portal's) writers go on meanwhile; copying in several steps would restart on every write
# made between them and might never finish on a busy portal.
PAGES_PER_STEP = -1


def _regexp(pattern: str | None, value: object) -> bool | None:
    """SQLite's REGEXP as Django's SQLite backend defines it (`value REGEXP pattern`)."""
    if pattern is None or value is None:
        return None
    return re.search(pattern, str(value)) is not None


def _sqlite_backup(*, source: Path, target: Path) -> None:
    # SQLite's online backup API: a consistent snapshot while the portal keeps writing, the
    # write-ahead log included, unlike a copy of the file.
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        with (
            sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=20) as src,
            sqlite3.connect(partial) as dst,
        ):
            src.backup(dst, pages=PAGES_PER_STEP)
            dst.execute("PRAGMA journal_mode=DELETE")
            # The integrity check evaluates CHECK constraints, and some use Django's REGEXP
            # (payments' EDRPOU and IBAN), which a plain sqlite3 connection lacks.
            dst.create_function("REGEXP", 2, _regexp, deterministic=True)
            (result,) = dst.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise BackupFailed(
                _("The copy failed its integrity check: %(result)s") % {"result": result}
            )
        partial.replace(target)
    except sqlite3.Error as error:
        raise BackupFailed(str(error)) from error
    finally:
        partial.unlink(missing_ok=True)


def pg_dump_command(
    *, settings_dict: dict[str, Any], target: Path
) -> tuple[list[str], dict[str, str]]:
    """The pg_dump call (custom format, restorable with pg_restore) and its environment."""
    argv = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
    env = dict(os.environ)
    if settings_dict.get("HOST"):
        argv.append(f"--host={settings_dict['HOST']}")
    if settings_dict.get("PORT"):
        argv.append(f"--port={settings_dict['PORT']}")
    if settings_dict.get("USER"):
        argv.append(f"--username={settings_dict['USER']}")
    if settings_dict.get("PASSWORD"):
        # In the environment, never on the command line where `ps` shows it.
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    argv.append(str(settings_dict["NAME"]))
    return argv, env


def database_backup(*, target: Path, overwrite: bool = False, alias: str = "default") -> str:
    """Write a consistent copy of the database to `target`; return the method used.

    Raises BackupFailed (an existing target without `overwrite`, a missing folder, an engine
    without a backup method, pg_dump missing or failing).
    """
    if target.is_dir():
        raise BackupFailed(_("%(path)s is a folder; name a file in it.") % {"path": target})
    if target.exists() and not overwrite:
        raise BackupFailed(_("%(path)s exists; give another path or --force.") % {"path": target})
    if not target.parent.is_dir():
        raise BackupFailed(_("No such folder: %(path)s") % {"path": target.parent})
    settings_dict = connections[alias].settings_dict
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        source = Path(str(settings_dict["NAME"])).resolve()
        if not source.is_file():
            raise BackupFailed(_("No database file at %(path)s") % {"path": source})
        if source == target.resolve():
            raise BackupFailed(_("The backup cannot overwrite the database itself."))
        try:
            _sqlite_backup(source=source, target=target)
        except OSError as error:
            raise BackupFailed(f"{error.strerror}: {error.filename}") from error
        return "sqlite"
    if engine.startswith("django.db.backends.postgresql"):
        if shutil.which("pg_dump") is None:
            raise BackupFailed(
                _("pg_dump is not installed; install PostgreSQL's client (see docs/operations.md).")
            )
        argv, env = pg_dump_command(settings_dict=settings_dict, target=target)
        partial = target.with_name(target.name + ".part")
        argv = [a if not a.startswith("--file=") else f"--file={partial}" for a in argv]
        try:
            done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
            if done.returncode != 0:
                raise BackupFailed(
                    _("pg_dump failed: %(error)s") % {"error": done.stderr.strip()[-500:]}
                )
            partial.replace(target)
        except OSError as error:
            raise BackupFailed(f"{error.strerror}: {error.filename}") from error
        finally:
            partial.unlink(missing_ok=True)
        return "pg_dump"
    raise BackupFailed(
        _("No backup method for the database engine %(engine)s") % {"engine": engine}
    )
