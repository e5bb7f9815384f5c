"""An incident's service and its three flags, packed into one integer by the column scan.

A column scan (`column_scan`) costs SQLite an append to a string per value, and an
append costs far more than SQLite's integer arithmetic; so the service id and the three
yes/no flags cross as one number: the service id shifted past the flag bits, plus one
bit per flag. This module is the one place that knows the layout: the SQL that packs
and the numpy that unpacks are both made from the constants below.
"""

import numpy as np

from irdesk.domain.metrics.data import NONE_ID

# IncidentColumns field → (the incident table's column, its bit in the packed number).
FLAGS = {
    "external_cause": ("external_cause", 1),
    "tech_debt": ("approved_tech_debt", 2),
    "regulatory": ("regulatory_exposure", 4),
}
# The service id sits above the flag bits.
SERVICE_SHIFT = 3
# No service (NULL) is packed as NONE_ID, and every id is raised by this much first: no
# service packs as 0 and every packed number is non-negative.
SERVICE_OFFSET = -NONE_ID

if sum(bit for _, bit in FLAGS.values()) >= 1 << SERVICE_SHIFT:
    raise AssertionError("the flag bits overlap the service id")


def packing_sql() -> str:
    """The SQL expression over an incident row that gives its packed number.

    `<> 0` gives 1 for whatever Python would call true. A service id too large for
    SQLite's integer arithmetic comes out as a real, which the "int" column kind refuses,
    so the table is then read the ordinary way.
    """
    service = f"{1 << SERVICE_SHIFT} * (ifnull(service_id, {NONE_ID}) + {SERVICE_OFFSET})"
    flags = [
        f"({column} <> 0)" if bit == 1 else f"{bit} * ({column} <> 0)"
        for column, bit in FLAGS.values()
    ]
    return " + ".join([service, *flags])


def unpack(packed: np.ndarray) -> dict[str, np.ndarray]:
    """IncidentColumns field → its column: the service (int64, NONE_ID for none) and each
    flag (bool)."""
    fields = {"service": (packed >> SERVICE_SHIFT) - SERVICE_OFFSET}
    for field, (_, bit) in FLAGS.items():
        fields[field] = (packed & bit) != 0
    return fields
