"""Reading a new verification (verify.v2.yml's NewCodeRequest, with what the live API and
the SDK add: a custom `code`, `fraud_check`, `channel_timeout` from 15 s), every problem at
once as 422 `invalid_parameters`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ringback.apis.verify2.errors import invalid_params
from ringback.network import numbering

CHANNELS = ("sms", "whatsapp", "whatsapp_interactive", "voice", "email", "silent_auth")
LOCALES = (
    "en-us", "en-gb", "es-es", "es-mx", "es-us", "it-it", "fr-fr", "de-de", "ru-ru", "hi-in",
    "pt-br", "pt-pt", "id-id",
)  # fmt: skip
CODE = re.compile(r"^[a-zA-Z0-9]{4,10}$")
SENDER = re.compile(r"^[a-zA-Z0-9]{3,11}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Step:
    channel: str
    to: str
    sender: str | None
    redirect_url: str | None


@dataclass(frozen=True)
class NewRequest:
    brand: str
    workflow: list[Step]
    locale: str
    channel_timeout: int
    client_ref: str | None
    code_length: int
    code: str | None
    fraud_check: bool
    template_id: str | None


def _absolute_url(value: Any) -> bool:
    """A URL the handset's browser can be sent to: a scheme and a host (an app's own scheme
    too, so no list of schemes)."""
    if not isinstance(value, str) or len(value) > 2000 or not value.isprintable():
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _step(i: int, raw: Any, problems: list[tuple[str, str]]) -> Step | None:
    name = f"workflow[{i}]"
    if not isinstance(raw, dict):
        problems.append((name, "must be an object"))
        return None
    channel = raw.get("channel")
    if channel not in CHANNELS:
        problems.append((f"{name}.channel", f"must be one of {', '.join(CHANNELS)}"))
        return None
    to = raw.get("to")
    sender = raw.get("from")
    if channel == "email":
        if not isinstance(to, str) or not EMAIL.match(to):
            problems.append((f"{name}.to", "must be an email address"))
            return None
        if sender is not None and (not isinstance(sender, str) or not EMAIL.match(sender)):
            problems.append((f"{name}.from", "must be an email address"))
        return Step(channel, to.lower(), sender if isinstance(sender, str) else None, None)
    number = numbering.normalise(to) if isinstance(to, str) else None
    if number is None or numbering.lookup(number) is None:
        problems.append((f"{name}.to", "must be a phone number in E.164 format"))
        return None
    if channel in ("whatsapp", "whatsapp_interactive") and sender is None:
        problems.append((f"{name}.from", "is required for WhatsApp"))
    if sender is not None and not (
        isinstance(sender, str) and (SENDER.match(sender) or numbering.normalise(sender))
    ):
        problems.append((f"{name}.from", "must be a phone number or 3-11 letters and digits"))
    if channel == "silent_auth" and i != 0:
        problems.append((f"{name}.channel", "silent_auth must be the first channel"))
    app_hash = raw.get("app_hash") if channel == "sms" else None
    if app_hash is not None and not (isinstance(app_hash, str) and len(app_hash) == 11):
        # verify.v2.yml's 11 and the Python SDK's Field(min_length=11, max_length=11)
        problems.append((f"{name}.app_hash", "must be the app's 11-character hash"))
    redirect = raw.get("redirect_url") if channel == "silent_auth" else None
    if redirect is not None and not _absolute_url(redirect):
        problems.append((f"{name}.redirect_url", "must be a URL"))
        redirect = None
    return Step(channel, number, sender if isinstance(sender, str) else None, redirect)


def new_request(body: Any) -> NewRequest:
    problems: list[tuple[str, str]] = []
    if not isinstance(body, dict):
        raise invalid_params([("body", "must be a JSON object")])
    brand = body.get("brand")
    if not isinstance(brand, str) or not 1 <= len(brand) <= 16:
        problems.append(("brand", "Brand is required (1-16 characters)"))
    workflow = body.get("workflow")
    steps: list[Step] = []
    if not isinstance(workflow, list) or not 1 <= len(workflow) <= 3:
        problems.append(("workflow", "The `workflow` parameter is required and must be an array"))
    else:
        for i, raw in enumerate(workflow):
            step = _step(i, raw, problems)
            if step is not None:
                steps.append(step)
    locale = body.get("locale", "en-us")
    if not isinstance(locale, str) or locale.lower() not in LOCALES:
        problems.append(("locale", f"must be one of {', '.join(LOCALES)}"))
        locale = "en-us"
    timeout = body.get("channel_timeout", 300)
    if not _whole(timeout) or not 15 <= timeout <= 900:
        problems.append(("channel_timeout", "must be a whole number of seconds from 15 to 900"))
    length = body.get("code_length", 4)
    if not _whole(length) or not 4 <= length <= 10:
        problems.append(("code_length", "must be a whole number from 4 to 10"))
    code = body.get("code")
    if code is not None and (not isinstance(code, str) or not CODE.match(code)):
        problems.append(("code", "must be 4-10 letters and digits"))
    client_ref = body.get("client_ref")
    if client_ref is not None and (
        not isinstance(client_ref, str) or not 1 <= len(client_ref) <= 16
    ):
        problems.append(("client_ref", "must be 1-16 characters"))
    fraud_check = body.get("fraud_check", True)
    if not isinstance(fraud_check, bool):
        problems.append(("fraud_check", "must be true or false"))
    template_id = body.get("template_id")
    if template_id is not None and not isinstance(template_id, str):
        problems.append(("template_id", "must be a template id"))
    if problems:
        raise invalid_params(problems)
    return NewRequest(
        brand=str(brand),
        workflow=steps,
        locale=str(locale).lower(),
        channel_timeout=int(timeout),
        client_ref=client_ref,
        code_length=int(length),
        code=code,
        fraud_check=bool(fraud_check),
        template_id=template_id,
    )
