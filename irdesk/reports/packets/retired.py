"""Which of a period packet's sections a policy version still shows.

A version that retires a figure hides it from every packet made under it; periods
under versions where it was live still show it, so the section list is the
profile's, less the sections whose every figure this version retired.
"""

from dataclasses import replace

from irdesk.domain.policy import Policy
from irdesk.reports.packets.profiles import Profile

# A period section → the figures (policy.FIGURES) it shows.
SECTION_FIGURES: dict[str, tuple[str, ...]] = {
    "SLO adherence": ("slo",),
    "Cost": ("cost",),
    "On-call load": ("rotations",),
    "Postmortem compliance": ("compliance",),
}


def live_sections(profile: Profile, policy: Policy) -> Profile:
    """`profile` without the sections whose figures `policy` retired, and without the
    controls section when the version maps nothing to a control."""
    sections = tuple(
        name
        for name in profile.sections
        if any(policy.shows(f) for f in SECTION_FIGURES.get(name, (name,)))
        and (name != "Controls" or policy.controls)
    )
    return profile if sections == profile.sections else replace(profile, sections=sections)


def retired_note(policy: Policy) -> str:
    """One line naming what the version retired and why, or ""."""
    return "; ".join(
        f"{figure.replace('_', ' ')} ({reason})"
        for figure, reason in sorted(policy.retired_figures.items())
    )
