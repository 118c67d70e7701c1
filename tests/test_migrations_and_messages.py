"""The database schema matches the models, SQLite is set up for concurrent use, and Arabic is complete."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
ARABIC_CATALOGUE = ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"

needs_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="checks the SQLite configuration")


@pytest.mark.django_db
def test_developer_cannot_change_a_model_without_a_migration() -> None:
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exit_:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"makemigrations --check found model changes without a migration (exit {exit_.code})")


@needs_sqlite
@pytest.mark.django_db
def test_database_can_serve_readers_during_a_write_because_sqlite_runs_in_wal_mode() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"
    # WAL is a property of the file, so a connection that never ran the init command sees it too.
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    finally:
        other.close()


@needs_sqlite
@pytest.mark.django_db
def test_second_writer_cannot_begin_while_a_transaction_is_open_because_sqlite_begins_immediate() -> None:
    """The test runs inside atomic(). Under BEGIN IMMEDIATE it already holds the write lock, though it has only
    read; under the default BEGIN DEFERRED it would not, and a check-then-insert could interleave."""
    assert connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def _arabic_catalogue() -> polib.POFile:
    if not ARABIC_CATALOGUE.exists():
        pytest.fail(
            f"The Arabic catalogue {ARABIC_CATALOGUE.relative_to(ROOT)} does not exist. Make it with "
            "`python manage.py makemessages -l ar --ignore=.venv` and translate every entry.",
            pytrace=False,
        )
    return polib.pofile(str(ARABIC_CATALOGUE))


def _describe(entries: list[polib.POEntry]) -> str:
    lines = [
        f"  {entry.msgid!r} ({', '.join(f'{f}:{n}' for f, n in entry.occurrences[:2])})" for entry in entries
    ]
    more = f"\n  ... and {len(lines) - 30} more" if len(lines) > 30 else ""
    return "\n".join(lines[:30]) + more


def test_arabic_reader_can_read_every_catalogue_entry_translated_and_not_fuzzy() -> None:
    catalogue = _arabic_catalogue()
    live = [entry for entry in catalogue if not entry.obsolete]
    fuzzy = [entry for entry in live if entry.fuzzy]
    untranslated = [entry for entry in live if not entry.fuzzy and not entry.translated()]
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated entries:\n{_describe(untranslated)}")
    if fuzzy:
        problems.append(
            f"{len(fuzzy)} fuzzy entries (check them and remove the fuzzy flag):\n{_describe(fuzzy)}"
        )
    assert not problems, "locale/ar/LC_MESSAGES/django.po is incomplete.\n" + "\n".join(problems)


def test_arabic_reader_can_find_every_string_of_the_code_in_the_catalogue(tmp_path: Path) -> None:
    """A catalogue that is complete but stale misses the strings added since: extract them again and compare."""
    catalogue = _arabic_catalogue()
    known = {(entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete}

    # makemessages writes into locale/, so run it on a copy of the sources.
    for name in ("manage.py", "mahatat", "templates", "locale"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        elif source.exists():
            shutil.copy2(source, tmp_path / name)
    (tmp_path / "locale" / "ar" / "LC_MESSAGES" / "django.po").unlink()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "ar", "--no-obsolete", "--verbosity", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MAHATAT_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(tmp_path / "locale" / "ar" / "LC_MESSAGES" / "django.po"))
    missing = [entry for entry in extracted if (entry.msgctxt, entry.msgid) not in known]
    assert not missing, (
        f"{len(missing)} strings in the code are not in locale/ar/LC_MESSAGES/django.po; run "
        f"`python manage.py makemessages -l ar --ignore=.venv` and translate them:\n{_describe(missing)}"
    )
