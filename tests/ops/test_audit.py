"""The dependency audit `make lint` runs: findings printed, an audit that could not be done
said out loud (and not failed for that), and unjudged findings failing the build."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.operations import audit_main

LOCK = "sanic==21.12.2\naiohttp==3.9.5\nrequests==2.34.2\n"


def fake_pip_audit(tmp_path: Path, report: dict | None, *, stderr: str = "", code: int = 0) -> str:
    """A stand-in for pip-audit that records its arguments and prints ``report``."""
    script = tmp_path / "pip-audit"
    out = json.dumps(report) if report is not None else ""
    script.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, sys\n"
        f"pathlib.Path({str(tmp_path / 'args.json')!r}).write_text(repr(sys.argv[1:]))\n"
        f"sys.stdout.write({out!r})\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.exit({code})\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def lockfile(tmp_path: Path) -> Path:
    path = tmp_path / "requirements.lock"
    path.write_text(LOCK)
    return path


FINDING = {
    "name": "aiohttp",
    "version": "3.9.5",
    "vulns": [
        {
            "id": "GHSA-aaaa-bbbb-cccc",
            "fix_versions": ["3.10.11"],
            "aliases": ["CVE-2099-0001"],
            "description": "request smuggling",
        }
    ],
}
CLEAN = [
    {"name": "sanic", "version": "21.12.2", "vulns": []},
    {"name": "requests", "version": "2.34.2", "vulns": []},
]


def run(tmp_path: Path, pip_audit: str, *extra: str) -> tuple[int, str]:
    printed: list[str] = []
    args = [*extra, "--pip-audit", pip_audit, str(lockfile(tmp_path))]
    return audit_main(args, printed.append), "\n".join(printed)


def test_a_finding_is_printed_and_fails_until_it_is_judged(tmp_path) -> None:
    tool = fake_pip_audit(tmp_path, {"dependencies": [FINDING, *CLEAN]}, code=1)
    code, out = run(tmp_path, tool)
    assert code == 1
    assert "checked 3 packages; 1 known vulnerabilities" in out
    assert "NEW: aiohttp 3.9.5: GHSA-aaaa-bbbb-cccc (CVE-2099-0001); fixed in 3.10.11" in out
    # The lock file is read as it is: no install, no resolution.
    args = (tmp_path / "args.json").read_text()
    assert "'--no-deps'" in args and "'--disable-pip'" in args and "'json'" in args

    judged = tmp_path / "security.md"
    judged.write_text("| aiohttp | CVE-2099-0001 | Rasa pins it; loopback only |\n")
    code, out = run(tmp_path, tool, "--judged", str(judged))
    assert code == 0 and "judged: aiohttp 3.9.5" in out
    code, out = run(tmp_path, tool, "--report-only")
    assert code == 0 and "NEW: aiohttp" in out


def test_an_audit_that_could_check_nothing_says_so_and_does_not_fail(tmp_path) -> None:
    skipped = [
        {"name": d["name"], "version": d["version"], "skip_reason": "Dependency not found on PyPI"}
        for d in (FINDING, *CLEAN)
    ]
    # pip-audit itself says "No known vulnerabilities found" here, and exits 0.
    code, out = run(tmp_path, fake_pip_audit(tmp_path, {"dependencies": skipped}))
    assert code == 0
    assert "AUDIT NOT DONE" in out and "No known vulnerabilities" not in out


def test_an_unreachable_service_is_reported_and_does_not_fail(tmp_path) -> None:
    error = "pip_audit._service.interface.ServiceError: Name or service not known\n"
    code, out = run(tmp_path, fake_pip_audit(tmp_path, None, stderr=error, code=1))
    assert code == 0
    assert "AUDIT NOT DONE: PyPI: pip-audit failed: pip_audit._service" in out
    assert "; OSV: pip-audit failed" in out  # the second service was asked too
    assert "'--vulnerability-service', 'osv'" in (tmp_path / "args.json").read_text()


def test_packages_it_could_not_check_are_listed(tmp_path) -> None:
    partly = [*CLEAN, {"name": "aiohttp", "version": "3.9.5", "skip_reason": "not on PyPI"}]
    code, out = run(tmp_path, fake_pip_audit(tmp_path, {"dependencies": partly}))
    assert code == 0
    assert "checked 2 packages; 0 known vulnerabilities" in out
    assert "not checked (1):\n  aiohttp 3.9.5: not on PyPI" in out


def test_make_lint_runs_the_audit_on_both_lock_files() -> None:
    shown = subprocess.run(
        ["make", "-n", "lint"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    commands = [line for line in shown.stdout.splitlines() if "bot.operations audit" in line]
    assert any("requirements.lock" in line and "--report-only" not in line for line in commands)
    assert any("requirements-rasa.lock" in line for line in commands)
    assert all("--judged docs/security.md" in line for line in commands)
