from __future__ import annotations

from dataclasses import dataclass, field

from ringback.config import Settings
from ringback.core.broadcast import Broadcast
from ringback.core.changes import Changes
from ringback.core.clock import Clock
from ringback.core.ids import Ids
from ringback.core.ratelimit import RateLimits
from ringback.network.delivery.pipeline import DeliveryPipeline
from ringback.network.verification import CodeDelivery
from ringback.platform.auth import Authenticator
from ringback.platform.billing import Billing
from ringback.scheduler.runner import Scheduler
from ringback.state.store import Store
from ringback.webhooks.dispatcher import Dispatcher


@dataclass
class Services:
    """The shared parts every API's routes are handed; built once in `app.py`. Each API's
    service functions name the few they use in a protocol of their own (`SmsServices`)."""

    settings: Settings
    store: Store
    clock: Clock
    ids: Ids
    auth: Authenticator
    limits: RateLimits
    billing: Billing
    scheduler: Scheduler
    webhooks: Dispatcher
    changes: Changes
    # what this worker tells the others (`--workers N`); does nothing with one process
    broadcast: Broadcast = field(default_factory=Broadcast)
    delivery: DeliveryPipeline = field(init=False)  # app.py opens it on the scheduler
    verification: CodeDelivery = field(init=False)  # codes to handsets (Verify), on delivery
