"""The production configuration in deploy/ is real: it parses, it names what exists, and it serves over loopback.

- env.example lists every variable mahatat/settings.py reads, ships no secret, and (once its secrets are made
  with the commands it documents) passes `manage.py check --deploy --fail-level WARNING`.
- The compose file and the systemd units start modules that exist, with the same commands.
- `nginx -t` accepts the nginx configuration, and nginx in front of gunicorn serves the site, its static files
  and its media with the right headers (when nginx is installed; skipped otherwise).
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
import yaml
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SETTINGS_FILE = ROOT / "mahatat" / "settings.py"
VENV_BIN = Path(sys.executable).parent
HOST = "mahatat.example.jo"

# Paths the units and the nginx configuration use on a server, and what the tests put in their place.
SERVER_CODE = "/srv/mahatat"
SERVER_VENV_BIN = "/srv/mahatat/.venv/bin"

APP_SERVICES = {"web", "asgi", "worker", "beat"}
UNITS = ["mahatat-web.service", "mahatat-asgi.service", "mahatat-worker.service", "mahatat-beat.service"]
SECRETS = {
    "SECRET_KEY",
    "PII_ENCRYPTION_KEYS",
    "PII_HASH_KEY",
    "POSTGRES_PASSWORD",
    "EMAIL_HOST_PASSWORD",
    "SMS_HTTP_TOKEN",
    "S3_SECRET_ACCESS_KEY",
}


# --- readers --------------------------------------------------------------------------------------------------


def settings_variables() -> set[str]:
    """Every environment variable settings.py reads, found in its source (env(), env_bool(), os.environ...)."""
    readers = {"env", "env_bool", "env_list", "_required_secret"}
    names: set[str] = set()
    for node in ast.walk(ast.parse(SETTINGS_FILE.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = node.func
        if (isinstance(func, ast.Name) and func.id in readers) or (
            isinstance(func, ast.Attribute) and ast.unparse(func) in {"os.environ.get", "os.getenv"}
        ):
            names.add(first.value)
    return names


def env_example() -> dict[str, tuple[str, bool]]:
    """NAME -> (value, active) for every `NAME=value` line, and `# NAME=value` (an optional one, commented)."""
    entries: dict[str, tuple[str, bool]] = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            active = match.group(1) is None
            value = match.group(3).strip() if active else ""
            if active or match.group(2) not in entries:
                entries[match.group(2)] = (value, active)
    return entries


def generated_secrets() -> dict[str, str]:
    """Run the key-generation commands that env.example documents, as an operator would."""
    commands = re.findall(
        r"^#\s+([A-Z][A-Z0-9_]*):\s+(python3 -c .+)$", (DEPLOY / "env.example").read_text(), re.MULTILINE
    )
    assert commands, "env.example should document how to generate its secrets"
    values = {}
    for name, command in commands:
        argv = shlex.split(command)
        argv[0] = sys.executable
        values[name] = subprocess.run(argv, check=True, capture_output=True, text=True).stdout.strip()
    return values


def production_env(**overrides: str) -> dict[str, str]:
    """A clean process environment: env.example's active values, its secrets generated, then overrides."""
    env = {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update({name: value for name, (value, active) in env_example().items() if active})
    env.update(generated_secrets())
    env.update(overrides)
    return env


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as {section: {key: [values]}} (keys may repeat, so configparser will not do)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in (DEPLOY / "systemd" / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def exec_start(name: str) -> list[str]:
    (command,) = unit(name)["Service"]["ExecStart"]
    return shlex.split(command)


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def command_of(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def option(argv: list[str], name: str) -> str | None:
    """The value of `--name value` or `--name=value` in an argument list."""
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def assert_starts_real_app(argv: list[str]) -> None:
    """gunicorn/uvicorn name a `module:attribute` that is the app; celery names an app and a scheduler."""
    program = Path(argv[0]).name
    assert (VENV_BIN / program).exists(), f"{program} is not installed in the virtual environment"
    if program in {"gunicorn", "uvicorn"}:
        target = next(arg for arg in argv[1:] if not arg.startswith("-"))
        module_name, _, attribute = target.partition(":")
        application = getattr(importlib.import_module(module_name), attribute)
        assert callable(application), target
        expected = {"gunicorn": "mahatat.wsgi:application", "uvicorn": "mahatat.asgi:application"}[program]
        assert target == expected
    elif program == "celery":
        assert option(argv, "-A") == "mahatat"
        from celery import Celery

        assert isinstance(importlib.import_module("mahatat").celery_app, Celery)
        assert {"worker", "beat"} & set(argv)
        scheduler = option(argv, "--scheduler")
        if scheduler:
            module_name, _, attribute = scheduler.partition(":")
            getattr(importlib.import_module(module_name), attribute)
    else:
        pytest.fail(f"unexpected program {program}")


# --- env.example -----------------------------------------------------------------------------------------------


def test_env_example_lists_every_variable_the_settings_read() -> None:
    read = settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PII_ENCRYPTION_KEYS"} <= read  # the reader works
    missing = read - set(env_example())
    assert not missing, f"add these to deploy/env.example: {sorted(missing)}"


def test_env_example_sets_what_production_cannot_start_without() -> None:
    entries = env_example()
    for name in [
        "MAHATAT_ENV",
        "SECRET_KEY",
        "PII_ENCRYPTION_KEYS",
        "PII_HASH_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
    ]:
        assert entries[name][1], f"{name} should be an active line in env.example"
    assert entries["MAHATAT_ENV"][0] == "production"


def test_env_example_ships_no_secret() -> None:
    entries = env_example()
    for name in SECRETS:
        assert entries.get(name, ("", False))[0] == "", f"{name} must be empty in env.example"


def test_documented_key_commands_make_valid_keys() -> None:
    values = generated_secrets()
    assert {"SECRET_KEY", "PII_ENCRYPTION_KEYS", "PII_HASH_KEY"} <= set(values)
    Fernet(values["PII_ENCRYPTION_KEYS"].encode())  # a real Fernet key, not one the app would stretch
    assert len(values["SECRET_KEY"]) >= 50
    assert len(values["PII_HASH_KEY"]) >= 32
    assert values != generated_secrets()  # random every time


def test_production_refuses_to_start_with_env_example_unchanged() -> None:
    env = production_env(**dict.fromkeys(SECRETS, ""))
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_env_example_with_generated_keys_passes_check_deploy(tmp_path: Path) -> None:
    env = production_env(MAHATAT_DATA_DIR=str(tmp_path), MEDIA_ROOT=str(tmp_path / "media"))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- compose ---------------------------------------------------------------------------------------------------


def test_compose_file_declares_the_production_services() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", "web", "asgi", "worker", "beat", "nginx"} <= set(services)
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on an unknown service {dependency}"
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nginx"}, "only nginx may be reachable from outside"


def test_compose_app_services_start_modules_that_exist() -> None:
    services = compose()["services"]
    for name in APP_SERVICES:
        service = services[name]
        assert service["env_file"] == [".env"]
        assert service["environment"]["MAHATAT_ENV"] == "production"
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert_starts_real_app(command_of(service))
    assert "migrate --noinput" in " ".join(command_of(services["migrate"]))


def test_compose_and_units_run_the_same_programs() -> None:
    services = compose()["services"]
    for service_name, unit_name in zip(["web", "asgi", "worker", "beat"], UNITS, strict=True):
        from_compose = command_of(services[service_name])
        from_unit = exec_start(unit_name)
        assert Path(from_unit[0]).name == from_compose[0]
        # The same application (gunicorn, uvicorn) or the same Celery app and sub-command.
        assert from_unit[1] == from_compose[1]
        if from_compose[0] == "celery":
            assert option(from_unit, "-A") == option(from_compose, "-A")
            assert from_unit[3] == from_compose[3]
            assert option(from_unit, "--scheduler") == option(from_compose, "--scheduler")


def test_compose_reads_only_variables_env_example_defines() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))
    assert used, "the compose file should take its secrets from deploy/.env"
    assert used <= set(env_example())


def test_compose_mounts_files_that_exist() -> None:
    nginx = compose()["services"]["nginx"]
    for volume in nginx["volumes"]:
        source = volume.split(":", 1)[0]
        if source.startswith("./") and source != "./tls":
            assert (DEPLOY / source).is_file(), source
    dockerfile = DEPLOY / compose()["services"]["web"]["build"]["dockerfile"].removeprefix("deploy/")
    assert dockerfile.is_file()
    for line in dockerfile.read_text().splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which does not exist"


def test_compose_app_volumes_match_settings_paths() -> None:
    services = compose()["services"]
    environment = services["web"]["environment"]
    mounts = {v.split(":")[1] for v in services["web"]["volumes"]}
    assert environment["MEDIA_ROOT"] in mounts
    nginx_mounts = {v.split(":")[1] for v in services["nginx"]["volumes"]}
    assert {environment["MEDIA_ROOT"], environment["STATIC_ROOT"]} <= nginx_mounts


# --- systemd ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", UNITS)
def test_systemd_unit_starts_a_module_that_exists(name: str) -> None:
    service = unit(name)["Service"]
    argv = exec_start(name)
    assert argv[0].startswith(SERVER_VENV_BIN + "/")
    assert_starts_real_app(argv)
    assert service["EnvironmentFile"] == ["/etc/mahatat/mahatat.env"]
    assert service["User"] == ["mahatat"]
    assert service["WorkingDirectory"] == [SERVER_CODE]
    assert unit(name)["Unit"]["PartOf"] == ["mahatat.target"]


def test_systemd_units_may_write_where_the_settings_write() -> None:
    entries = env_example()
    data_dir = entries["MAHATAT_DATA_DIR"][0]
    assert entries["MEDIA_ROOT"][0].startswith(data_dir + "/")
    for name in UNITS:
        assert unit(name)["Service"]["ReadWritePaths"] == [data_dir]


def test_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    paths = []
    for name in [*UNITS, "mahatat.target"]:
        text = (DEPLOY / "systemd" / name).read_text().replace(SERVER_VENV_BIN, str(VENV_BIN))
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    result = subprocess.run([analyze, "verify", *paths], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mahatat" not in result.stdout + result.stderr, result.stdout + result.stderr  # no warning either


# --- running it: gunicorn, uvicorn and nginx over loopback -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.stdout.read() if process.stdout else ''}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


def wait_until_healthy(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    """Wait for a worker to answer: the port opens before the workers have loaded Django (slow on a busy machine)."""
    wait_for_port(port, process, timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz", headers={"Host": HOST, "X-Forwarded-Proto": "https"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                if response.status == 200:
                    return
        except OSError:  # URLError and HTTPError are OSErrors
            pass
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.stdout.read() if process.stdout else ''}")
        time.sleep(0.2)
    raise AssertionError(f"the server on port {port} never answered /healthz")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def production_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A production-mode installation on SQLite: migrated, static files collected, one media file."""
    base = tmp_path_factory.mktemp("production")
    env = production_env(
        DATABASE_URL=f"sqlite:///{base / 'db.sqlite3'}",
        REDIS_URL="",
        MAHATAT_DATA_DIR=str(base / "data"),
        STATIC_ROOT=str(base / "staticfiles"),
        MEDIA_ROOT=str(base / "media"),
    )
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    (base / "media" / "stations").mkdir(parents=True)
    (base / "media" / "stations" / "note.txt").write_text("<script>alert(1)</script>")
    return env


@pytest.fixture(scope="module")
def gunicorn(production_site: dict[str, str]) -> Iterator[int]:
    """gunicorn started with the unit's own command line, on a free port."""
    port = free_port()
    argv = exec_start("mahatat-web.service")
    argv[0] = argv[0].replace(SERVER_VENV_BIN, str(VENV_BIN))
    bind = argv.index("--bind")
    argv[bind + 1] = f"127.0.0.1:{port}"
    argv[argv.index("--workers") + 1] = "2"
    process = subprocess.Popen(
        argv, cwd=ROOT, env=production_site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        wait_until_healthy(port, process)
        yield port
    finally:
        stop(process)


def get(url: str, *, headers: dict[str, str] | None = None, context: ssl.SSLContext | None = None):  # type: ignore[no-untyped-def]
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    handlers: list[urllib.request.BaseHandler] = [NoRedirect()]
    if context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        return opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        return error


def test_gunicorn_from_the_unit_answers_healthz_in_production_mode(gunicorn: int) -> None:
    response = get(
        f"http://127.0.0.1:{gunicorn}/healthz", headers={"Host": HOST, "X-Forwarded-Proto": "https"}
    )
    assert response.status == 200
    assert json.loads(response.read())["checks"]["database"]["status"] == "ok"
    # Without the proxy's word that the request came over HTTPS, production sends the browser to HTTPS.
    plain = get(f"http://127.0.0.1:{gunicorn}/healthz", headers={"Host": HOST})
    assert plain.status == 301
    assert plain.headers["Location"] == f"https://{HOST}/healthz"


def test_compose_healthcheck_command_passes_against_the_web_server(
    gunicorn: int, production_site: dict[str, str]
) -> None:
    healthcheck = compose()["services"]["web"]["healthcheck"]
    test = healthcheck["test"]
    assert test[0] == "CMD"
    env = {**production_site, "HEALTH_PORT": str(gunicorn)}
    # As compose judges it: healthy when one of `retries` consecutive attempts succeeds.
    results = []
    for _attempt in range(healthcheck["retries"]):
        results.append(subprocess.run(test[1:], env=env, capture_output=True, text=True, timeout=60))
        if results[-1].returncode == 0:
            break
    assert results[-1].returncode == 0, results[-1].stderr
    env["HEALTH_PORT"] = str(free_port())  # nothing there: the check must fail
    assert subprocess.run(test[1:], env=env, capture_output=True, timeout=30).returncode != 0


def test_uvicorn_from_the_unit_serves_the_asgi_app(production_site: dict[str, str]) -> None:
    port = free_port()
    argv = exec_start("mahatat-asgi.service")
    argv[0] = argv[0].replace(SERVER_VENV_BIN, str(VENV_BIN))
    argv[argv.index("--port") + 1] = str(port)
    argv[argv.index("--workers") + 1] = "1"
    process = subprocess.Popen(
        argv, cwd=ROOT, env=production_site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        wait_until_healthy(port, process)
        response = get(
            f"http://127.0.0.1:{port}/healthz", headers={"Host": HOST, "X-Forwarded-Proto": "https"}
        )
        assert response.status == 200
        assert json.loads(response.read())["status"] == "ok"
    finally:
        stop(process)


# --- nginx ---------------------------------------------------------------------------------------------------------


def nginx_binary() -> str:
    found = os.environ.get("NGINX") or shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if not found:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    return found


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def nginx_main_config(directory: Path, *includes: Path) -> Path:
    """A minimal nginx.conf around the project's files, as /etc/nginx/nginx.conf would include them."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    mime_types = Path("/etc/nginx/mime.types")
    types = (
        f"include {mime_types};"
        if mime_types.exists()
        else "types { text/css css; application/javascript js; }"
    )
    body = "\n".join(f"    include {path};" for path in includes)
    main = directory / "nginx.conf"
    main.write_text(
        f"{user}worker_processes 1;\npid {directory / 'nginx.pid'};\nerror_log {directory / 'error.log'};\n"
        f"events {{ worker_connections 64; }}\nhttp {{\n    {types}\n"
        f"    access_log off;\n    client_body_temp_path {directory / 'body'};\n"
        f"    proxy_temp_path {directory / 'proxy'};\n    fastcgi_temp_path {directory / 'fastcgi'};\n"
        f"    uwsgi_temp_path {directory / 'uwsgi'};\n    scgi_temp_path {directory / 'scgi'};\n{body}\n}}\n"
    )
    return main


def nginx_test(binary: str, main: Path, directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [binary, "-t", "-p", str(directory), "-c", str(main), "-e", str(directory / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("upstreams", ["upstreams-local.conf", "upstreams-compose.conf"])
def test_nginx_accepts_the_configuration(tmp_path: Path, upstreams: str) -> None:
    binary = nginx_binary()
    cert, key = self_signed_certificate(tmp_path)
    site = (DEPLOY / "nginx" / "mahatat.conf").read_text()
    site = site.replace("/etc/nginx/tls/fullchain.pem", str(cert)).replace(
        "/etc/nginx/tls/privkey.pem", str(key)
    )
    (tmp_path / "mahatat.conf").write_text(site)
    upstream_text = (DEPLOY / "nginx" / upstreams).read_text()
    if upstreams == "upstreams-compose.conf":  # the service names resolve only inside compose's network
        upstream_text = upstream_text.replace("web:8000", "127.0.0.1:8000").replace(
            "asgi:8001", "127.0.0.1:8001"
        )
    (tmp_path / upstreams).write_text(upstream_text)
    main = nginx_main_config(tmp_path, tmp_path / "mahatat.conf", tmp_path / upstreams)
    result = nginx_test(binary, main, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr, result.stderr


def test_nginx_serves_the_site_its_static_and_media_files_over_loopback(
    tmp_path: Path, gunicorn: int, production_site: dict[str, str]
) -> None:
    binary = nginx_binary()
    cert, key = self_signed_certificate(tmp_path)
    http_port, https_port = free_port(), free_port()
    static_root, media_root = production_site["STATIC_ROOT"], production_site["MEDIA_ROOT"]
    site = (
        (DEPLOY / "nginx" / "mahatat.conf")
        .read_text()
        .replace("/etc/nginx/tls/fullchain.pem", str(cert))
        .replace("/etc/nginx/tls/privkey.pem", str(key))
        .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        .replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
        .replace("alias /srv/mahatat/staticfiles/;", f"alias {static_root}/;")
        .replace("alias /var/lib/mahatat/media/;", f"alias {media_root}/;")
    )
    (tmp_path / "mahatat.conf").write_text(site)
    (tmp_path / "upstreams.conf").write_text(
        (DEPLOY / "nginx" / "upstreams-local.conf")
        .read_text()
        .replace("127.0.0.1:8000", f"127.0.0.1:{gunicorn}")
    )
    main = nginx_main_config(tmp_path, tmp_path / "mahatat.conf", tmp_path / "upstreams.conf")
    assert nginx_test(binary, main, tmp_path).returncode == 0
    process = subprocess.Popen(
        [
            binary,
            "-p",
            str(tmp_path),
            "-c",
            str(main),
            "-e",
            str(tmp_path / "error.log"),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    base = f"https://127.0.0.1:{https_port}"
    try:
        wait_for_port(https_port, process)

        redirect = get(f"http://127.0.0.1:{http_port}/stations/?q=x", headers={"Host": HOST})
        assert redirect.status == 301
        assert redirect.headers["Location"] == f"https://{HOST}/stations/?q=x"

        health = get(f"{base}/healthz", headers={"Host": HOST}, context=context)
        assert health.status == 200, health.read()
        assert json.loads(health.read())["status"] == "ok"

        home = get(f"{base}/", headers={"Host": HOST}, context=context)
        assert home.status == 200
        html = home.read().decode()
        assert 'dir="rtl"' in html
        # Each security header once: nginx is their only source.
        for header in [
            "Strict-Transport-Security",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Referrer-Policy",
        ]:
            assert len(home.headers.get_all(header) or []) == 1, header
        assert "frame-ancestors 'none'" in home.headers["Content-Security-Policy"]

        stylesheet = re.search(
            r'href="(/static/vendor/bootstrap/bootstrap\.rtl\.min\.[0-9a-f]{12}\.css)"', html
        )
        assert stylesheet, "the page should link the hashed (manifest) name of the RTL stylesheet"
        css = get(f"{base}{stylesheet.group(1)}", headers={"Host": HOST}, context=context)
        assert css.status == 200
        assert "max-age=31536000" in css.headers["Cache-Control"]
        assert css.headers["Strict-Transport-Security"]

        media = get(f"{base}/media/stations/note.txt", headers={"Host": HOST}, context=context)
        assert media.status == 200
        assert "sandbox" in media.headers["Content-Security-Policy"]
        assert media.headers["X-Content-Type-Options"] == "nosniff"

        missing = get(f"{base}/static/none.css", headers={"Host": HOST}, context=context)
        assert missing.status == 404
    finally:
        stop(process)


def test_env_example_active_lines_have_no_inline_comment() -> None:
    # systemd keeps "value  # comment" as the value, compose cuts it: the two would disagree.
    for name, (value, active) in env_example().items():
        if active:
            assert " #" not in value, name


# --- deploy/mahatat-manage ------------------------------------------------------------------------------------------


def test_mahatat_manage_runs_commands_with_the_environment_file(tmp_path: Path) -> None:
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("mahatat-manage runs <code>/.venv/bin/python; this checkout has no .venv")
    secrets = generated_secrets()
    lines = []
    for line in (DEPLOY / "env.example").read_text().splitlines():
        name = line.partition("=")[0]
        if name in secrets:
            line = f'{name}="{secrets[name]}"'  # quoted, as an operator may write it
        lines.append(line)
    lines += [f"MAHATAT_DATA_DIR={tmp_path}", f"MEDIA_ROOT={tmp_path / 'media'}"]
    env_file = tmp_path / "mahatat.env"
    env_file.write_text("\n".join(lines) + "\n")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "MAHATAT_ENV_FILE": str(env_file),
        "MAHATAT_CODE": str(ROOT),
        "MAHATAT_USER": "",
    }
    manage = [sys.executable, str(DEPLOY / "mahatat-manage")]
    check = subprocess.run(
        [*manage, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    shown = subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from django.conf import settings; print(settings.PRODUCTION, settings.DEFAULT_FROM_EMAIL, "
            "settings.SECRET_KEY == __import__('os').environ['SECRET_KEY'])",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == "True Mahatat <no-reply@mahatat.example.jo> True"


def test_mahatat_manage_says_when_the_environment_file_is_missing(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "MAHATAT_ENV_FILE": str(tmp_path / "none.env"),
        "MAHATAT_USER": "",
    }
    result = subprocess.run(
        [sys.executable, str(DEPLOY / "mahatat-manage"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "Cannot read" in result.stderr


# --- docs/deployment.md: the key rotation procedure works as written -----------------------------------------------


def rotation_snippet() -> str:
    text = (ROOT / "docs" / "deployment.md").read_text()
    match = re.search(r'mahatat-manage shell -c "\n(.*?)\n\s*"\n', text, re.DOTALL)
    assert match, "docs/deployment.md should show the re-encryption snippet"
    import textwrap

    return textwrap.dedent(match.group(1))


@pytest.mark.django_db
def test_documented_key_rotation_re_encrypts_identity_numbers(settings, capsys) -> None:  # type: ignore[no-untyped-def]
    from mahatat.accounts.models import CitizenProfile
    from tests.factories import CitizenProfileFactory

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PII_ENCRYPTION_KEYS = [old]
    profile = cast(CitizenProfile, CitizenProfileFactory())
    profile.set_identity_number("9981012345")
    profile.save()
    before = profile.id_number_encrypted

    settings.PII_ENCRYPTION_KEYS = [new, old]  # step 2: the new key first
    exec(rotation_snippet(), {})  # step 3, as the operator runs it
    assert "1 identity numbers re-encrypted" in capsys.readouterr().out

    settings.PII_ENCRYPTION_KEYS = [new]  # step 4: the old key removed
    profile.refresh_from_db()
    assert profile.id_number_encrypted != before
    assert profile.reveal_identity_number() == "9981012345"
    settings.PII_ENCRYPTION_KEYS = [old]
    with pytest.raises(ValueError):
        profile.reveal_identity_number()


# --- the README and the docs stay true to the code --------------------------------------------------------------


def test_readme_quick_start_is_two_commands_that_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", quick_start, re.DOTALL)
    assert block
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["./scripts/demo", "./scripts/test"]
    for command in commands:
        assert os.access(ROOT / command, os.X_OK), f"{command} should exist and be executable"


def test_readme_configuration_lists_every_variable_the_settings_read() -> None:
    configuration = (ROOT / "README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", configuration))
    missing = settings_variables() - documented
    assert not missing, f"document these in the README's Configuration table: {sorted(missing)}"


def test_docs_link_to_files_that_exist() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if "://" in target or target.startswith("docs/screenshots/"):  # screenshots are added by the lead
                continue
            assert (page.parent / target).exists(), f"{page.relative_to(ROOT)} links to a missing {target}"
