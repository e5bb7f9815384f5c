"""The latest validation sample's figures, for the manifests of the packets that cite figures.

A reader of a legal or executive packet can then see how often the records behind
it were found wrong when checked by hand against their sources, and how much by.
"""

from typing import Any

from irdesk.storage.database import Database
from irdesk.storage.records.validation_samples import validation_report

# The profiles whose manifest carries the "validation" key.
PROFILES = ("legal", "executive")


def manifest_validation(database: Database) -> dict[str, Any]:
    """The newest sample's report as JSON; {"sample": None} when none was ever drawn."""
    try:
        return validation_report(database).to_json()
    except LookupError:
        return {"sample": None, "note": "no validation sample has been drawn"}
