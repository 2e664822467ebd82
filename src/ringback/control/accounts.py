from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ringback.apis.services import Services
from ringback.control.common import control, field
from ringback.core.errors import InvalidParameter, InvalidParameters, NotFound
from ringback.core.money import from_units, to_units
from ringback.core.responses import VonageJSON
from ringback.core.web_urls import BadUrl, check_web_url
from ringback.platform.provisioning import create_account
from ringback.state import accounts as account_state
from ringback.state.accounts import SIGNATURE_METHODS, SMS_WEBHOOK_METHODS, Account
from ringback.state.store import Tx

TRX = re.compile(r"[A-Za-z0-9_-]{1,64}")


def account_view(tx: Tx, account: Account) -> dict[str, Any]:
    trx = account_state.auto_reload_trx(tx, account.api_key) if account.auto_reload else None
    return {
        "api_key": account.api_key,
        "name": account.name,
        "balance": f"{from_units(account.balance_units):.8f}",
        "auto_reload": account.auto_reload,
        "auto_reload_amount": f"{from_units(account.auto_reload_amount_units):.2f}",
        # the reference POST /account/top-up must send as `trx` (null without auto-reload)
        "auto_reload_trx": trx,
        "signature_secret": account.signature_secret,
        "signature_method": account.signature_method,
        "signs_webhooks": account.signs_webhooks,
        "mo_callback_url": account.mo_callback_url,
        "dr_callback_url": account.dr_callback_url,
        "sms_webhook_method": account.sms_webhook_method,
        "default": account.is_default,
        "created_at": account.created_at,
    }


def _amount(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidParameters(f"{name} must be a number or a decimal string")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise InvalidParameters(f"{name} must be a number or a decimal string") from exc
    if not amount.is_finite() or amount < 0 or amount > Decimal("1000000000"):
        raise InvalidParameters(f"{name} must be between 0 and 1000000000")
    return amount


def _callback_url(value: str, name: str) -> None:
    try:
        check_web_url(value)
    except BadUrl as bad:
        raise InvalidParameters(
            f"{name} {bad}", invalid_parameters=[InvalidParameter(name, str(bad))]
        ) from None


def list_accounts(request: Request, services: Services, body: dict[str, Any]) -> Any:
    with services.store.begin() as tx:
        return {"accounts": [account_view(tx, a) for a in account_state.list_accounts(tx)]}


def create(request: Request, services: Services, body: dict[str, Any]) -> Response:
    balance = (
        _amount(body["balance"], "balance")
        if "balance" in body
        else Decimal(services.settings.default_balance)
    )
    with services.store.begin() as tx:
        account, secret = create_account(
            tx,
            services.ids,
            services.clock,
            api_key=field(body, "api_key", str),
            api_secret=field(body, "api_secret", str),
            balance=balance,
            name=field(body, "name", str),
        )
        view = account_view(tx, account)
    return VonageJSON({**view, "api_secret": secret}, status_code=201)


def _get(tx: Tx, api_key: str) -> Account:
    account = account_state.get_account(tx, api_key)
    if account is None:
        raise NotFound(f"account {api_key} not found")
    return account


def read(request: Request, services: Services, body: dict[str, Any]) -> Any:
    with services.store.begin() as tx:
        return account_view(tx, _get(tx, request.path_params["api_key"]))


def _trx(body: dict[str, Any]) -> str | None:
    trx: str | None = field(body, "auto_reload_trx", str)
    if trx is not None and not TRX.fullmatch(trx):
        raise InvalidParameters("auto_reload_trx must be 1-64 letters, digits, '-' or '_'")
    return trx


def change(request: Request, services: Services, body: dict[str, Any]) -> Any:
    api_key = request.path_params["api_key"]
    with services.store.begin() as tx:
        _get(tx, api_key)
    trx = _trx(body)
    values: dict[str, Any] = {}
    if "balance" in body:
        values["balance_units"] = to_units(_amount(body["balance"], "balance"))
    if "auto_reload_amount" in body:
        amount = _amount(body["auto_reload_amount"], "auto_reload_amount")
        values["auto_reload_amount_units"] = to_units(amount)
    for name in ("auto_reload", "signs_webhooks"):
        if name in body:
            values[name] = field(body, name, bool)
    for name in ("name", "signature_secret", "mo_callback_url", "dr_callback_url"):
        if name in body:
            values[name] = field(body, name, str)
    if "signature_method" in body:
        if body["signature_method"] not in SIGNATURE_METHODS:
            raise InvalidParameters(f"signature_method must be one of {SIGNATURE_METHODS}")
        values["signature_method"] = body["signature_method"]
    if "sms_webhook_method" in body:
        if body["sms_webhook_method"] not in SMS_WEBHOOK_METHODS:
            raise InvalidParameters(f"sms_webhook_method must be one of {SMS_WEBHOOK_METHODS}")
        values["sms_webhook_method"] = body["sms_webhook_method"]
    if values.get("signature_secret") == "":
        raise InvalidParameters("signature_secret cannot be empty")
    for name in ("mo_callback_url", "dr_callback_url"):
        if values.get(name):
            _callback_url(values[name], name)
    if None in values.values():
        raise InvalidParameters("null is not a valid value")
    with services.store.begin() as tx:
        before = _get(tx, api_key)
        account = account_state.update_account(tx, api_key, **values)
        assert account is not None
        # switching auto-reload on is a payment with its own reference (a fresh one unless
        # the caller names it): the `trx` a top-up must send
        if trx is None and account.auto_reload and not before.auto_reload:
            trx = services.ids.hex(32)
        if trx is not None:
            account_state.record_auto_reload(tx, api_key, trx, services.clock.now())
        return account_view(tx, account)


def routes() -> list[Route]:
    return [
        Route("/_ringback/accounts", control(list_accounts), methods=["GET"]),
        Route("/_ringback/accounts", control(create), methods=["POST"]),
        Route("/_ringback/accounts/{api_key}", control(read), methods=["GET"]),
        Route("/_ringback/accounts/{api_key}", control(change), methods=["PATCH"]),
    ]
