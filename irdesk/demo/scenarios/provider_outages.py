"""Outages of the organisation's providers: the incidents caused by a third party."""

from irdesk.demo.scenarios.scenario import Scenario

ACQUIRER_OUTAGE = Scenario(
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
)
CLOUD_NETWORKING_DEGRADATION = Scenario(
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
            "Add a one-command traffic shift to the checkout runbook, tested in the next game day.",
        ),
        (
            "Prefer same-zone calls for checkout dependencies",
            "Enable zone-aware routing for the checkout service mesh.",
        ),
    ),
)
DNS_PROVIDER_OUTAGE = Scenario(
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
            "Write and rehearse the steps to check, communicate and fail over during a DNS outage.",
        ),
    ),
)
EMAIL_PROVIDER_THROTTLING = Scenario(
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
)
CDN_EDGE_ERRORS = Scenario(
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
)
