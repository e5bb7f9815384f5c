"""The packet's machine-readable manifest, embedded in the PDF as a JSON file.

It says what the packet is (ID, profile, policy version, metric definitions)
and what it was made from: the SHA-256 of the records exported (canonical
JSON of the rows as read, before redaction, so they can be checked against
the database later) and each imported source file's name and SHA-256.

And the audit log's anchor: how many entries the log had when the packet was made,
and the newest one's hash. Signed with the packet, it lets `irdesk db check --packets`
and `irdesk verify --db` show that a database's log still holds what it held then.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from irdesk import __version__
from irdesk.storage.reads.packet_data import SourceFileRecord, records_sha256
from irdesk.storage.records.audit import AuditAnchor
from irdesk.storage.records.policies import PolicyRecord

MANIFEST_NAME = "irdesk-manifest.json"
# 2: the policy is named as the dashboard and `irdesk metrics` name it, with its settings.
FORMAT = "irdesk-packet-manifest/2"


@dataclass(frozen=True)
class Manifest:
    data: dict[str, Any]

    def to_json(self) -> bytes:
        return json.dumps(self.data, indent=2, ensure_ascii=False, sort_keys=True).encode()

    @property
    def packet_uid(self) -> str:
        return str(self.data["packet_id"])

    @property
    def audit(self) -> AuditAnchor | None:
        return AuditAnchor.from_json(self.data.get("audit_log"))


def build_manifest(
    *,
    packet_uid: str,
    profile: str,
    subject: str,
    created_at: datetime,
    created_by: str,
    policy: PolicyRecord,
    definitions: dict[str, str],
    records: dict[str, object],
    source_files: list[SourceFileRecord],
    redaction: list[str],
    patterns: list[str],
    audit: AuditAnchor | None = None,
    validation: dict[str, Any] | None = None,
) -> Manifest:
    return Manifest(
        {
            **({"audit_log": audit.to_json()} if audit is not None else {}),
            # The newest validation sample's figures: how far the records were checked.
            **({"validation": validation} if validation is not None else {}),
            "format": FORMAT,
            "packet_id": packet_uid,
            "profile": profile,
            "subject": subject,
            "created_at": created_at.isoformat(),
            "created_by": created_by,
            "irdesk_version": __version__,
            # version None: the built-in defaults; the settings make the figures recomputable.
            "policy": {
                "version": policy.version,
                "label": policy.label,
                "settings": policy.policy.to_dict(),
            },
            "metric_definitions": definitions,
            "records": {
                name: {
                    "count": len(rows) if isinstance(rows, list) else int(rows is not None),
                    "sha256": records_sha256(rows),
                }
                for name, rows in records.items()
            },
            "source_files": [{"name": f.name, "sha256": f.sha256} for f in source_files],
            "redaction": {"rules": redaction, "patterns": patterns},
        }
    )
