"""`make run` tells the processes the address people reach, so the links in the demo's messages open."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _public_url_seen_by_honcho(tmp_path: Path, env: dict[str, str]) -> str:
    """Run `make run PORT=8123` with stand-ins for flask and honcho; honcho prints the VIGIE_PUBLIC_URL it got."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (("flask", "exit 0"), ("honcho", 'echo "public-url=${VIGIE_PUBLIC_URL:-}"')):
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)
    (tmp_path / ".installed").touch()  # newer than pyproject.toml: make installs nothing
    result = subprocess.run(["make", "--no-print-directory", "run", "PORT=8123", f"VENV={tmp_path}",
                             f"BIN={bin_dir}"], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return next(line for line in result.stdout.splitlines() if line.startswith("public-url=")).split("=", 1)[1]


def test_make_run_points_the_messages_links_at_the_port_it_serves(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "VIGIE_PUBLIC_URL"}
    assert _public_url_seen_by_honcho(tmp_path, env) == "http://127.0.0.1:8123"


def test_make_run_keeps_a_public_url_set_by_the_operator(tmp_path):
    env = {**os.environ, "VIGIE_PUBLIC_URL": "https://vigie.cpts-exemple.fr"}
    assert _public_url_seen_by_honcho(tmp_path, env) == "https://vigie.cpts-exemple.fr"
