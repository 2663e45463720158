"""A backup file: one tar holding ``manifest.json`` and one ``pg_dump --format=custom`` per service.

One file, not a directory, so that a backup is moved, copied and deleted as a
whole and a half-copied one is detectably broken. It is not compressed: the
custom-format dumps already are.
"""
from __future__ import annotations

import hashlib
import io
import json
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 1 << 20


class BackupError(RuntimeError):
    """A backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class ServiceDump:
    """What the manifest says about one service's database at the moment of its dump."""
    service: str
    database: str
    dump_file: str  # the member of the tar
    sha256: str
    alembic_revision: str | None
    row_counts: dict[str, int]

    def as_json(self) -> dict:
        return {"database": self.database, "dump_file": self.dump_file, "sha256": self.sha256,
                "alembic_revision": self.alembic_revision, "row_counts": self.row_counts}


@dataclass(frozen=True)
class Manifest:
    timestamp: str
    git_commit: str | None
    pg_dump_version: str
    dumps: dict[str, ServiceDump]  # service name -> its dump, in the registry's order

    def as_json(self) -> dict:
        return {"format": FORMAT, "timestamp": self.timestamp, "git_commit": self.git_commit,
                "pg_dump_version": self.pg_dump_version,
                "services": {name: dump.as_json() for name, dump in self.dumps.items()}}

    @classmethod
    def from_json(cls, document: dict) -> "Manifest":
        try:
            if document["format"] != FORMAT:
                raise BackupError(f"manifest format {document['format']!r}; this tool reads {FORMAT}")
            dumps = {
                name: ServiceDump(
                    service=name, database=str(entry["database"]), dump_file=str(entry["dump_file"]),
                    sha256=str(entry["sha256"]), alembic_revision=entry["alembic_revision"],
                    row_counts={str(table): int(count) for table, count in entry["row_counts"].items()},
                )
                for name, entry in document["services"].items()
            }
            return cls(timestamp=str(document["timestamp"]), git_commit=document.get("git_commit"),
                       pg_dump_version=str(document["pg_dump_version"]), dumps=dumps)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BackupError(f"{MANIFEST} is not a backup manifest ({type(exc).__name__}: {exc})") from None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_archive(target: Path, manifest: Manifest, dump_paths: dict[str, Path]) -> None:
    """Write the tar to ``target.partial`` and rename it: a file named ``*.tar`` is always whole."""
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "x") as archive:
        body = json.dumps(manifest.as_json(), indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(body), int(time.time())
        archive.addfile(info, io.BytesIO(body))
        for name, dump in manifest.dumps.items():
            archive.add(dump_paths[name], arcname=dump.dump_file)
    partial.rename(target)


def read_archive(path: Path, into: Path) -> tuple[Manifest, dict[str, Path]]:
    """The manifest and each service's dump, extracted into ``into`` and checked against its sha256."""
    if not path.is_file():
        raise BackupError(f"no backup file {path}")
    try:
        with tarfile.open(path, "r:") as archive:
            manifest = Manifest.from_json(_manifest_document(archive))
            return manifest, {name: _extract_checked(archive, dump, into) for name, dump in manifest.dumps.items()}
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{path} is not a readable backup (corrupt or truncated?): {exc}") from None


def _manifest_document(archive: tarfile.TarFile) -> dict:
    member = _member(archive, MANIFEST)
    try:
        return json.loads(_open(archive, member).read())
    except ValueError as exc:
        raise BackupError(f"{MANIFEST} is not JSON: {exc}") from None


def _extract_checked(archive: tarfile.TarFile, dump: ServiceDump, into: Path) -> Path:
    source = _open(archive, _member(archive, dump.dump_file))
    target = into / f"{dump.service}.dump"
    digest = hashlib.sha256()
    with target.open("wb") as sink:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            sink.write(chunk)
    if digest.hexdigest() != dump.sha256:
        raise BackupError(f"{dump.dump_file}: sha256 {digest.hexdigest()} is not the manifest's "
                          f"{dump.sha256}: the backup is corrupt")
    return target


def _member(archive: tarfile.TarFile, name: str) -> tarfile.TarInfo:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupError(f"the backup has no {name}") from None
    if not member.isfile():
        raise BackupError(f"{name} in the backup is not a regular file")
    return member


def _open(archive: tarfile.TarFile, member: tarfile.TarInfo) -> BinaryIO:
    extracted = archive.extractfile(member)
    if extracted is None:
        raise BackupError(f"{member.name} cannot be read from the backup")
    return extracted
