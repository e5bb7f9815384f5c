"""`irdesk classify`: what a facilitator knows about incidents that their source did not say.

Each value is checked here, naming the option at fault, before the database is
opened; the rules that tie values together (an external cause needs its vendor and
evidence, …) are the domain's, and a refusal names the incident. Either way the
command exits 1 and nothing is written. With no change given it shows what counts.
"""

import argparse
import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

from irdesk.cli.common import (
    CommandFailed,
    add_database_option,
    chosen_database,
    failures_reported,
    opened_database,
)
from irdesk.storage.errors import DatabaseError
from irdesk.storage.records.actor import current_actor

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands
    from irdesk.domain.classification import EffectiveImpact


def add_classify_parser(commands: "Subcommands") -> None:
    classify = commands.add_parser(
        "classify",
        help="classify incidents: severity, impact, external cause, tech debt, regulation",
        description="Record what the source did not say about incidents, beside the source's "
        "values (a re-import keeps it): the severity customers reported, a corrected severity, "
        "users affected, downtime cost, a third party's fault, approved technical debt, "
        "regulatory exposure, or that a ticket is not an incident at all (it then leaves the "
        "incident figures). Every change is audited. Without changes, shows the values that "
        "count.",
    )
    classify.set_defaults(handler=cmd_classify)
    classify.add_argument(
        "incidents",
        nargs="+",
        metavar="INCIDENT",
        help="the incident: the ID the list shows (INC-1022), SOURCE:ID or its number (12728)",
    )
    add_database_option(classify, dest="classify_db", help="the database")
    classify.add_argument("--customer-severity", metavar="SEV", help="what customers reported")
    classify.add_argument("--severity", metavar="SEV", help="the corrected internal severity")
    classify.add_argument("--users-affected", metavar="N")
    classify.add_argument("--downtime-cost", metavar="X")
    classify.add_argument(
        "--external-cause", metavar="VENDOR", help="a third party caused it (needs --evidence)"
    )
    classify.add_argument("--evidence", metavar="URL", help="the vendor's incident report")
    classify.add_argument(
        "--approved-tech-debt",
        action="store_true",
        help="it came from accepted technical debt (needs --approver and --decision)",
    )
    classify.add_argument("--approver", metavar="NAME", help="who accepted the debt")
    classify.add_argument("--decision", metavar="REF", help="the decision's reference")
    classify.add_argument(
        "--regulatory-exposure",
        metavar="REGULATION",
        help="a regulation may require notifying (needs --notification-deadline)",
    )
    classify.add_argument(
        "--notification-deadline", metavar="ISO-DATETIME", help="e.g. 2026-12-09T17:00+01:00"
    )
    which = classify.add_mutually_exclusive_group()
    which.add_argument(
        "--not-an-incident",
        dest="not_incident",
        action="store_const",
        const=True,
        help="e.g. a backlog ticket: leaves every incident figure",
    )
    which.add_argument("--is-an-incident", dest="not_incident", action="store_const", const=False)
    classify.add_argument(
        "--clear",
        action="append",
        default=[],
        metavar="FIELD",
        help="back to the source's value: customer-severity, severity, users-affected, "
        "downtime-cost, external-cause, approved-tech-debt, regulatory-exposure, "
        "not-an-incident; repeatable",
    )


def _fail(option: str, message: str) -> CommandFailed:
    return CommandFailed(f"{option}: {message}\nNothing was changed.")


def _severity(option: str, text: str) -> Any:
    from irdesk.domain.classification import parse_severity

    try:
        return parse_severity(text)
    except ValueError as exc:
        raise _fail(option, str(exc)) from None


def _whole(option: str, text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise _fail(option, f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise _fail(option, f"expected 0 or more, got {text!r}")
    return value


def _amount(option: str, text: str) -> float:
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise _fail(option, f"expected an amount such as 12500.50, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise _fail(option, f"expected an amount of 0 or more, got {text!r}")
    return value


def _deadline(option: str, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _fail(
            option, f"expected a date and time such as 2026-12-09T17:00+01:00, got {text!r}"
        ) from None
    if value.tzinfo is None:
        raise _fail(option, f"{text!r} has no time zone; add one, e.g. +01:00 or Z")
    return value


def changes_from(args: argparse.Namespace) -> tuple[dict[str, Any], list[str]]:
    """(attribute → value, fields to clear) from the command line; CommandFailed naming
    the option at fault."""
    from irdesk.domain.classification import field_named

    changes: dict[str, Any] = {}
    if args.customer_severity is not None:
        changes["customer_severity"] = _severity("--customer-severity", args.customer_severity)
    if args.severity is not None:
        changes["severity"] = _severity("--severity", args.severity)
    if args.users_affected is not None:
        changes["users_affected"] = _whole("--users-affected", args.users_affected)
    if args.downtime_cost is not None:
        changes["downtime_cost"] = _amount("--downtime-cost", args.downtime_cost)
    if args.external_cause is not None:
        if not args.external_cause.strip():
            raise _fail("--external-cause", "name the vendor (third party) that caused it")
        changes["external_cause"] = True
        changes["external_vendor"] = args.external_cause
    if args.evidence is not None:
        from irdesk.domain.classification import is_web_address

        if not is_web_address(args.evidence):
            raise _fail("--evidence", f"expected a web address (https://…), got {args.evidence!r}")
        changes["external_evidence"] = args.evidence
    if args.approved_tech_debt:
        changes["approved_tech_debt"] = True
    if args.approver is not None:
        changes["debt_approver"] = args.approver
    if args.decision is not None:
        changes["debt_decision"] = args.decision
    if args.regulatory_exposure is not None:
        if not args.regulatory_exposure.strip():
            raise _fail("--regulatory-exposure", "name the regulation, e.g. 'GDPR Art. 33'")
        changes["regulatory_exposure"] = True
        changes["regulation"] = args.regulatory_exposure
    if args.notification_deadline is not None:
        changes["notification_deadline"] = _deadline(
            "--notification-deadline", args.notification_deadline
        )
    if args.not_incident is not None:
        changes["not_incident"] = args.not_incident
    clear = []
    for text in args.clear:
        try:
            field = field_named(text)
        except ValueError as exc:
            raise _fail("--clear", str(exc)) from None
        clear.append(field)
    return changes, clear


def describe_impact(label: str, impact: "EffectiveImpact") -> list[str]:
    from irdesk.domain.classification import describe

    lines = describe(impact.classification)
    if not lines:
        return [f"{label}: not classified; the source's values count"]
    return [f"{label}:", *(f"  {line}" for line in lines)]


def cmd_classify(args: argparse.Namespace) -> int:
    from irdesk.storage.records.database_edits import classify_named, read_classifications

    changes, clear = changes_from(args)
    path = chosen_database(args.classify_db, args.db)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import incidents first or name a file with --db."
        )
    if not changes and not clear:
        with (
            opened_database(path, upgrade=False) as database,
            failures_reported(LookupError, DatabaseError),
        ):
            shown = read_classifications(database, args.incidents)
        for label, impact in shown:
            print("\n".join(describe_impact(label, impact)))
        return 0
    # LookupError: an incident no name finds; ValueError: a classification the rules refuse.
    with (
        opened_database(path, upgrade=True) as database,
        failures_reported(LookupError, ValueError, DatabaseError, kept="Nothing was changed."),
    ):
        done = classify_named(database, args.incidents, changes, clear=clear, actor=current_actor())
    for item in done:
        if not item.changed:
            print(f"{item.label}: unchanged")
            continue
        from irdesk.domain.classification import describe

        lines = describe(item.after) or ["not classified; the source's values count"]
        print(f"{item.label}: " + "; ".join(lines))
    return 0
