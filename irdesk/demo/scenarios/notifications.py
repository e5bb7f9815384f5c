"""What goes wrong with notifications, including the legacy renderer kept as approved tech debt."""

from irdesk.demo.scenarios.scenario import Scenario

BLANK_ORDER_NUMBERS = Scenario(
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
)
SEND_QUEUE_BACKLOG = Scenario(
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
)
REVOKED_APNS_KEY = Scenario(
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
            "Record every key in the developer account with its owner and the services using it.",
        ),
        (
            "Alert on provider-level APNs errors",
            "Count InvalidProviderToken responses separately and page on any.",
        ),
    ),
)
DUPLICATE_SHIPPING_SMS = Scenario(
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
)
LEGACY_RENDERER_OOM = Scenario(
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
)
