"""Review packets as their readers get them, checked with tools we did not write.

pdftotext (poppler) reads what each profile shows and what it keeps back;
pdfsig (poppler) and pyHanko's validator check the signatures; qpdf checks
the file's structure. The packets are made once per session (packet_fixtures).
"""

import hashlib
import io
import json
import re
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from note_keys import file_bytes
from packet_fixtures import (
    COUNTER_PASSPHRASE,
    EMAIL,
    FEEDBACK,
    HOST,
    IP,
    LONG_WORD,
    MARKUP,
    PASSPHRASE,
    PROFILES,
    SOURCE_FILE,
    URL,
    PacketWorld,
    append_page_content,
    pdf_text,
    require_tools,
    run_tool,
    tamper_page_content,
)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from irdesk.domain.metrics.definitions import metric_definitions
from irdesk.reports.packets.profiles import PROFILES as PROFILE_SPECS
from irdesk.reports.signing.identity import read_identity
from irdesk.reports.signing.sign import sign_packet
from irdesk.reports.signing.verify import verify_packet
from irdesk.storage.database import open_database
from irdesk.storage.records.audit import verify_chain
from irdesk.storage.records.policies import current_policy


def squash(text: str) -> str:
    """pdftotext wraps lines where the page did: compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def shows(text: str, wanted: str) -> bool:
    return squash(wanted) in squash(text)


def newest_policy(db_path: Path) -> tuple[int, int]:
    """(row id, number) of the version a packet made now must name: the newest stored one,
    which the dashboard and `irdesk metrics` call current."""
    with closing(sqlite3.connect(db_path)) as conn, conn:
        row_id, version = conn.execute(
            "SELECT id, version FROM policy_version ORDER BY version DESC LIMIT 1"
        ).fetchone()
    conn.close()
    return row_id, version


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_has_its_sections_cover_and_page_furniture(
    packet_world: PacketWorld, profile: str
) -> None:
    text = packet_world.texts[profile]
    spec = PROFILE_SPECS[profile]
    uid = packet_world.packets[profile].packet_uid
    # The demo's policy maps no figure to a control: its packets leave that section out.
    sections = [s for s in spec.sections if s != "Controls"]
    for section in (*sections, "Contents", "Signatures", "Data manifest"):
        assert shows(text, section), f"{profile} lacks section {section!r}"
    assert shows(text, f"Packet {uid}")
    assert shows(text, spec.classification)
    _, version = newest_policy(packet_world.db_path)
    assert shows(text, f"Policy version {version}, saved")
    pages = packet_world.packets[profile].pages
    assert shows(text, f"Page {pages}") and not shows(text, f"Page {pages + 1}")


@pytest.mark.parametrize("profile", [p for p in PROFILES if p != "manager"])
def test_no_profile_but_the_managers_ever_shows_a_feedback_note(
    packet_world: PacketWorld, profile: str
) -> None:
    assert not shows(packet_world.texts[profile], FEEDBACK)


def test_the_manager_profile_shows_that_persons_feedback_notes(packet_world: PacketWorld) -> None:
    text = packet_world.texts["manager"]
    assert shows(text, FEEDBACK)
    assert shows(text, packet_world.person)
    assert shows(text, packet_world.incident_ref.split(":")[1])


def test_a_manager_packet_made_locked_says_its_notes_are_locked(packet_world: PacketWorld) -> None:
    text = pdf_text(packet_world.locked_manager.path)
    assert not shows(text, FEEDBACK)
    assert FEEDBACK.encode() not in packet_world.locked_manager.path.read_bytes()
    # The planted note and the demo's own, with who can read them.
    assert shows(text, "feedback notes are locked: they are sealed to")
    assert shows(text, "Morgan Manager") and shows(text, "their text is not shown")
    assert not shows(text, "No feedback notes were written about this person")


def test_every_packet_is_private_to_its_owner(packet_world: PacketWorld) -> None:
    for result in (*packet_world.packets.values(), packet_world.locked_manager):
        assert stat.S_IMODE(result.path.stat().st_mode) == 0o600, result.path


def test_the_database_holds_no_note_in_plain_text(packet_world: PacketWorld) -> None:
    for path, data in file_bytes(packet_world.db_path).items():
        assert FEEDBACK.encode() not in data, path


@pytest.mark.parametrize("profile", PROFILES)
def test_no_profile_shows_an_email_address(packet_world: PacketWorld, profile: str) -> None:
    text = packet_world.texts[profile]
    assert not shows(text, EMAIL)
    assert "@larkspur.example" not in squash(text)


def test_the_legal_record_is_complete_and_prints_user_text_exactly_as_typed(
    packet_world: PacketWorld,
) -> None:
    text = packet_world.texts["legal"]
    for typed in (HOST, IP, URL, MARKUP, LONG_WORD, "王伟", "Emre Ağaoğlu", "Ελένη Παπαδοπούλου"):
        assert shows(text, typed), typed
    assert shows(text, "[email removed]")
    # Corrections show the original beside the corrected entry.
    assert shows(text, "Alert fired (corrected wording)")
    assert shows(text, "Corrected by Kwame Mensah because the alert named the wrong region")
    assert shows(text, "Regulatory exposure")


def test_insurance_shows_roles_not_names_and_no_hosts_or_urls(packet_world: PacketWorld) -> None:
    # The signer's own name is on the signature stamp, as a signature must show who signed.
    lines = packet_world.texts["insurance"].splitlines()
    text = "\n".join(line for line in lines if not line.startswith("Signed by Zoë Ñúñez"))
    for kept_back in (HOST, IP, URL, "grafana.larkspur.internal", "Emre", "王伟", "Ελένη", "Zoë"):
        assert not shows(text, kept_back), kept_back
    assert shows(text, "Site Reliability Engineer")
    assert shows(text, "[host removed]") and shows(text, "[IP removed]")
    assert shows(text, "[URL removed]")
    assert shows(text, "Cost estimate")


def test_the_executive_summary_has_figures_and_no_operational_detail(
    packet_world: PacketWorld,
) -> None:
    text = packet_world.texts["executive"]
    for kept_back in (HOST, IP, URL, MARKUP, LONG_WORD, "Alert fired (corrected wording)"):
        assert not shows(text, kept_back), kept_back
    assert shows(text, f"Period {packet_world.period}")
    for figure in ("Within target", "Availability", "Budget used", "Estimated cost", "Gini"):
        assert shows(text, figure), figure
    # Three of the dashboard's charts (distribution, trend, error budget); not load per person.
    require_tools("pdfimages")
    images = run_tool("pdfimages", "-list", str(packet_world.packets["executive"].path))
    assert [line.split()[2] for line in images.stdout.splitlines()[2:]].count("image") == 3


def test_the_postmortem_is_blameless_but_keeps_the_systems_names(
    packet_world: PacketWorld,
) -> None:
    text = packet_world.texts["postmortem"]
    assert not shows(text, "Emre Ağaoğlu") and not shows(text, "Ελένη Παπαδοπούλου")
    assert shows(text, HOST)


@pytest.mark.parametrize("profile", PROFILES)
def test_pdfsig_and_qpdf_accept_every_signed_profile(
    packet_world: PacketWorld, profile: str
) -> None:
    path = packet_world.packets[profile].path
    signatures = run_tool("pdfsig", str(path))
    assert signatures.returncode == 0, signatures.stderr
    assert signatures.stdout.count("Signature is Valid.") == 1
    assert "  - Total document signed" in signatures.stdout
    assert "Signer Certificate Common Name: Zoë Ñúñez" in signatures.stdout
    assert "The signature form field is not signed." in signatures.stdout  # the countersignature
    check = run_tool("qpdf", "--check", str(path))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors found" in check.stdout


def test_each_export_is_recorded_with_its_hash_in_the_packet_table_and_audit_log(
    packet_world: PacketWorld,
) -> None:
    with closing(sqlite3.connect(packet_world.db_path)) as conn, conn:
        rows = {
            uid: (profile, sha, incident, subject, json.loads(signers), who, policy)
            for uid, profile, sha, incident, subject, signers, who, policy in conn.execute(
                "SELECT packet_uid, profile, sha256, incident_id, subject, signers_json, created_by,"
                " policy_version_id FROM packet"
            )
        }
        audit = [
            json.loads(d)
            for (d,) in conn.execute(
                "SELECT detail_json FROM audit_entry WHERE action = 'export_packet' ORDER BY id"
            )
        ]
    assert len(rows) == len(PROFILES) + 1  # and the locked manager packet
    assert rows[packet_world.locked_manager.packet_uid][0] == "manager"
    for profile, result in packet_world.packets.items():
        stored = rows[result.packet_uid]
        assert stored[0] == profile
        assert stored[1] == result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()
        assert stored[4] == ["Zoë Ñúñez"] and stored[5] == "tester"
        assert stored[6] == newest_policy(packet_world.db_path)[0]  # the version it names
    assert rows[packet_world.packets["legal"].packet_uid][2] == packet_world.incident_id
    assert rows[packet_world.packets["executive"].packet_uid][3] == packet_world.period
    # A signed export names the key that signed: the certificate's SHA-256.
    pem = read_identity(packet_world.identity, PASSPHRASE).certificate_pem
    fingerprint = x509.load_pem_x509_certificate(pem).fingerprint(hashes.SHA256()).hex()
    signed = [a for a in audit if a["signers"]]
    assert len(signed) == len(PROFILES)
    assert all(a["signer_certificates"] == [fingerprint] for a in signed)
    assert all("signer_certificates" not in a for a in audit if not a["signers"])
    assert [a["packet_uid"] for a in audit] == [
        *(r.packet_uid for r in packet_world.packets.values()),
        packet_world.locked_manager.packet_uid,
    ]
    database = open_database(packet_world.db_path)
    try:
        with database.session() as session:
            assert verify_chain(session) is None
    finally:
        database.close()


def _manifest(path: Path) -> dict[str, object]:
    report = verify_packet(path)
    assert report.manifest is not None
    return report.manifest


def test_the_manifest_names_profile_policy_records_and_source_files(
    packet_world: PacketWorld,
) -> None:
    manifest = _manifest(packet_world.packets["legal"].path)
    assert manifest["packet_id"] == packet_world.packets["legal"].packet_uid
    assert manifest["profile"] == "legal"
    _, version = newest_policy(packet_world.db_path)
    database = open_database(packet_world.db_path)
    try:
        current = current_policy(database)
    finally:
        database.close()
    assert manifest["policy"] == {
        "version": version,
        "label": f"version {version}",
        "settings": current.policy.to_dict(),  # enough to recompute every figure
    }
    assert version == current.version == 2  # the demo's second version, not the first
    assert {"name": SOURCE_FILE[0], "sha256": SOURCE_FILE[1]} in manifest["source_files"]  # type: ignore[operator]
    records = manifest["records"]
    assert isinstance(records, dict)
    assert set(records) >= {"incident", "timeline_event", "finding", "action_item"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["sha256"]) for r in records.values())
    assert "time_to_resolve" in manifest["metric_definitions"]  # type: ignore[operator]
    executive = _manifest(packet_world.packets["executive"].path)
    assert "slo_adherence" in executive["metric_definitions"]  # type: ignore[operator]
    assert executive["metric_definitions"] == metric_definitions(current.policy)


def test_the_same_records_hash_the_same_in_two_exports(packet_world: PacketWorld) -> None:
    legal = _manifest(packet_world.packets["legal"].path)["records"]
    postmortem = _manifest(packet_world.packets["postmortem"].path)["records"]
    assert legal["timeline_event"] == postmortem["timeline_event"]  # type: ignore[index]


def test_countersigning_keeps_the_first_signature_valid(
    packet_world: PacketWorld, tmp_path: Path
) -> None:
    signed = packet_world.packets["legal"].path.read_bytes()
    countersigned = tmp_path / "countersigned.pdf"
    countersigned.write_bytes(
        sign_packet(signed, packet_world.counter_identity, COUNTER_PASSPHRASE)
    )
    assert countersigned.read_bytes().startswith(signed)  # an incremental update
    out = run_tool("pdfsig", str(countersigned)).stdout
    first, second = out.split("Signature #2:")
    # pdfsig reports the earlier signature as valid over the bytes it signed, which are now
    # not the whole file; the countersignature covers all of it.
    assert "Signature is Valid." in first and "  - Not total document signed" in first
    assert "Signature is Valid." in second and "  - Total document signed" in second
    assert "Signer Certificate Common Name: 王伟" in second
    report = verify_packet(countersigned)
    assert report.intact()
    assert [s.signer for s in report.signatures] == ["Zoë Ñúñez", "王伟"]
    assert report.signatures[0].changes_after == "only later signatures or form fields filled"
    assert report.signatures[1].covers_whole_file
    reader = PdfFileReader(io.BytesIO(countersigned.read_bytes()))
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[]))
        assert status.intact and status.valid
        assert status.modification_level in (ModificationLevel.NONE, ModificationLevel.FORM_FILLING)
    assert run_tool("qpdf", "--check", str(countersigned)).returncode == 0


def test_one_changed_byte_of_page_content_fails_verify_and_pdfsig(
    packet_world: PacketWorld, tmp_path: Path
) -> None:
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(tamper_page_content(packet_world.packets["legal"].path.read_bytes()))
    report = verify_packet(tampered)
    assert not report.intact()
    assert not report.signatures[0].intact
    out = run_tool("pdfsig", str(tampered)).stdout
    assert "Signature is Valid." not in out
    assert "Digest Mismatch." in out


def test_content_added_after_signing_fails_verify_though_the_signed_bytes_are_intact(
    packet_world: PacketWorld, tmp_path: Path
) -> None:
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(append_page_content(packet_world.packets["legal"].path.read_bytes()))
    report = verify_packet(altered)
    (signature,) = report.signatures
    assert signature.intact and signature.valid
    assert not signature.allowed_changes and signature.changes_after == "content changed"
    assert not report.intact()
    # pdfsig checks the signed range only: valid, but no longer the whole document.
    out = run_tool("pdfsig", str(altered)).stdout
    assert "Signature is Valid." in out and "  - Not total document signed" in out


def test_pdf_text_of_a_cjk_and_greek_name_is_searchable(packet_world: PacketWorld) -> None:
    # The CJK run is set in the CJK font and still extracts as the characters typed.
    assert "王伟" in pdf_text(packet_world.packets["legal"].path)
