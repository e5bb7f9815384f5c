"""What the demo organisation is made of: its people, services and the incidents it has.

Only words and numbers live here; `demo.py` turns them into rows.
"""

from dataclasses import dataclass

from irdesk.domain.enums import ServiceTier
from irdesk.domain.policy import Policy

# --- the organisation -------------------------------------------------------

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

# The policy's defaults as DESIGN.md describes them.
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


# --- what goes wrong ----------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One kind of incident: its story, told by every source and in the review.

    Texts are str.format templates over the incident's context (see _context).
    """

    service: str
    titles: tuple[str, ...]
    alert: str
    alert_source: str  # "datadog" or "prometheus"
    notes: tuple[str, ...]
    actions: tuple[str, ...]  # the last one is what mitigated it
    mitigation: str
    summary: str
    factors: tuple[str, str]
    went_well: str
    lucky: str
    question: str
    remediations: tuple[tuple[str, str], tuple[str, str]]  # (title, description) per factor
    kind: str = "internal"  # or "external" (third party) or "tech_debt" (approved)
    n_range: tuple[int, int] = (12, 90)


SCENARIOS = (
    Scenario(
        service="checkout-api",
        titles=(
            "Checkout latency p99 above {p99} s after deploy {deploy}",
            "Slow checkout on {region}: p99 {p99} s following release {deploy}",
        ),
        alert="checkout-api p99 latency {p99}s above 2s on {region}",
        alert_source="datadog",
        notes=(
            "p99 jumped right after {deploy} finished rolling out on {region}",
            "slow query log is full of the new cart-pricing query, it's scanning line_items",
            "{deploy} went out at {start} UTC, nothing else changed in that window",
        ),
        actions=(
            "pausing the checkout-api deploy pipeline so nothing else goes out",
            "rolling back {deploy} on {region}",
        ),
        mitigation="rollback to {prev_deploy} done on {region}, p99 back under 400 ms",
        summary=(
            "Release {deploy} added a cart-pricing query that scanned the line_items table. "
            "Checkout p99 latency rose to {p99} s on {region} until the release was rolled back "
            "to {prev_deploy}."
        ),
        factors=(
            "The cart-pricing query was only exercised against a small staging dataset, so the "
            "missing index on line_items did not show up before production.",
            "Canary analysis compares error rates only, so a latency regression of this size "
            "passed it.",
        ),
        went_well="Rollback took 4 minutes thanks to the one-click runbook.",
        lucky=(
            "The release landed outside the evening peak; at peak traffic the same query would "
            "likely have exhausted the database connection pool."
        ),
        question="Should p99 latency gate canary promotion the same way the error rate does?",
        remediations=(
            (
                "Seed staging with production-sized carts",
                "Load anonymised, production-sized cart data into staging so query plans match "
                "production.",
            ),
            (
                "Add p99 latency to the canary promotion criteria",
                "Block promotion when the canary's p99 latency is more than 50% above the "
                "baseline for 10 minutes.",
            ),
        ),
    ),
    Scenario(
        service="checkout-api",
        titles=(
            "Checkout 5xx at {pct}% after tax-regions config push",
            "Orders failing with 'unknown tax region' for EU shipping addresses",
        ),
        alert="CheckoutHighErrorRate: 5xx ratio {pct}% over 5m (threshold 1%)",
        alert_source="prometheus",
        notes=(
            "errors are all 'unknown tax region' from the tax client",
            "tax-regions.yaml was pushed at {start} UTC straight to every pod",
            "config pushes don't go through canary, only code deploys do",
        ),
        actions=(
            "reverting tax-regions.yaml to the previous revision",
            "restarting checkout-api pods on {region} so they pick up the reverted config",
        ),
        mitigation="config reverted and pods restarted, 5xx back to baseline",
        summary=(
            "A change to the tax-regions configuration renamed three region codes that the tax "
            "client still used. Orders shipping to those regions failed with 5xx errors until "
            "the configuration was reverted."
        ),
        factors=(
            "The deploy pipeline allowed a config change to skip canary analysis.",
            "The tax-regions file is validated for syntax but not against the region codes the "
            "tax client accepts.",
        ),
        went_well=(
            "Config pushes are announced in #deploys, so the on-call engineer found the change "
            "within ten minutes."
        ),
        lucky="Only orders shipping to three regions were affected; the rest of checkout kept working.",
        question="Which other configuration files can reach production without canary analysis?",
        remediations=(
            (
                "Route config pushes through canary analysis",
                "Send configuration changes through the same canary stage as code deploys, with "
                "automatic rollback on an error-rate regression.",
            ),
            (
                "Validate tax region codes in CI",
                "Add a CI check that every region code in tax-regions.yaml is accepted by the tax "
                "client's current schema.",
            ),
        ),
    ),
    Scenario(
        service="checkout-api",
        titles=(
            "Checkout requests timing out — database connection pool exhausted on {host}",
            "Checkout timeouts: connection pool saturated by the promotions batch job",
        ),
        alert="checkout-api connection pool wait above 500ms on {host}",
        alert_source="datadog",
        notes=(
            "pool is at 200/200 and most sessions are idle in transaction",
            "looks like the promotions batch job is holding connections open",
            "promo job started at {start} UTC, lines up exactly with the first timeouts",
        ),
        actions=(
            "raising the pool size to 260 for now",
            "stopping the promotions job and terminating idle-in-transaction sessions on {host}",
        ),
        mitigation="connections released, no timeouts for 10 minutes",
        summary=(
            "The promotions batch job opened transactions against the checkout database and held "
            "them idle, exhausting the shared connection pool on {host}. Checkout requests timed "
            "out until the job was stopped."
        ),
        factors=(
            "The promotions batch job shares the checkout connection pool with customer traffic.",
            "No idle-in-transaction timeout is set on the checkout database, so stuck sessions "
            "are never released.",
        ),
        went_well="The database dashboard showed the idle sessions directly, which made the diagnosis quick.",
        lucky="The job started before the daily traffic peak in Europe.",
        question="Should batch jobs use a read replica or their own pool by default?",
        remediations=(
            (
                "Give batch jobs their own connection pool",
                "Move the promotions job and other batch work to a separate, capped pool.",
            ),
            (
                "Set an idle-in-transaction timeout on the checkout database",
                "Set a 60-second idle_in_transaction_session_timeout and alert when sessions are "
                "terminated by it.",
            ),
        ),
    ),
    Scenario(
        service="checkout-api",
        titles=(
            "Mobile checkout failing — expired intermediate certificate on the API gateway",
            "TLS handshake failures for Android app checkout on {region}",
        ),
        alert="CheckoutProbeFailing: TLS handshake failure for api.{domain}/checkout/health (android profile)",
        alert_source="prometheus",
        notes=(
            "Android clients fail the handshake, web checkout is fine",
            "the intermediate in the served chain expired at {start} UTC",
            "renewal automation renewed the leaf but kept the old chain file",
        ),
        actions=("deploying the current certificate chain to the API gateway on {region}",),
        mitigation="new chain is live, Android checkout succeeding again",
        summary=(
            "The certificate renewal automation renewed the API gateway's leaf certificate but "
            "kept the old intermediate, which then expired. Android app users could not complete "
            "checkout until the current chain was deployed."
        ),
        factors=(
            "Certificate monitoring checks the expiry of the leaf certificate but not of the "
            "intermediates in the served chain.",
            "The renewal automation copies the chain file from the previous certificate instead "
            "of fetching the issuer's current chain.",
        ),
        went_well=(
            "The synthetic probe with the Android client profile caught the failure before "
            "customer reports arrived."
        ),
        lucky="iOS and web clients had a newer intermediate cached and kept working.",
        question="Which other endpoints serve a chain assembled by the same automation?",
        remediations=(
            (
                "Monitor the expiry of every certificate in served chains",
                "Extend the certificate exporter to check each certificate in the chain, not only "
                "the leaf.",
            ),
            (
                "Fetch intermediates from the issuer on renewal",
                "Change the renewal job to download the issuer's current chain instead of reusing "
                "the old file.",
            ),
        ),
    ),
    Scenario(
        service="checkout-api",
        titles=(
            "Checkout returns 500 for gift-card orders after gift-card-v2 enabled for all users",
            "Gift-card checkout broken — feature flag gift-card-v2 rolled out to 100%",
        ),
        alert="checkout-api 5xx rate {pct}% on POST /orders (gift card payments)",
        alert_source="datadog",
        notes=(
            "only orders with a gift card fail, card-only orders are fine",
            "gift-card-v2 went from 10% to 100% at {start} UTC",
            "NullPointerException in GiftCardBalanceClient when the balance service returns 204",
        ),
        actions=("turning gift-card-v2 off in the flag console",),
        mitigation="flag off, gift-card orders going through again",
        summary=(
            "The gift-card-v2 flag was raised from 10% to 100% of users. The new flow mishandled "
            "an empty response from the balance service, so gift-card orders failed until the "
            "flag was turned off."
        ),
        factors=(
            "The flag rollout went from 10% to 100% in one step, without a soak period.",
            "The balance service's empty 204 response was not covered by the new client's tests.",
        ),
        went_well="Turning the flag off restored service immediately; no deploy was needed.",
        lucky="Gift-card orders are about 4% of volume on a normal weekday.",
        question="Should large flag changes on checkout need the same approval as deploys?",
        remediations=(
            (
                "Enforce staged percentages for checkout flags",
                "Make the flag console step checkout flags through 10%, 25%, 50% and 100% with a "
                "30-minute soak at each step.",
            ),
            (
                "Contract test for the balance service's 204 response",
                "Add a contract test covering empty balance responses to the gift-card client.",
            ),
        ),
    ),
    Scenario(
        service="payments-gateway",
        titles=(
            "Payment authorisations failing — retry storm against the acquirer after timeout change",
            "Card authorisations timing out for {pct}% of attempts after client timeout lowered",
        ),
        alert="payments-gateway authorisation error rate {pct}% (threshold 2%)",
        alert_source="datadog",
        notes=(
            "acquirer latency looks normal on their status page, our timeouts are what changed",
            "the client timeout went from 10 s to 2 s in {deploy}",
            "every timeout is retried 3 times immediately, so we're tripling load on the acquirer",
        ),
        actions=(
            "lowering the retry count to 1 in runtime config while the rollback runs",
            "rolling back {deploy} on payments-gateway",
        ),
        mitigation="authorisation success rate back to 99.6%",
        summary=(
            "Release {deploy} lowered the acquirer client timeout from 10 s to 2 s. Slow "
            "authorisations timed out and were retried immediately, and the extra load slowed "
            "the acquirer further until the release was rolled back."
        ),
        factors=(
            "Retries had no backoff or jitter, so timeouts turned into a retry storm.",
            "The timeout change was reviewed as a refactor and not load-tested against the "
            "acquirer's real latency.",
        ),
        went_well="The payments runbook's 'reduce retries' switch took effect within a minute.",
        lucky="The acquirer did not rate-limit us during the storm, which would have extended the outage.",
        question="Should we agree a retry budget with each acquirer?",
        remediations=(
            (
                "Exponential backoff with jitter for acquirer retries",
                "Replace immediate retries with exponential backoff and jitter, capped by a retry "
                "budget per minute.",
            ),
            (
                "Load-test timeout changes against recorded acquirer latency",
                "Add a performance check to the payments pipeline that replays last week's "
                "acquirer latency profile.",
            ),
        ),
    ),
    Scenario(
        service="payments-gateway",
        titles=(
            "3-D Secure challenges failing for Visa cards in the EU",
            "3DS challenge page not loading — payments stuck at authentication",
        ),
        alert="payments-gateway 3ds_challenge_failures {n}/min on {region}",
        alert_source="prometheus",
        notes=(
            "all failures are on the challenge step, the frictionless flow is fine",
            "browser console says: refused to frame the issuer's ACS domain",
            "the CSP header change in {deploy} blocks the issuer's challenge iframe",
        ),
        actions=("reverting the Content-Security-Policy change on the checkout frontend",),
        mitigation="CSP reverted, challenges completing again",
        summary=(
            "A Content-Security-Policy change in release {deploy} blocked card issuers' 3-D "
            "Secure challenge frames. EU customers whose banks required a challenge could not pay "
            "until the change was reverted."
        ),
        factors=(
            "The allow-list for issuer challenge frames lives in the frontend repository, away "
            "from the payments team that owns 3-D Secure.",
            "Staging uses the acquirer's simulator, whose challenge page is served from our own "
            "domain, so the block could not show up there.",
        ),
        went_well="Payments and frontend engineers were on the same bridge within minutes of the escalation.",
        lucky="Most EU transactions that day qualified for the frictionless flow.",
        question="How do we test 3-D Secure challenges against real issuer domains before release?",
        remediations=(
            (
                "Move the 3-D Secure frame allow-list into payments-owned config",
                "Serve the frame-src entries for issuer challenges from configuration the "
                "payments team reviews.",
            ),
            (
                "Synthetic 3-D Secure challenge check in production",
                "Run a scheduled test payment with a challenge-required test card against the "
                "live acquirer.",
            ),
        ),
        n_range=(30, 400),
    ),
    Scenario(
        service="payments-gateway",
        titles=(
            "Payment webhooks delayed up to {n} minutes — queue consumer stuck",
            "Orders stuck at 'payment pending' — acquirer webhook backlog",
        ),
        alert="PaymentsWebhookQueueDepth: depth above 5000 for 10m",
        alert_source="prometheus",
        notes=(
            "queue depth keeps climbing, consumers are up but processing nothing",
            "one message keeps failing deserialisation and blocks the partition",
            "it's a refund webhook with a null amount field from the acquirer",
        ),
        actions=(
            "scaling consumers to 12 so the backlog drains faster once it moves",
            "moving the failing message to the dead-letter queue",
        ),
        mitigation="backlog draining, confirmation delay under 2 minutes",
        summary=(
            "A malformed refund webhook from the acquirer failed deserialisation and was retried "
            "forever at the head of its partition. Payment confirmations queued behind it, "
            "leaving orders in 'payment pending' for up to {n} minutes."
        ),
        factors=(
            "Consumers retried a failing message indefinitely instead of moving it to the "
            "dead-letter queue.",
            "Queue-depth alerting fires only after ten minutes above the threshold.",
        ),
        went_well="The dead-letter tooling made it a one-command fix once the message was found.",
        lucky="No payments were lost; confirmations were only delayed.",
        question="Should the acquirer's webhook schema be validated at the edge?",
        remediations=(
            (
                "Dead-letter webhooks after five failed attempts",
                "Configure the webhook consumer to move a message to the dead-letter queue after "
                "five failures and alert on it.",
            ),
            (
                "Alert on consumer lag, not only queue depth",
                "Add an alert on the age of the oldest unprocessed webhook.",
            ),
        ),
        n_range=(15, 75),
    ),
    Scenario(
        service="payments-gateway",
        titles=(
            "Saved cards failing — tokenisation cannot decrypt after scheduled key rotation",
            "Card tokenisation errors on {host} after key rotation",
        ),
        alert="tokenisation-service decrypt errors {n}/s on {host}",
        alert_source="datadog",
        notes=(
            "only saved cards fail, newly entered cards work",
            "the rotation job promoted the new key before every node had loaded it",
            "{host} is still on the old key version according to the KMS audit log",
        ),
        actions=(
            "forcing a key refresh on all tokenisation nodes",
            "pinning the previous key version as primary again",
        ),
        mitigation="decrypts succeeding on every node",
        summary=(
            "The scheduled key rotation promoted a new encryption key before every tokenisation "
            "node had loaded it. Customers paying with saved cards saw errors until the previous "
            "key version was pinned again."
        ),
        factors=(
            "The rotation job promotes the new key on a timer, without checking that every node "
            "has loaded it.",
            "The key refresh interval on the tokenisation nodes is longer than the rotation job "
            "assumes.",
        ),
        went_well="The KMS audit log showed exactly which node was behind.",
        lucky="Rotation ran on a weekday morning, when saved-card volume is low.",
        question="Can key rotation become a two-phase change: distribute first, then promote?",
        remediations=(
            (
                "Two-phase key rotation",
                "Split rotation into distribute and promote, and promote only when every node "
                "reports the new key version.",
            ),
            (
                "Align key refresh with the rotation schedule",
                "Shorten the node refresh interval to 5 minutes and make the rotation job read it "
                "from the same config.",
            ),
        ),
        n_range=(20, 300),
    ),
    Scenario(
        service="search",
        titles=(
            "Search returning no results for {pct}% of queries — alias switched to a partial index",
            "Empty search results after the nightly reindex",
        ),
        alert="search zero-result rate {pct}% (baseline 3%)",
        alert_source="datadog",
        notes=(
            "zero-result rate spiked at {start} UTC, right when the nightly reindex finished",
            "the new index only has about 40% of the documents",
            "the reindex job switches the alias even when the bulk load reported failures",
        ),
        actions=("pointing the products alias back at yesterday's index",),
        mitigation="alias switched back, zero-result rate at baseline",
        summary=(
            "The nightly reindex loaded only part of the catalogue after bulk requests were "
            "rejected, then switched the products alias to the incomplete index anyway. Many "
            "searches returned nothing until the alias was pointed back at the previous index."
        ),
        factors=(
            "The reindex job switches the alias without checking the new index's document count.",
            "Bulk-load rejections are logged as warnings and do not fail the job.",
        ),
        went_well="Keeping yesterday's index around made the fix a single alias change.",
        lucky="The reindex finished at night in Europe, our largest market.",
        question="What is the smallest document count we would accept for a new index?",
        remediations=(
            (
                "Check the document count before switching the alias",
                "Refuse the alias switch when the new index holds less than 98% of the previous "
                "one's documents.",
            ),
            (
                "Fail the reindex job on bulk rejections",
                "Treat any rejected bulk request as a job failure and page the owning rotation.",
            ),
        ),
    ),
    Scenario(
        service="search",
        titles=(
            "Search p99 latency above {p99} s — hot shard on {host}",
            "Slow search and autocomplete: one shard overloaded on {host}",
        ),
        alert="ElasticsearchSearchLatencyHigh: p99 {p99}s on {host}",
        alert_source="prometheus",
        notes=(
            "one node at 95% CPU, the rest are nearly idle",
            "shard 3 holds the whole 'sale' category since the routing change",
            "the marketing campaign went live at {start} UTC and every query hits that category",
        ),
        actions=(
            "adding a replica for the products index so shard 3 load gets spread",
            "moving the shard 3 replica off {host}",
        ),
        mitigation="load spread across the nodes, p99 back to 300 ms",
        summary=(
            "A custom routing change had placed the whole 'sale' category on one shard. When a "
            "marketing campaign sent most queries to that category, the node holding it on "
            "{host} saturated and search p99 reached {p99} s."
        ),
        factors=(
            "Custom routing by category concentrated the busiest documents on one shard.",
            "Marketing campaigns are not shared with the search team ahead of launch.",
        ),
        went_well="Per-node CPU graphs pointed at the hot node within minutes.",
        lucky="The campaign email went out in two batches, so traffic ramped up slowly.",
        question="Do we still need custom routing for the products index?",
        remediations=(
            (
                "Remove category routing from the products index",
                "Reindex without custom routing and compare latency in a load test.",
            ),
            (
                "Share the campaign calendar with the search team",
                "Add the search rotation to the campaign launch checklist.",
            ),
        ),
    ),
    Scenario(
        service="search",
        titles=(
            "Search cluster yellow — {n} replicas unassigned after node replacement",
            "Degraded search: cluster yellow after replacing {host}",
        ),
        alert="ElasticsearchClusterYellow: {n} unassigned shards",
        alert_source="prometheus",
        notes=(
            "the replacement node came up with a different zone attribute",
            "allocation awareness won't place replicas on it",
            "we're serving from primaries only, one more node loss and we're red",
        ),
        actions=("setting the correct zone attribute on the new node and restarting it",),
        mitigation="all replicas assigned, cluster green",
        summary=(
            "A replacement search node started with the wrong availability-zone attribute, so "
            "shard allocation awareness refused to place replicas on it. The cluster served from "
            "primaries only, with slower queries, until the attribute was fixed."
        ),
        factors=(
            "The node image takes the zone attribute from a template that was not updated for "
            "the new instance type.",
            "The replacement runbook has no step to confirm that replicas were reassigned.",
        ),
        went_well="The yellow-cluster alert fired within two minutes of the node joining.",
        lucky="No other node failed while the cluster ran without replicas.",
        question="Should node replacement be blocked until the cluster is green again?",
        remediations=(
            (
                "Derive the zone attribute from instance metadata",
                "Read the availability zone from instance metadata at boot instead of the template.",
            ),
            (
                "Add a 'cluster green' check to the node replacement runbook",
                "End the runbook with a check that all replicas are assigned.",
            ),
        ),
        n_range=(4, 36),
    ),
    Scenario(
        service="payments-gateway",
        titles=(
            "Refunds failing with 422 for zero-decimal currencies after deploy {deploy}",
            "JPY and KRW refunds rejected by the acquirer — amount sent in the wrong unit",
        ),
        alert="payments-gateway refund failures {n}/h (threshold 5/h)",
        alert_source="datadog",
        notes=(
            "all failing refunds are in JPY or KRW, everything else goes through",
            "we're sending 1500 JPY as 150000, the acquirer rejects it as above the capture",
            "{deploy} moved amount formatting into the shared money library",
        ),
        actions=("rolling back {deploy} on payments-gateway",),
        mitigation="rollback done, queued refunds retried and accepted",
        summary=(
            "Release {deploy} moved refund amount formatting into the shared money library, which "
            "multiplied amounts in zero-decimal currencies by 100. The acquirer rejected those "
            "refunds until the release was rolled back and the queued refunds were retried."
        ),
        factors=(
            "The shared money library assumes two decimal places unless told otherwise.",
            "Refund tests cover EUR, GBP and USD only.",
        ),
        went_well="Failed refunds were queued, not dropped, so every customer got their refund.",
        lucky="The acquirer rejected the inflated amounts instead of paying them out.",
        question="Where else do we format amounts without the currency's exponent?",
        remediations=(
            (
                "Make the currency exponent mandatory in the money library",
                "Remove the two-decimal default so every caller passes the ISO 4217 exponent.",
            ),
            (
                "Refund tests for zero- and three-decimal currencies",
                "Add JPY, KRW and BHD cases to the refund contract tests.",
            ),
        ),
        n_range=(12, 140),
    ),
    Scenario(
        service="search",
        titles=(
            "Autocomplete timing out after synonyms update on {host}",
            "Search suggestions slow for {pct}% of requests — synonym reload blocking queries",
        ),
        alert="search autocomplete p99 {p99}s (SLO 0.3s)",
        alert_source="datadog",
        notes=(
            "autocomplete p99 went up the moment the new synonyms file was published",
            "the analyzer reload is blocking search threads on {host}",
            "the new file has 40,000 entries, the old one had 3,000",
        ),
        actions=("restoring the previous synonyms file and reloading the analyzers",),
        mitigation="old synonyms back, autocomplete p99 at 120 ms",
        summary=(
            "A merchandising update grew the search synonyms file more than tenfold. Reloading "
            "the analyzers blocked query threads, and autocomplete timed out until the previous "
            "file was restored."
        ),
        factors=(
            "Synonym files are published straight to production by the merchandising tool.",
            "Nothing limits the size of the synonyms file or tests the reload time.",
        ),
        went_well="Merchandising joined the channel quickly and confirmed which change they had made.",
        lucky="Full search kept working; only suggestions were slow.",
        question="Should synonyms live in a separate index that can be swapped instead of reloaded?",
        remediations=(
            (
                "Stage synonym updates before production",
                "Publish synonym files to the staging cluster first and promote them after a "
                "reload-time check.",
            ),
            (
                "Size limit for the synonyms file",
                "Reject synonym files above 10,000 entries in the merchandising tool.",
            ),
        ),
    ),
    Scenario(
        service="notifications",
        titles=(
            "Order confirmation emails sent with blank order numbers",
            "Blank order number in confirmation emails after template variable rename",
        ),
        alert="notifications template render warnings {n}/min (missing variable order_number)",
        alert_source="prometheus",
        notes=(
            "emails go out, but the order number line is empty",
            "the order service renamed order_number to order_reference in its event",
            "the template renders missing variables as empty strings instead of failing",
        ),
        actions=("mapping order_reference back to order_number in the notification consumer",),
        mitigation="new confirmations show the order number again",
        summary=(
            "The order service renamed a field in its order-created event. The confirmation "
            "template silently rendered the missing field as empty, so customers received "
            "confirmations without an order number until the consumer mapped the new name."
        ),
        factors=(
            "The order-created event has no schema contract with its consumers.",
            "The template engine renders missing variables as empty strings.",
        ),
        went_well="Support spotted it from the first customer question and raised it within minutes.",
        lucky="Order numbers were still shown in the customer account page.",
        question="Should templates fail to render when a variable is missing?",
        remediations=(
            (
                "Schema contract for the order-created event",
                "Register the event schema and run consumer contract tests in the order "
                "service's pipeline.",
            ),
            (
                "Strict mode for notification templates",
                "Make a missing template variable an error that stops the send and alerts.",
            ),
        ),
        n_range=(40, 600),
    ),
    Scenario(
        service="search",
        kind="tech_debt",
        titles=(
            "Autocomplete showing removed products — legacy catalogue sync stalled",
            "Stale search results: catalogue sync lag above {n} minutes",
        ),
        alert="catalog-sync lag {n} minutes (threshold 30)",
        alert_source="datadog",
        notes=(
            "the legacy sync worker is stuck on a lock again",
            "same failure mode as last month, it's the known issue with the old sync",
            "the replacement pipeline is scheduled for next quarter",
        ),
        actions=("restarting the catalogue sync worker and replaying from the last checkpoint",),
        mitigation="sync caught up, removed products gone from autocomplete",
        summary=(
            "The legacy catalogue sync stalled on a database lock, so search kept serving "
            "products that had been removed. This is a known limitation of the old sync; its "
            "replacement is planned and the risk was accepted as tech debt."
        ),
        factors=(
            "The legacy catalogue sync takes a table lock that the pricing batch also needs.",
            "Sync lag is only visible on a dashboard nobody watches overnight.",
        ),
        went_well="The restart-and-replay runbook step worked as written.",
        lucky="No removed product was ordered while the results were stale.",
        question="Is the tech-debt acceptance for the legacy sync still right given how often it stalls?",
        remediations=(
            (
                "Review the tech-debt acceptance for the legacy catalogue sync",
                "Bring the stall count to the next architecture review and confirm the "
                "replacement date.",
            ),
            (
                "Page on catalogue sync lag above 60 minutes",
                "Turn the lag dashboard into an alert for the discovery rotation.",
            ),
        ),
        n_range=(45, 240),
    ),
    Scenario(
        service="notifications",
        titles=(
            "Order confirmation emails delayed up to {n} minutes — send queue backlog",
            "Email send queue backlog: confirmations arriving late",
        ),
        alert="notifications email_queue_age_seconds above 900",
        alert_source="prometheus",
        notes=(
            "queue age is climbing steadily, workers are healthy",
            "the newsletter batch went into the same queue as transactional mail at {start} UTC",
            "transactional and marketing mail share one priority",
        ),
        actions=(
            "pausing the newsletter batch",
            "moving transactional sends to the priority queue",
        ),
        mitigation="confirmations sending within a minute again",
        summary=(
            "A large newsletter batch was queued on the same queue and priority as transactional "
            "email. Order confirmations waited behind it for up to {n} minutes until the batch "
            "was paused."
        ),
        factors=(
            "Marketing and transactional email share one queue and priority.",
            "The newsletter tool has no rate limit of its own.",
        ),
        went_well="The queue-age alert fired before customers started contacting support.",
        lucky="The batch was scheduled on a weekday morning, outside the weekend order peak.",
        question="Should marketing email run on separate infrastructure altogether?",
        remediations=(
            (
                "Separate queues for transactional and marketing email",
                "Give transactional email its own queue with reserved workers.",
            ),
            (
                "Rate-limit newsletter batches",
                "Cap newsletter sends at 2,000 per minute in the newsletter tool.",
            ),
        ),
        n_range=(20, 140),
    ),
    Scenario(
        service="notifications",
        titles=(
            "iOS push notifications not delivered — APNs authentication key revoked",
            "No push notifications on iOS since {start} UTC",
        ),
        alert="push delivery success ratio for apns below 50%",
        alert_source="datadog",
        notes=(
            "APNs answers 403 InvalidProviderToken for every request",
            "the signing key was revoked in the developer account during a clean-up",
            "Android delivery is fine",
        ),
        actions=("creating a new APNs key and rolling it out to the push workers",),
        mitigation="iOS pushes delivering again",
        summary=(
            "The APNs signing key used by the push workers was revoked during a clean-up of the "
            "Apple developer account. iOS users received no push notifications until a new key "
            "was created and deployed."
        ),
        factors=(
            "Nobody could tell from the developer account which keys were in use.",
            "The push workers treat 403 responses as per-device failures, so nothing failed loudly.",
        ),
        went_well="The delivery-ratio monitor split by platform, so the cause was narrowed down immediately.",
        lucky="Order emails still went out, so customers had their confirmations.",
        question="Who owns the Apple developer account's keys?",
        remediations=(
            (
                "Inventory of signing keys with owners",
                "Record every key in the developer account with its owner and the services "
                "using it.",
            ),
            (
                "Alert on provider-level APNs errors",
                "Count InvalidProviderToken responses separately and page on any.",
            ),
        ),
    ),
    Scenario(
        service="notifications",
        titles=(
            "Duplicate shipping SMS sent to {n} customers after consumer redelivery",
            "Customers receiving the same shipping SMS several times",
        ),
        alert="sms_sent_per_order above 2 for 5m",
        alert_source="prometheus",
        notes=(
            "customers are getting the same SMS three or four times",
            "the consumer rebalanced and redelivered messages that had already been sent",
            "the SMS sender has no idempotency key",
        ),
        actions=("pausing the SMS consumer and deduplicating the pending messages",),
        mitigation="consumer running with deduplication, no more duplicates",
        summary=(
            "A consumer group rebalance redelivered shipping notifications that had already been "
            "sent, and the SMS sender had no idempotency check. About {n} customers received "
            "duplicate messages."
        ),
        factors=(
            "The SMS sender is not idempotent, so redelivered messages are sent again.",
            "Offsets are committed only every 30 seconds, which widens the redelivery window.",
        ),
        went_well="Support had a ready answer within 20 minutes thanks to the customer-contact template.",
        lucky="The duplicates were shipping updates, not payment messages.",
        question="Which other senders assume exactly-once delivery?",
        remediations=(
            (
                "Idempotency key for outgoing SMS",
                "Store a send key per message and skip messages already sent.",
            ),
            (
                "Commit consumer offsets after each batch",
                "Commit offsets after every processed batch instead of on a 30-second timer.",
            ),
        ),
        n_range=(150, 2400),
    ),
    Scenario(
        service="notifications",
        kind="tech_debt",
        titles=(
            "Notification workers OOM-killed in a loop after template change — legacy renderer",
            "Notification workers crash-looping on the legacy template renderer",
        ),
        alert="notif-worker restarts above 10 in 15m on {host}",
        alert_source="prometheus",
        notes=(
            "workers are OOM-killed a few seconds after start",
            "the new order template embeds the full product image list and the legacy renderer loads it all",
            "we accepted this renderer as tech debt in the spring, migration is planned",
        ),
        actions=("reverting the order template to the previous version",),
        mitigation="workers stable, queue draining",
        summary=(
            "A new order email template made the legacy renderer load every product image into "
            "memory, and the workers were killed for running out of memory. The renderer is "
            "known, approved tech debt with a planned replacement."
        ),
        factors=(
            "The legacy renderer loads every referenced asset into memory.",
            "Template changes are not rendered against large orders before release.",
        ),
        went_well="Reverting a template needs no deploy, so recovery was quick.",
        lucky="The change went out on a quiet Sunday evening.",
        question="Should template changes be blocked until the renderer is replaced?",
        remediations=(
            (
                "Render new templates against the largest recent orders",
                "Add a pre-release check that renders templates for the 50 largest orders.",
            ),
            (
                "Confirm the legacy renderer replacement date",
                "Bring the renderer replacement back to planning with this incident attached.",
            ),
        ),
    ),
    Scenario(
        service="payments-gateway",
        kind="external",
        titles=("Card payments declined for EU issuers — upstream acquirer outage",),
        alert="payments-gateway decline rate {pct}% for EU issuers (baseline 4%)",
        alert_source="datadog",
        notes=(
            "seeing 502s from the acquirer again",
            "the acquirer's status page now confirms an outage in their EU processing",
            "our side looks healthy, every failure is an upstream 502",
        ),
        actions=("failing EU traffic over to the secondary acquirer",),
        mitigation="EU payments flowing through the secondary acquirer, approval rate normal",
        summary=(
            "Our primary acquirer had an outage in its EU processing platform and answered "
            "authorisations with 502 errors. Card payments from EU issuers were declined until "
            "traffic was failed over to the secondary acquirer."
        ),
        factors=(
            "Failover to the secondary acquirer is manual and needs a payments engineer.",
            "The acquirer's status page confirmed the outage 20 minutes after our alert fired.",
        ),
        went_well="The failover runbook worked first time; it had been rehearsed at the last game day.",
        lucky="The secondary acquirer had enough capacity for the full EU volume.",
        question="Should failover to the secondary acquirer be automatic above a decline threshold?",
        remediations=(
            (
                "Automate acquirer failover above a decline threshold",
                "Fail over automatically when upstream 5xx exceed 20% for 3 minutes, with a "
                "manual switch back.",
            ),
            (
                "Subscribe the payments rotation to the acquirer's status updates",
                "Route the acquirer's status notifications into #payments-oncall.",
            ),
        ),
    ),
    Scenario(
        service="checkout-api",
        kind="external",
        titles=("Elevated checkout errors on {region} — cloud provider networking degradation",),
        alert="checkout-api 5xx rate {pct}% on {region}",
        alert_source="datadog",
        notes=(
            "packet loss between availability zones on {region}, nothing changed on our side",
            "the provider's health dashboard lists increased network errors on {region}",
            "other regions are healthy",
        ),
        actions=("shifting checkout traffic away from {region} at the load balancer",),
        mitigation="traffic served from the other regions, error rate normal",
        summary=(
            "Our cloud provider had a networking degradation in {region} with packet loss "
            "between availability zones. Checkout requests served from that region failed "
            "until traffic was shifted to the other regions."
        ),
        factors=(
            "Shifting traffic between regions is a manual step in the load balancer console.",
            "Cross-zone calls within one request multiply the effect of packet loss.",
        ),
        went_well="The regional error breakdown on the checkout dashboard pointed at {region} at once.",
        lucky="The other regions had headroom for the extra traffic.",
        question="Can we keep a request's calls within one availability zone?",
        remediations=(
            (
                "Script the regional traffic shift",
                "Add a one-command traffic shift to the checkout runbook, tested in the next "
                "game day.",
            ),
            (
                "Prefer same-zone calls for checkout dependencies",
                "Enable zone-aware routing for the checkout service mesh.",
            ),
        ),
    ),
    Scenario(
        service="checkout-api",
        kind="external",
        titles=("API hostnames failing to resolve for some ISPs — DNS provider outage",),
        alert="CheckoutProbeFailing: DNS resolution failure for api.{domain} from 3 of 6 probe locations",
        alert_source="prometheus",
        notes=(
            "SERVFAIL for api.{domain} from some resolvers, others are fine",
            "our DNS provider has posted an incident for their anycast network",
            "we have no secondary DNS provider configured",
        ),
        actions=("lowering TTLs and adding the secondary provider's nameservers at the registrar",),
        mitigation="resolution succeeding from all probe locations",
        summary=(
            "Our DNS provider had an outage in part of its anycast network, so some ISPs' "
            "resolvers could not resolve our API hostnames. Customers behind those resolvers "
            "could not reach checkout until the provider recovered and a secondary provider was "
            "added."
        ),
        factors=(
            "We depend on a single DNS provider for every customer-facing hostname.",
            "Probe coverage showed the failure, but there was no runbook for DNS provider outages.",
        ),
        went_well="Probes from several locations showed within minutes that only some resolvers failed.",
        lucky="The outage hit outside the main shopping hours of our largest markets.",
        question="What would a full DNS provider outage cost us today?",
        remediations=(
            (
                "Secondary DNS provider for customer-facing zones",
                "Set up zone transfers to a second provider and list both at the registrar.",
            ),
            (
                "Runbook for DNS provider outages",
                "Write and rehearse the steps to check, communicate and fail over during a DNS "
                "outage.",
            ),
        ),
    ),
    Scenario(
        service="notifications",
        kind="external",
        titles=("Order emails delayed — email delivery provider throttling outbound mail",),
        alert="notifications email provider 429 responses {n}/min",
        alert_source="datadog",
        notes=(
            "the provider answers 429 to most sends, our volume is normal",
            "their status page reports degraded sending across all customers",
            "emails are queued and retried, nothing is lost so far",
        ),
        actions=("switching transactional sends to the backup email provider",),
        mitigation="confirmations going out through the backup provider",
        summary=(
            "Our email delivery provider throttled outbound mail for all its customers during an "
            "incident on its side. Order confirmations were delayed until transactional email "
            "was switched to the backup provider."
        ),
        factors=(
            "Switching to the backup email provider is manual and needs a deploy.",
            "The backup provider's sending domain was not warmed up, so some mail went to spam.",
        ),
        went_well="Retries with backoff meant no email was lost.",
        lucky="The backup provider's credentials were still valid.",
        question="Should transactional email be split across two providers all the time?",
        remediations=(
            (
                "Runtime switch between email providers",
                "Make the email provider a runtime setting so a switch needs no deploy.",
            ),
            (
                "Keep the backup sending domain warm",
                "Send a small share of transactional mail through the backup provider every day.",
            ),
        ),
        n_range=(200, 3000),
    ),
    Scenario(
        service="search",
        kind="external",
        titles=("Search pages failing to load on {region} — CDN provider edge errors",),
        alert="search frontend 5xx at the edge {pct}% on {region}",
        alert_source="datadog",
        notes=(
            "origin is healthy, the errors come from the CDN edge",
            "the CDN provider confirms an incident at several edge locations",
            "requests that bypass the CDN work fine",
        ),
        actions=("routing search traffic on {region} to the origin directly",),
        mitigation="search pages loading through the origin, errors gone",
        summary=(
            "Our CDN provider had errors at several edge locations serving {region}. Search pages "
            "failed to load for customers routed through them until search traffic was sent to "
            "the origin directly."
        ),
        factors=(
            "Search has no fallback path around the CDN besides a manual DNS change.",
            "Edge errors are not separated from origin errors in the default dashboard.",
        ),
        went_well="The origin had enough capacity to serve uncached traffic for an hour.",
        lucky="Checkout does not depend on the same CDN configuration.",
        question="Is a second CDN worth it for search?",
        remediations=(
            (
                "Pre-approved origin bypass for search",
                "Prepare a tested DNS record set that routes search to the origin on demand.",
            ),
            (
                "Split edge and origin errors on the search dashboard",
                "Add separate panels for CDN edge errors and origin errors.",
            ),
        ),
    ),
)

# Chat that fits any incident: while responding, and while watching the fix hold.
RESPOND_NOTES = (
    "looking, pulling up the {service} dashboards",
    "joined the bridge",
    "anyone else seeing this on {region}?",
    "support reports {tickets} tickets about this so far",
    "impact starts around {start} UTC on the graphs",
    "checked the runbook, the first two steps didn't change anything",
    "{other}, can you take comms while I dig in?",
    "I'll keep notes in this thread so the timeline is easy to rebuild",
    "holding off on restarts until we've captured a thread dump",
    "upstream dependencies look normal",
    "error budget burn alert fired too, expect more pages",
    "adding {other}, they know this code path best",
    "logs are noisy but the pattern is clear now",
    "can someone reproduce it from a real customer account?",
    "drafting the status update, will post in 5",
    "going through the last 24h of changes to {service}",
)
MONITOR_NOTES = (
    "error rate back to baseline, watching for another 15 minutes",
    "latency and error graphs look normal again",
    "support confirms new tickets have stopped",
    "keeping the incident open until the next traffic peak has passed",
    "I'll write up the timeline while it's fresh",
    "closing the bridge, thanks everyone",
)

RECOGNITION_NOTES = (
    "Took incident command on {ext} within minutes of the page, handed comms to {other} and "
    "posted a summary in the channel every 15 minutes. The review timeline was easy to rebuild "
    "because of it.",
    "On {ext}, found the cause by reading the change log for {service} instead of restarting "
    "pods; that kept the outage short and the evidence intact.",
    "Stayed on the {ext} bridge past the end of the shift to hand over properly to {other}, with "
    "a written status and the open questions.",
    "Wrote the customer-facing updates for {ext}: accurate, free of jargon and on the promised "
    "cadence. Support quoted them directly.",
    "Pulled {other} into {ext} early instead of debugging alone; asking for help quickly is "
    "exactly what we want on {rotation}.",
    "Prepared the timeline for the {ext} review before the meeting, with links to every graph. "
    "The review finished in 40 minutes.",
)
GROWTH_NOTES = (
    "On {ext}, the page was acknowledged after {tta} minutes. Let's look together at phone "
    "notification settings for nights on call.",
    "On {ext}, kept debugging alone for about 25 minutes before escalating. Agreed to practise "
    "the 'escalate after two runbook steps' rule at the next game day.",
    "Status updates on {ext} went quiet for 40 minutes while the fix was in progress. Next time, "
    "hand comms to someone else as soon as hands-on work starts.",
    "Proposed a fix on {ext} without saying how to roll it back; let's pair on writing rollback "
    "steps into change descriptions.",
    "The notes in the {ext} channel were hard to follow afterwards. Try the incident note "
    "template: time, observation, action, result.",
)
PROCEDURAL_NOTES: tuple[tuple[str, bool | None], ...] = (
    (
        "Skipped the runbook's 'second pair of eyes' step on {ext} to restore {component} "
        "faster. Justified: the second engineer was still joining, the change was easy to "
        "reverse, and the deviation was announced in the channel before acting.",
        True,
    ),
    (
        "Restarted {host} during {ext} without announcing it in the incident channel, contrary "
        "to the runbook's 'announce before acting' step. The restart was not needed for "
        "mitigation and made the dashboards harder to read for a while.",
        False,
    ),
    (
        "Followed the {service} runbook on {ext} step by step, including the pre-checks, and "
        "logged each step in the channel.",
        None,
    ),
    (
        "Paged a second team directly on {ext} instead of going through the escalation policy, "
        "because the policy still pointed at last quarter's rotation. Justified; the stale "
        "policy is now an action item.",
        True,
    ),
    (
        "Changed production config by hand on {ext} rather than through the pipeline the "
        "runbook asks for. The pipeline was available, so the deviation was not needed; we "
        "talked about why the pipeline matters for the audit trail.",
        False,
    ),
)
