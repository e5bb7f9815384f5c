"""What goes wrong with checkout-api: our own changes, found and fixed by the Checkout team."""

from irdesk.demo.scenarios.scenario import Scenario

CART_PRICING_QUERY = Scenario(
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
)
TAX_REGIONS_CONFIG = Scenario(
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
)
CONNECTION_POOL_EXHAUSTED = Scenario(
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
)
EXPIRED_INTERMEDIATE_CERTIFICATE = Scenario(
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
)
GIFT_CARD_V2_ROLLOUT = Scenario(
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
)
