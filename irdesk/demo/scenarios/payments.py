"""What goes wrong with payments-gateway: our own changes, found and fixed by the Payments team."""

from irdesk.demo.scenarios.scenario import Scenario

ACQUIRER_RETRY_STORM = Scenario(
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
)
VISA_3DS_CHALLENGES = Scenario(
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
)
STUCK_WEBHOOK_CONSUMER = Scenario(
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
)
TOKENISATION_KEY_ROTATION = Scenario(
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
)
ZERO_DECIMAL_REFUNDS = Scenario(
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
)
