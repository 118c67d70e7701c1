"""Production mode: it passes Django's deployment checks, and it refuses to start on a secret that is not real.

Each case starts `manage.py` in a fresh process with MAHATAT_ENV=production, because settings are read once at
start-up and these tests must see what an operator's server would see.
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """A realistic production environment, without anything inherited that would change settings."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "mahatat.settings",
        "MAHATAT_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "PII_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}",
        "PII_HASH_KEY": secrets.token_urlsafe(48),
        "LEDGER_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
        "ALLOWED_HOSTS": "mahatat.example.jo,www.mahatat.example.jo",
        "CSRF_TRUSTED_ORIGINS": "https://mahatat.example.jo",
        "SITE_URL": "https://mahatat.example.jo",
        "MAHATAT_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "staticfiles"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_operator_can_start_production_and_pass_the_deployment_checks(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    # It ran as production: the embedded default's secret files were never made.
    assert not (tmp_path / "data" / ".secret_key").exists()


@pytest.mark.parametrize(
    "secret_key",
    [
        pytest.param(None, id="unset"),
        pytest.param("too-short-" + secrets.token_urlsafe(16), id="short"),
        pytest.param("django-insecure-" + secrets.token_urlsafe(48), id="django-insecure"),
    ],
)
def test_operator_cannot_start_production_without_a_real_secret_key(
    tmp_path: Path, secret_key: str | None
) -> None:
    result = manage(production_env(tmp_path, SECRET_KEY=secret_key), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("missing", ["PII_ENCRYPTION_KEYS", "PII_HASH_KEY", "ALLOWED_HOSTS"])
def test_operator_cannot_start_production_without_the_other_required_settings(
    tmp_path: Path, missing: str
) -> None:
    result = manage(production_env(tmp_path, **{missing: None}), "check")
    assert result.returncode != 0
    assert missing in result.stderr
