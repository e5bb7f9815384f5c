"""Zips that zipfile would not write: a bomb built from one deflate, a directory that lies."""

import struct
import zlib
from pathlib import Path

MB = 1024 * 1024


def write_zip_by_hand(
    path: Path, members: dict[str, bytes], *, declared: int | None = None
) -> None:
    """A zip whose members are deflated once each and whose directory may lie about the
    uncompressed size (`declared`): what zipfile would not write."""
    local, central = bytearray(), bytearray()
    for name, data in members.items():
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = packer.compress(data) + packer.flush()
        size = len(data) if declared is None else declared
        crc = zlib.crc32(data)
        encoded = name.encode()
        offset = len(local)
        local += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0
        )
        local += encoded + packed
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(packed),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += encoded
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0
    )
    path.write_bytes(bytes(local + central + end))


def write_bomb(path: Path, members: int = 30, size: int = 99 * MB) -> None:
    """`members` members of `size` zero bytes each, deflated once and stored `members` times
    (some 3 MB for thirty of 99 MB): building it costs one deflate, not thirty."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MB)
    crc, parts = 0, []
    for _ in range(size // MB):
        parts.append(packer.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    packed = b"".join(parts) + packer.flush()
    local, central = bytearray(), bytearray()
    for n in range(members):
        encoded = f"part-{n:02d}.json".encode()
        offset = len(local)
        header = (0x04034B50, 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0)
        local += struct.pack("<IHHHHHIIIHH", *header) + encoded + packed
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            *(0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded)),
            *(0, 0, 0, 0, 0, offset),
        )
        central += encoded
    end = (0x06054B50, 0, 0, members, members, len(central), len(local), 0)
    path.write_bytes(bytes(local + central + struct.pack("<IHHHHIIH", *end)))
