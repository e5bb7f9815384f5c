"""How much of a hostile or mistaken input irdesk reads before refusing it.

Every import is read into memory before anything is written (so that a bad file stops it
before a row changes), which makes each of these a bound on an import's memory or time.
An export that breaks one is refused with a sentence naming the file (or zip member), the
limit and what was found; none is a guess at what real exports hold, each sits well above
the largest real export seen and well below what would exhaust a desktop's memory.
"""

MB = 1024 * 1024

# One file, or one member of a zip. A single export beyond this is almost certainly not an
# incident export (a disk image, a database dump) and is split into pages anyway.
MAX_FILE_BYTES = 100 * MB

# Everything one zip holds once uncompressed, counted as declared before a byte is read and
# again as the members are read: thirty 99 MB members are a zip bomb, not an export.
MAX_ARCHIVE_BYTES = 500 * MB

# Everything one import reads, named files, folders and zips together.
MAX_IMPORT_BYTES = 1024 * MB

# Uncompressed over compressed size for one member. JSON and CSV exports deflate some 5 to
# 20 times; a run of one byte deflates a thousand times, which is what a bomb is made of.
MAX_COMPRESSION_RATIO = 100
# Below this, a member's ratio is not looked at: a small file of repeated text can
# compress very well and can do no harm.
RATIO_CHECKED_FROM_BYTES = 1 * MB

# Members of one zip: each costs memory (its directory entry) before anything is read.
MAX_ARCHIVE_MEMBERS = 50_000

# Nesting of JSON arrays and objects. The parsers recurse once per level, so a document
# nested 100,000 deep would exhaust the stack; no export nests more than a few dozen.
# orjson stops at this depth itself, and json's recursion limit gives out near it.
MAX_JSON_DEPTH = 1024

# A JSON or CSV file at least this large is read one element of its big arrays (or one
# row) at a time by the formats that take incidents one by one (PagerDuty, Opsgenie,
# Statuspage, Jira JSON, the mapped JSON and CSV): a whole parse costs many times the file.
STREAM_JSON_FROM_BYTES = 16 * MB


def megabytes(size: int) -> str:
    """A size for a message: whole megabytes, or bytes when less than one."""
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size:,} bytes"
