"""Who manages whom, as the directory tells it: a rule on the roles the exports carry.

A person's manager is someone on one of their teams whose role says they manage it:
their job title (`Person.role`, "Engineering Manager", "Head of Reliability") or their
role in the team (`TeamMember.role`: Opsgenie's "admin", PagerDuty's "manager").
"""

# Team roles that make someone the team's manager, as the tools name them.
MANAGING_TEAM_ROLES = frozenset({"admin", "manager", "owner", "lead", "team lead"})
# Words in a job title that make its holder a manager of their team.
MANAGING_TITLE_WORDS = ("manager", "head of", "team lead", "director")


def is_managing_role(role: str | None) -> bool:
    """True for a team role or a job title of someone who manages their team."""
    if not role:
        return False
    text = " ".join(role.casefold().split())
    return text in MANAGING_TEAM_ROLES or any(word in text for word in MANAGING_TITLE_WORDS)
