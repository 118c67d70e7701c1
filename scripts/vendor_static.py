#!/usr/bin/env python3
"""Refresh the vendored front-end files under static/vendor/ from pinned npm packages.

Run it only to upgrade a package (it needs `npm`; the product itself never does):

    python scripts/vendor_static.py            # fetch every package at the pinned version
    python scripts/vendor_static.py --check    # verify the files on disk match static/vendor/MANIFEST.json

Each package is fetched with `npm pack`, the listed files and the licence are copied, and MANIFEST.json
records the version and the SHA-256 of every file, so a review sees exactly what changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
MANIFEST = VENDOR / "MANIFEST.json"

# package, version, target folder, {path in package: path in target folder}
PACKAGES: list[tuple[str, str, str, dict[str, str]]] = [
    (
        "bootstrap",
        "5.3.9",
        "bootstrap",
        {
            "dist/css/bootstrap.min.css": "bootstrap.min.css",
            "dist/css/bootstrap.rtl.min.css": "bootstrap.rtl.min.css",
            "dist/js/bootstrap.bundle.min.js": "bootstrap.bundle.min.js",
            "LICENSE": "LICENSE",
        },
    ),
    (
        "bootstrap-icons",
        "1.13.2",
        "bootstrap-icons",
        {
            "font/bootstrap-icons.min.css": "bootstrap-icons.min.css",
            "font/fonts/bootstrap-icons.woff2": "fonts/bootstrap-icons.woff2",
            "font/fonts/bootstrap-icons.woff": "fonts/bootstrap-icons.woff",
            "LICENSE": "LICENSE",
        },
    ),
    ("htmx.org", "2.0.11", "htmx", {"dist/htmx.min.js": "htmx.min.js", "LICENSE": "LICENSE"}),
    (
        "leaflet",
        "1.9.4",
        "leaflet",
        {
            "dist/leaflet.js": "leaflet.js",
            "dist/leaflet.css": "leaflet.css",
            "dist/images/marker-icon.png": "images/marker-icon.png",
            "dist/images/marker-icon-2x.png": "images/marker-icon-2x.png",
            "dist/images/marker-shadow.png": "images/marker-shadow.png",
            "dist/images/layers.png": "images/layers.png",
            "dist/images/layers-2x.png": "images/layers-2x.png",
            "LICENSE": "LICENSE",
        },
    ),
    (
        "@fontsource/ibm-plex-sans-arabic",
        "5.3.0",
        "fonts/ibm-plex-sans-arabic",
        {
            **{
                f"files/ibm-plex-sans-arabic-{subset}-{weight}-normal.woff2": f"ibm-plex-sans-arabic-{subset}-{weight}.woff2"
                for subset in ("arabic", "latin")
                for weight in (400, 600, 700)
            },
            "LICENSE": "LICENSE",
        },
    ),
    (
        "@fontsource/amiri",
        "5.3.0",
        "fonts/amiri",
        {
            **{
                f"files/amiri-{subset}-{weight}-normal.woff": f"amiri-{subset}-{weight}.woff"
                for subset in ("arabic", "latin")
                for weight in (400, 700)
            },
            "LICENSE": "LICENSE",
        },
    ),
    ("axe-core", "4.10.3", "axe-core", {"axe.min.js": "axe.min.js", "LICENSE": "LICENSE"}),
    (
        "html5-qrcode",
        "2.3.8",
        "html5-qrcode",
        {"html5-qrcode.min.js": "html5-qrcode.min.js", "LICENSE": "LICENSE"},
    ),
]


# Source maps are not vendored: the comment that points at one is removed, so that collectstatic's manifest
# storage does not look for a file that is not there.
SOURCE_MAP_COMMENT = re.compile(rb"\n?(//# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$")


def copy_without_source_map(src: Path, out: Path) -> None:
    data = src.read_bytes()
    if out.suffix in {".js", ".css"}:
        data = SOURCE_MAP_COMMENT.sub(b"\n", data)
    out.write_bytes(data)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(name: str, version: str, workdir: Path) -> Path:
    result = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--silent", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    extract_to = workdir / tarball.stem
    with tarfile.open(tarball) as tar:
        tar.extractall(extract_to, filter="data")
    return extract_to / "package"


def refresh() -> None:
    manifest: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, version, folder, files in PACKAGES:
            package = fetch(name, version, Path(tmp))
            target = VENDOR / folder
            if target.exists():
                shutil.rmtree(target)
            entry: dict[str, object] = {"package": name, "version": version, "files": {}}
            for source, dest in files.items():
                src = package / source
                if not src.exists() and source == "LICENSE":
                    src = next(package.glob("LICEN[CS]E*"))
                out = target / dest
                out.parent.mkdir(parents=True, exist_ok=True)
                copy_without_source_map(src, out)
                entry["files"][dest] = sha256(out)  # type: ignore[index]
            manifest[folder] = entry
            print(f"{name}@{version} -> static/vendor/{folder}")
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def check() -> int:
    manifest = json.loads(MANIFEST.read_text())
    bad = [
        f"{folder}/{dest}"
        for folder, entry in manifest.items()
        for dest, digest in entry["files"].items()
        if not (VENDOR / folder / dest).exists() or sha256(VENDOR / folder / dest) != digest
    ]
    for path in bad:
        print(f"changed or missing: static/vendor/{path}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="verify files against MANIFEST.json")
    args = parser.parse_args()
    if args.check:
        sys.exit(check())
    refresh()
