"""A team's picture over a period, read from the file (`domain/team_picture` computes it)."""

from datetime import date

from irdesk.domain.metrics.data import MetricData
from irdesk.domain.policy import Policy
from irdesk.domain.team_picture import TeamPicture, team_picture
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import Database
from irdesk.storage.reads.packet_data import PacketDataError
from irdesk.storage.reads.person_period import period_of
from irdesk.storage.records.policies import current_policy


def team_picture_named(
    db: Database,
    name: str,
    first_day: date,
    last_day: date,
    *,
    data: MetricData | None = None,
    policy: Policy | None = None,
) -> TeamPicture:
    """The team called `name` (case-insensitive); PacketDataError when none or several are."""
    period = period_of(first_day, last_day)
    data = data if data is not None else load_metric_data(db)
    policy = policy if policy is not None else current_policy(db).policy
    wanted = name.strip().casefold()
    found = [tid for tid, t in data.teams.items() if t.name.casefold() == wanted]
    if not found:
        raise PacketDataError(f"no team named {name!r}")
    if len(found) > 1:
        raise PacketDataError(f"{len(found)} teams are named {name!r}; they cannot be told apart")
    return team_picture(data, policy, period, found[0], first_day, last_day)


def team_names(db: Database) -> list[str]:
    return sorted({t.name for t in load_metric_data(db).teams.values()}, key=str.casefold)
