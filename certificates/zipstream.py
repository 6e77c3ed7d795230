"""A ZIP archive written as it is sent, for files already in memory (pure: no Flask, no I/O).

Contract: a :class:`ZipStream` turns entries into byte chunks. ``entry(name, data, when)``
yields the entry's local header then ``data`` itself (never copied); ``finish()`` yields the
central directory and the end records. Joined, the chunks are a ZIP archive (PKWARE APPNOTE
6.3) that Python's ``zipfile``, Info-ZIP ``unzip`` and the usual desktop tools read: entries
are *stored* (method 0: the PDFs it carries are compressed already), names are UTF-8 (flag bit
11), each entry's CRC-32 and sizes are in its local header (no data descriptor), and ZIP64
fields and end records are written once an offset or a size reaches 4 GiB or the entries
exceed 65,535. Dates before 1980 (the format's epoch) are written as 1980-01-01.

Why not :mod:`zipfile`: written to a stream, it keeps a ``ZipInfo`` object per entry (about
0.8 KiB with its name and date) until the archive closes, so a worker's memory still grew
with the cohort. This writer keeps each entry's central-directory record packed, appended to
one ``bytearray`` (46 bytes plus the name per entry, with no per-object overhead), the least
any ZIP writer must keep, and ``finish()`` hands it over in chunks of ``CHUNK`` bytes, so
the directory is never held twice (a ``b"".join`` of it would copy it whole).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from datetime import datetime

#: Past these, ZIP64 fields are used (module constants so tests can lower them).
ZIP64_LIMIT = 0xFFFFFFFF
ENTRY_LIMIT = 0xFFFF
#: The central directory is yielded in pieces of this size.
CHUNK = 64 * 1024

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_END64 = struct.Struct("<IQHHIIQQQQ")
_LOCATOR64 = struct.Struct("<IIQI")
_UTF8_NAMES = 0x0800
_STORED = 0
_MADE_BY_UNIX = 3 << 8
_FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--


class ZipStream:
    """Writes stored entries one after the other, then the directory (see the module)."""

    def __init__(self) -> None:
        self._offset = 0
        self._central = bytearray()
        self._count = 0

    def entry(self, name: str, data: bytes, when: datetime) -> Iterator[bytes]:
        """The entry's local header, then ``data``.

        Names are UTF-8 (flag bit 11); a character UTF-8 cannot hold (a lone surrogate, which no
        decoded request or file name contains, but a Python string can) is written as ``?``
        rather than failing halfway through a streamed archive."""
        encoded = name.encode("utf-8", errors="replace")
        crc = zlib.crc32(data)
        size = len(data)
        offset = self._offset
        time, date = _dos_time(when)
        big = size >= ZIP64_LIMIT
        far = offset >= ZIP64_LIMIT
        version = 45 if big or far else 20
        size32 = 0xFFFFFFFF if big else size
        local_extra = struct.pack("<HHQQ", 1, 16, size, size) if big else b""
        header = (
            _LOCAL.pack(
                0x04034B50,
                version,
                _UTF8_NAMES,
                _STORED,
                time,
                date,
                crc,
                size32,
                size32,
                len(encoded),
                len(local_extra),
            )  # fmt: skip
            + encoded
            + local_extra
        )
        wide = [size, size] if big else []
        if far:
            wide.append(offset)
        central_extra = struct.pack(f"<HH{len(wide)}Q", 1, 8 * len(wide), *wide) if wide else b""
        record = (
            _CENTRAL.pack(
                0x02014B50,
                _MADE_BY_UNIX | version,
                version,
                _UTF8_NAMES,
                _STORED,
                time,
                date,
                crc,
                size32,
                size32,
                len(encoded),
                len(central_extra),
                0,
                0,
                0,
                _FILE_MODE,
                0xFFFFFFFF if far else offset,
            )  # fmt: skip
            + encoded
            + central_extra
        )
        self._central += record
        self._count += 1
        self._offset += len(header) + size
        yield header
        yield data

    def finish(self) -> Iterator[bytes]:
        """The central directory and the end-of-archive records."""
        start, size, count = self._offset, len(self._central), self._count
        directory, self._central = self._central, bytearray()
        with memoryview(directory) as view:
            for at in range(0, size, CHUNK):
                yield bytes(view[at : at + CHUNK])
        del directory
        if count > ENTRY_LIMIT or start >= ZIP64_LIMIT or size >= ZIP64_LIMIT:
            end64_offset = start + size
            yield _END64.pack(
                0x06064B50, 44, _MADE_BY_UNIX | 45, 45, 0, 0, count, count, size, start
            )
            yield _LOCATOR64.pack(0x07064B50, 0, end64_offset, 1)
            # The classic record says "see ZIP64" (all ones) where a value does not fit.
            count, size, start = min(count, 0xFFFF), min(size, 0xFFFFFFFF), min(start, 0xFFFFFFFF)
        yield _END.pack(0x06054B50, 0, 0, count, count, size, start, 0)


def _dos_time(when: datetime) -> tuple[int, int]:
    """MS-DOS time and date (two-second steps; 1980-01-01 at the earliest)."""
    if when.year < 1980:
        return 0, (1 << 5) | 1
    time = (when.hour << 11) | (when.minute << 5) | (when.second // 2)
    date = ((when.year - 1980) << 9) | (when.month << 5) | when.day
    return time, date
