"""The demo ships with the package: a wheel carries its site and claims, and runs from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import DEMO, ROOT


def test_the_wheel_carries_the_demo_and_factcheck_demo_runs_from_an_empty_folder(
    tmp_path: Path,
) -> None:
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run([*build, "-w", str(tmp_path / "dist"), str(ROOT)], check=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("factcheck-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        f"factcheck/demo/{p.relative_to(DEMO).as_posix()}"
        for p in DEMO.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert shipped <= names, sorted(shipped - names)
    assert "factcheck/demo/claims/demo.yaml" in names
    assert "factcheck/demo/site/report.pdf" in names

    lib = tmp_path / "lib"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(lib)]
    subprocess.run([*install, str(wheel)], check=True, timeout=300)
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(lib)}
    run = subprocess.run(
        [sys.executable, "-c", "import factcheck; print(factcheck.__file__)"],
        cwd=empty, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert run.stdout.startswith(str(lib)), "the wheel's copy is the one imported"
    demo = subprocess.run(
        [sys.executable, "-m", "factcheck", "demo"],
        cwd=empty, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    assert "factcheck/demo/claims/demo.yaml" not in demo.stderr
    assert demo.stderr.strip().endswith(
        "10 claims, 17 citations: 5 ok, 1 archived, 2 blocked, 3 broken, 3 error, "
        "1 quote altered, 2 quote missing"
    )
    assert "esg-conference  verified" in demo.stdout
