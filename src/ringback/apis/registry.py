"""Every Vonage API Ringback serves. Each API's routes module is an `ApiModule`: mypy checks
that it has `APIS`, `routes()` and `register_jobs(services)` (docs/adding-an-api.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from starlette.routing import BaseRoute

from ringback.apis.account import routes as account
from ringback.apis.applications import routes as applications
from ringback.apis.endpoint import Api
from ringback.apis.insight import routes as insight
from ringback.apis.messages import routes as messages
from ringback.apis.numbers import routes as numbers
from ringback.apis.pricing import routes as pricing
from ringback.apis.services import Services
from ringback.apis.sms import routes as sms
from ringback.apis.verify2 import routes as verify2
from ringback.apis.verify_legacy import routes as verify_legacy
from ringback.apis.voice import routes as voice


class ApiModule(Protocol):
    @property
    def APIS(self) -> Sequence[Api]: ...  # the module's constant

    def routes(self) -> Sequence[BaseRoute]: ...

    def register_jobs(self, services: Services) -> None:
        """Hang the API's work on the scheduler or the delivery pipeline (or do nothing)."""
        ...


MODULES: list[ApiModule] = [
    account,
    applications,
    numbers,
    pricing,
    sms,
    insight,
    messages,
    voice,
    verify2,
    verify_legacy,
]

APIS: list[Api] = [api for module in MODULES for api in module.APIS]


def routes() -> list[BaseRoute]:
    return [r for module in MODULES for r in module.routes()]


def register_jobs(services: Services) -> None:
    for module in MODULES:
        module.register_jobs(services)
