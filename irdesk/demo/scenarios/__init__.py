"""What goes wrong at the demo organisation: one `Scenario` per kind of incident.

One module per service, and one for the providers' outages. Only words and numbers
live here; the generator turns them into rows.
"""

from irdesk.demo.scenarios import checkout, notifications, payments, provider_outages, search
from irdesk.demo.scenarios.scenario import Scenario

__all__ = ["SCENARIOS", "Scenario"]

# The generator draws from this tuple by position, so the same seed gives the same
# organisation only while the order stays as it is: add a scenario at the end.
SCENARIOS: tuple[Scenario, ...] = (
    checkout.CART_PRICING_QUERY,
    checkout.TAX_REGIONS_CONFIG,
    checkout.CONNECTION_POOL_EXHAUSTED,
    checkout.EXPIRED_INTERMEDIATE_CERTIFICATE,
    checkout.GIFT_CARD_V2_ROLLOUT,
    payments.ACQUIRER_RETRY_STORM,
    payments.VISA_3DS_CHALLENGES,
    payments.STUCK_WEBHOOK_CONSUMER,
    payments.TOKENISATION_KEY_ROTATION,
    search.ALIAS_ON_PARTIAL_INDEX,
    search.HOT_SHARD,
    search.UNASSIGNED_REPLICAS,
    payments.ZERO_DECIMAL_REFUNDS,
    search.SYNONYMS_UPDATE_TIMEOUTS,
    notifications.BLANK_ORDER_NUMBERS,
    search.LEGACY_CATALOGUE_SYNC,
    notifications.SEND_QUEUE_BACKLOG,
    notifications.REVOKED_APNS_KEY,
    notifications.DUPLICATE_SHIPPING_SMS,
    notifications.LEGACY_RENDERER_OOM,
    provider_outages.ACQUIRER_OUTAGE,
    provider_outages.CLOUD_NETWORKING_DEGRADATION,
    provider_outages.DNS_PROVIDER_OUTAGE,
    provider_outages.EMAIL_PROVIDER_THROTTLING,
    provider_outages.CDN_EDGE_ERRORS,
)
