"""Where a rush's time goes: py-spy on each service process, pg_stat_statements on the databases.

py-spy samples each process's Python stacks (``--idle`` off: only time on the
CPU) into collapsed-stack files; ``top_functions`` sums them by function,
inclusive and self. pg_stat_statements needs PostgreSQL started with
``shared_preload_libraries = 'pg_stat_statements'``; without it the
statements' part is skipped with a note.
"""
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL


class PySpy:
    """``py-spy record`` on each of ``processes`` (name -> pid) for ``seconds``, in ``out_dir``."""

    def __init__(self, processes: dict[str, int], seconds: float, out_dir: Path, rate: int = 200) -> None:
        self.out_dir = out_dir
        binary = shutil.which("py-spy") or str(Path(__file__).resolve().parents[2] / ".venv/bin/py-spy")
        out_dir.mkdir(parents=True, exist_ok=True)
        self.runs = {name: subprocess.Popen(
            [binary, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", str(rate),
             "--format", "raw", "--nonblocking", "--output", str(out_dir / f"{name}.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for name, pid in processes.items()}

    def report(self, top: int = 25) -> str:
        for run in self.runs.values():
            run.wait(timeout=120)
        return "\n".join(top_functions(self.out_dir / f"{name}.txt", name, top) for name in self.runs)


def top_functions(collapsed: Path, name: str, top: int) -> str:
    """The functions with the most samples in a collapsed-stack file, inclusive and self, in %."""
    inclusive, own, total = Counter(), Counter(), 0
    if not collapsed.exists():
        return f"== {name}: no profile (py-spy failed)"
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [_short(frame) for frame in stack.split(";") if frame]
        if not frames or not count.isdigit():
            continue
        n = int(count)
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    lines = [f"== {name}: {total} samples on CPU"]
    lines += [f"  incl {n / total:6.1%}  {frame}" for frame, n in inclusive.most_common(top)]
    lines += [f"  self {n / total:6.1%}  {frame}" for frame, n in own.most_common(top)]
    return "\n".join(lines)


def _short(frame: str) -> str:
    """``function (path/to/module.py:12)`` -> ``function (module.py)``, lines merged."""
    function, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    parts = Path(path).parts
    return f"{function} ({'/'.join(parts[-2:])})"


def statements_enabled(url: URL) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            loaded = conn.execute(sa.text("SHOW shared_preload_libraries")).scalar()
            if "pg_stat_statements" not in loaded:
                return False
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
            conn.execute(sa.text("SELECT pg_stat_statements_reset()"))
            conn.commit()
            return True
    finally:
        engine.dispose()


def top_statements(url: URL, database: str, count: int, top: int = 12) -> str:
    """The statements that took most time in ``database`` since the reset, per booking."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("""
                SELECT calls, total_exec_time, mean_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 110)
                FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                WHERE d.datname = :database ORDER BY total_exec_time DESC LIMIT :top"""),
                {"database": database, "top": top}).all()
    finally:
        engine.dispose()
    lines = [f"== {database}: statements by total time (calls per booking, ms per booking, mean ms)"]
    lines += [f"  {calls / max(count, 1):5.2f}  {total / max(count, 1):6.3f}  {mean:6.3f}  {query}"
              for calls, total, mean, query in rows]
    return "\n".join(lines)
