"""Who the demo organisation is: its teams, people, services and policy history.

Only words and numbers live here; the generator turns them into rows.
"""

from dataclasses import dataclass

from irdesk.domain.enums import ServiceTier
from irdesk.domain.policy import Policy

# name, on-call rotation, issue tracker project
TEAMS = (
    ("Checkout", "checkout-primary", "CHK"),
    ("Payments", "payments-primary", "PAY"),
    ("Discovery & Messaging", "discovery-primary", "DSC"),
)

# name, name used in chat, email local part (also the Slack handle), team, role, zone, rate
# fmt: off
PEOPLE = (
    ("Priya Raghunathan", "Priya", "priya.raghunathan", "Checkout", "Engineering Manager", "Europe/London", 112.0),
    ("Zoë Ñúñez", "Zoë", "zoe.nunez", "Checkout", "Senior Software Engineer", "Europe/Madrid", 96.0),
    ("Emre Ağaoğlu", "Emre", "emre.agaoglu", "Checkout", "Site Reliability Engineer", "Europe/Istanbul", 81.0),
    ("Hannah Okafor", "Hannah", "hannah.okafor", "Checkout", "Software Engineer", "America/New_York", 92.0),
    ("Kwame Mensah", "Kwame", "kwame.mensah", "Payments", "Engineering Manager", "Africa/Accra", 104.0),
    ("Ελένη Παπαδοπούλου", "Ελένη", "eleni.papadopoulou", "Payments", "Staff Engineer", "Europe/Athens", 101.0),
    ("王伟", "王伟", "wei.wang", "Payments", "Senior Software Engineer", "Asia/Shanghai", 74.0),
    ("Aiko Tanaka", "Aiko", "aiko.tanaka", "Payments", "Site Reliability Engineer", "Asia/Tokyo", 88.0),
    ("Liam O'Connor", "Liam", "liam.oconnor", "Discovery & Messaging", "Engineering Manager", "Europe/Dublin", 106.0),
    ("Søren Kjærgaard", "Søren", "soren.kjaergaard", "Discovery & Messaging", "Staff Engineer", "Europe/Copenhagen", 103.0),
    ("Marta Wiśniewska", "Marta", "marta.wisniewska", "Discovery & Messaging", "Software Engineer", "Europe/Warsaw", 72.0),
    ("Diego Fernández", "Diego", "diego.fernandez", "Discovery & Messaging", "Site Reliability Engineer", "America/Mexico_City", 79.0),
    ("Fatima Al-Sayed", "Fatima", "fatima.alsayed", None, "Head of Reliability", "America/Toronto", 128.0),
)
# fmt: on

MANAGER_ROLE = "Engineering Manager"
# RFC 2606 reserves .example: the demo's addresses can never reach a real mailbox.
DOMAIN = "larkspur.example"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    description: str
    tier: ServiceTier
    slo: float
    cost_per_minute: float
    team: str
    component: str  # what the status page calls it
    problem: str  # "We are seeing …"
    cannot: str  # "Some customers may be unable to …"
    host_prefix: str


SERVICES = (
    ServiceSpec(
        "checkout-api",
        "Cart, pricing and order placement for web and the mobile apps",
        ServiceTier.TIER1,
        99.95,
        420.0,
        "Checkout",
        "Checkout",
        "elevated errors on checkout",
        "complete checkout",
        "pg-checkout-0",
    ),
    ServiceSpec(
        "payments-gateway",
        "Card authorisation, 3-D Secure, saved cards and refunds through two acquirers",
        ServiceTier.TIER1,
        99.95,
        610.0,
        "Payments",
        "Card payments",
        "elevated failures for card payments",
        "pay by card",
        "pay-db-0",
    ),
    ServiceSpec(
        "search",
        "Product search and autocomplete on an Elasticsearch cluster",
        ServiceTier.TIER2,
        99.9,
        85.0,
        "Discovery & Messaging",
        "Product search",
        "degraded product search",
        "find products",
        "es-search-0",
    ),
    ServiceSpec(
        "notifications",
        "Order confirmation emails, shipping SMS and push notifications",
        ServiceTier.TIER3,
        99.5,
        12.0,
        "Discovery & Messaging",
        "Order notifications",
        "delays in order emails and notifications",
        "receive order updates on time",
        "notif-worker-0",
    ),
)
REGIONS = ("eu-west-1", "eu-central-1", "us-east-1", "ap-southeast-2")

# The demo's policy history: thresholds only at first, then trends as well, with a
# stricter acknowledgement target for SEV1.
DEFAULT_POLICY_SETTINGS: dict[str, object] = Policy(
    evaluation="threshold",
    thresholds_minutes={
        **Policy().thresholds_minutes,
        "time_to_acknowledge": {"SEV1": 10, "SEV2": 15, "SEV3": 30, "SEV4": 60, "SEV5": 120},
    },
).to_dict()
REVISED_POLICY_SETTINGS: dict[str, object] = Policy(evaluation="both").to_dict()
