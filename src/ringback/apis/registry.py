"""Every Vonage API Ringback serves. Adding an API: its routes module exposes `APIS`,
`routes()` and, if it hangs work on the scheduler, `register_jobs(services)`."""

from __future__ import annotations

from types import ModuleType

from starlette.routing import BaseRoute

from ringback.apis.account import routes as account
from ringback.apis.applications import routes as applications
from ringback.apis.endpoint import Api
from ringback.apis.insight import routes as insight
from ringback.apis.numbers import routes as numbers
from ringback.apis.pricing import routes as pricing
from ringback.apis.services import Services
from ringback.apis.sms import routes as sms

MODULES: list[ModuleType] = [account, applications, numbers, pricing, sms, insight]

APIS: list[Api] = [api for module in MODULES for api in module.APIS]


def routes() -> list[BaseRoute]:
    return [r for module in MODULES for r in module.routes()]


def register_jobs(services: Services) -> None:
    for module in MODULES:
        register = getattr(module, "register_jobs", None)
        if register is not None:
            register(services)
