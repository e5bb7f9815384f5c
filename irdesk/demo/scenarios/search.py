"""What goes wrong with search, including the legacy catalogue sync kept as approved tech debt."""

from irdesk.demo.scenarios.scenario import Scenario

ALIAS_ON_PARTIAL_INDEX = Scenario(
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
)
HOT_SHARD = Scenario(
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
)
UNASSIGNED_REPLICAS = Scenario(
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
)
SYNONYMS_UPDATE_TIMEOUTS = Scenario(
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
)
LEGACY_CATALOGUE_SYNC = Scenario(
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
)
