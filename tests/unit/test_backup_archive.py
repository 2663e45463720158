"""The backup file: its manifest read back as written, and what is refused before any database is touched."""
import hashlib
import io
import json
import tarfile

import pytest

from deploy.backup_archive import MANIFEST, BackupError, Manifest, ServiceDump, read_archive, write_archive


def manifest_for(dump: bytes) -> Manifest:
    return Manifest(timestamp="20261125T010203Z", git_commit="abc", pg_dump_version="pg_dump (PostgreSQL) 15.20",
                    dumps={"courses": ServiceDump("courses", "alliance_courses", "courses.dump",
                                                  hashlib.sha256(dump).hexdigest(), "0001", {"bookings": 3})})


def test_a_written_backup_reads_back_with_its_dumps(tmp_path):
    (tmp_path / "courses.dump").write_bytes(b"dump bytes")
    written = manifest_for(b"dump bytes")
    write_archive(tmp_path / "b.tar", written, {"courses": tmp_path / "courses.dump"})
    assert not (tmp_path / "b.tar.partial").exists()
    (tmp_path / "out").mkdir()

    read, dumps = read_archive(tmp_path / "b.tar", tmp_path / "out")
    assert read == written
    assert dumps["courses"].read_bytes() == b"dump bytes"


def archive_with(tmp_path, members: dict[str, bytes]):
    path = tmp_path / "made.tar"
    with tarfile.open(path, "w") as archive:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    (tmp_path / "out").mkdir()
    return path


@pytest.mark.parametrize("members, reason", [
    ({"courses.dump": b"x"}, "has no manifest.json"),
    ({MANIFEST: b"{not json"}, "not JSON"),
    ({MANIFEST: json.dumps({"format": 2}).encode()}, "manifest format 2"),
    ({MANIFEST: json.dumps({"format": 1, "services": []}).encode()}, "not a backup manifest"),
    ({MANIFEST: json.dumps(manifest_for(b"x").as_json()).encode()}, "has no courses.dump"),
    ({MANIFEST: json.dumps(manifest_for(b"x").as_json()).encode(), "courses.dump": b"y"}, "the backup is corrupt"),
])
def test_a_file_that_is_not_a_whole_backup_is_refused(tmp_path, members, reason):
    with pytest.raises(BackupError, match=reason):
        read_archive(archive_with(tmp_path, members), tmp_path / "out")


def test_without_the_postgresql_client_tools_backup_and_restore_say_what_to_install(tmp_path, monkeypatch):
    from deploy.backup import backup, restore
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump not found on PATH: install"):
        backup(tmp_path, {})
    with pytest.raises(BackupError, match="pg_restore not found on PATH: install"):
        restore(tmp_path / "any.tar", {})
