"""The streaming ZIP writer: what zipfile and Info-ZIP's unzip read back, ZIP64 included."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates import zipstream
from certificates.zipstream import ZipStream

WHEN = datetime(2026, 11, 14, 9, 30, 17)


def build(entries: list[tuple[str, bytes, datetime]]) -> bytes:
    archive = ZipStream()
    chunks: list[bytes] = []
    for name, data, when in entries:
        chunks += archive.entry(name, data, when)
    chunks += archive.finish()
    return b"".join(chunks)


def unzip_test(tmp_path: Path, data: bytes) -> None:
    """Info-ZIP's own integrity test, where unzip is installed."""
    if shutil.which("unzip") is None:
        return
    path = tmp_path / "archive.zip"
    path.write_bytes(data)
    result = subprocess.run(["unzip", "-tq", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_entries_read_back_stored_named_and_dated(tmp_path: Path) -> None:
    entries = [
        ("certificate-cap-apm-zoe-lefevre.pdf", b"%PDF-1.7 first", WHEN),
        ("Zoé Lefèvre – attestation.pdf", b"%PDF-1.7 second" * 1000, WHEN),
        ("empty.txt", b"", datetime(1975, 5, 1)),
    ]
    data = build(entries)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert archive.namelist() == [name for name, _d, _w in entries]
    for info, (_name, content, _when) in zip(archive.infolist(), entries, strict=True):
        assert archive.read(info) == content
        assert info.compress_type == zipfile.ZIP_STORED
        assert info.flag_bits & 0x0800  # UTF-8 names
        assert not info.flag_bits & 0x08  # sizes in the local header, no data descriptor
    assert archive.infolist()[0].date_time == (2026, 11, 14, 9, 30, 16)  # two-second steps
    assert archive.infolist()[2].date_time == (1980, 1, 1, 0, 0, 0)  # the format's epoch
    unzip_test(tmp_path, data)


def test_an_empty_archive_is_valid(tmp_path: Path) -> None:
    data = build([])
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == []
    assert data == b"PK\x05\x06" + b"\0" * 18


def test_zip64_records_when_limits_are_passed(tmp_path: Path, monkeypatch) -> None:
    # Lowered limits stand in for 4 GiB and 65,535 entries: every ZIP64 path is taken.
    monkeypatch.setattr(zipstream, "ZIP64_LIMIT", 64)
    monkeypatch.setattr(zipstream, "ENTRY_LIMIT", 2)
    entries = [(f"file-{n}.pdf", bytes([n]) * (30 + 20 * n), WHEN) for n in range(4)]
    data = build(entries)
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data  # ZIP64 end record and locator
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert [archive.read(name) for name in archive.namelist()] == [d for _n, d, _w in entries]
    unzip_test(tmp_path, data)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(
                st.characters(
                    min_codepoint=32, exclude_characters="/\\", exclude_categories=("Cs",)
                ),
                min_size=1,
            ),
            st.binary(max_size=300),
        ),
        max_size=6,
        unique_by=lambda entry: entry[0],
    )
)
def test_any_names_and_bytes_round_trip(entries: list[tuple[str, bytes]]) -> None:
    data = build([(name, content, WHEN) for name, content in entries])
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert [(i.filename, archive.read(i)) for i in archive.infolist()] == entries


def test_a_name_utf8_cannot_hold_is_written_with_a_question_mark() -> None:
    data = build([("caf\ud800.pdf", b"%PDF", WHEN)])
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["caf?.pdf"]


def test_data_is_yielded_without_a_copy() -> None:
    payload = b"x" * 10_000
    header, body = list(ZipStream().entry("a.pdf", payload, WHEN))
    assert body is payload and header.startswith(b"PK\x03\x04")


@pytest.mark.parametrize("count", [1, 3])
def test_offsets_follow_the_entries(count: int) -> None:
    entries = [(f"{n}.pdf", b"%PDF" * (n + 1), WHEN) for n in range(count)]
    archive = zipfile.ZipFile(io.BytesIO(build(entries)))
    offsets = [info.header_offset for info in archive.infolist()]
    assert offsets == sorted(offsets) and offsets[0] == 0
