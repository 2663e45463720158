"""Adding a service touches only what README's checklist names, shown on a throwaway service.

On a copy of the repository: the throwaway's folder and routes file (from
``tests/integration/throwaway/``), one line in ``services/registry.py``, its
entry in ``docker-compose.yml``, and a first migration made the way the
checklist says. Then the registry's own checks and the migrations test run on
it there, unchanged.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from services.chassis.migrations import ensure_database

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
THROWAWAY = Path(__file__).parent / "throwaway"
REGISTRY_LINE = '    ServiceEntry("throwaway", "services.throwaway.service:ThrowawayService"),\n'
DB_SETTING = "    THROWAWAY_DB_URL: ${THROWAWAY_DB_URL:-postgresql://postgres:postgres@postgres:5432/alliance_throwaway}\n"
COMPOSE_ENTRY = """\
  throwaway:
    <<: *app
    command: ["nameko", "run", "--config", "deploy/nameko.yml", "services.throwaway.service:ThrowawayService"]
    depends_on:
      migrate:
        condition: service_completed_successfully

"""
CHECKLIST = {"services/registry.py", "docker-compose.yml", "gateway/routes/throwaway.py"}


def _copy_repository(target: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    for name in listed:
        if name.startswith("tests/integration/throwaway/") or not (ROOT / name).is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)


def _insert_after_last(path: Path, line_pattern: str, text: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if re.match(line_pattern, line))
    path.write_text("".join(lines[:last + 1] + [text] + lines[last + 1:]))


def _insert_before(path: Path, line: str, text: str) -> None:
    path.write_text(path.read_text().replace(line, text + line, 1))


def _add_throwaway(repo: Path) -> None:
    for source in THROWAWAY.rglob("*"):
        if source.is_file() and source.name != "README.md" and "__pycache__" not in source.parts:
            target = repo / source.relative_to(THROWAWAY)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _insert_after_last(repo / "services/registry.py", r"    ServiceEntry\(", REGISTRY_LINE)
    _insert_after_last(repo / "docker-compose.yml", r"    [A-Z_]+_DB_URL: ", DB_SETTING)
    _insert_before(repo / "docker-compose.yml", "  gateway:\n", COMPOSE_ENTRY)


def _run(repo: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, *args], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(repo)})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def _changed_files(repo: Path) -> set[str]:
    changed = set()
    for path in repo.rglob("*"):
        name = path.relative_to(repo).as_posix()
        if path.is_file() and "__pycache__" not in path.parts:
            original = ROOT / name
            if not original.is_file() or original.read_bytes() != path.read_bytes():
                changed.add(name)
    return changed


def test_a_new_service_needs_its_folder_one_registry_line_its_compose_entry_and_its_routes(
        tmp_path, service_db):
    repo = tmp_path / "repo"
    _copy_repository(repo)
    _add_throwaway(repo)
    ensure_database(service_db("throwaway"))
    _run(repo, "-m", "alembic", "-c", "services/throwaway/alembic.ini",
         "revision", "--autogenerate", "--rev-id", "0001", "-m", "initial")

    assert "throwaway" in _run(repo, "-m", "services.registry").split()  # .ci/run's databases
    checks = _run(repo, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit/test_service_registry.py",
                  "tests/integration/test_migrations.py", "-k", "throwaway or lacks or registers")
    assert re.search(r"\b8 passed", checks), checks  # 5 checks of the throwaway, 2 of the whole list, its migrations

    outside_its_folder = {name for name in _changed_files(repo) if not name.startswith("services/throwaway/")}
    assert outside_its_folder == CHECKLIST
