"""Verify v2 templates: a named set of fragments, each the text of one channel in one locale,
with `${code}`, `${brand}`, `${time-limit}` and `${time-limit-unit}` filled in when a request
names the template (`template_id`). Lists are HAL pages
(`page`, `page_size` 1-1000, default 1 and 20 as the Applications API pages)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from ringback.apis.verify2.errors import VerifyError, invalid_params
from ringback.core.clock import Clock
from ringback.core.ids import Ids
from ringback.state import verify_templates as state
from ringback.state.store import Tx
from ringback.state.verify_templates import Fragment, Template

FRAGMENT_CHANNELS = ("sms", "voice", "email")
LOCALES = (
    "en-us", "en-gb", "es-es", "es-mx", "es-us", "it-it", "fr-fr", "de-de", "ru-ru", "hi-in",
    "pt-br", "pt-pt", "id-id",
)  # fmt: skip
BASE = "/v2/verify/templates"


def get(tx: Tx, api_key: str, template_id: str) -> Template | None:
    return state.get(tx, api_key, template_id)


def text_for(tx: Tx, api_key: str, detail: dict[str, Any], channel: str, code: str) -> str | None:
    """The template's text for this channel and locale, filled in; None: the default text."""
    template_id = detail.get("template_id")
    if template_id is None:
        return None
    fragment = state.find_fragment(tx, template_id, channel, detail["locale"])
    if fragment is None:
        return None
    timeout = int(detail["channel_timeout"])
    minutes = timeout >= 60
    return (
        fragment.text.replace("${code}", code)
        .replace("${brand}", detail["brand"])
        .replace("${time-limit}", str(timeout // 60 if minutes else timeout))
        .replace("${time-limit-unit}", "m" if minutes else "s")
    )


def _missing(kind: str, ident: str) -> VerifyError:
    return VerifyError(404, "Not Found", "not-found", f"{kind} {ident} was not found.")


def owned(tx: Tx, api_key: str, template_id: str) -> Template:
    found = state.get(tx, api_key, template_id)
    if found is None:
        raise _missing("Template", template_id)
    return found


def paging(params: dict[str, str | None]) -> tuple[int, int]:
    problems: list[tuple[str, str]] = []
    values = []
    for name, default, high in (("page", 1, 10**6), ("page_size", 20, 1000)):
        raw = params.get(name)
        if raw is None:
            values.append(default)
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= high:
            problems.append((name, f"must be a whole number from 1 to {high}"))
            values.append(default)
        else:
            values.append(int(raw))
    if problems:
        raise invalid_params(problems)
    return values[0], values[1]


def _links(path: str, page: int, size: int, total: int, base: str) -> dict[str, Any]:
    pages = max(1, math.ceil(total / size))
    links: dict[str, Any] = {
        "self": {"href": f"{base}{path}?page_size={size}&page={page}"},
        "first": {"href": f"{base}{path}?page_size={size}&page=1"},
        "last": {"href": f"{base}{path}?page_size={size}&page={pages}"},
    }
    if page < pages:
        links["next"] = {"href": f"{base}{path}?page_size={size}&page={page + 1}"}
    if page > 1:
        links["prev"] = {"href": f"{base}{path}?page_size={size}&page={page - 1}"}
    return links


def template_view(t: Template, base: str) -> dict[str, Any]:
    return {
        "template_id": t.template_id,
        "name": t.name,
        "is_default": t.is_default,
        "_links": {
            "self": {"href": f"{base}{BASE}/{t.template_id}"},
            "fragments": {"href": f"{base}{BASE}/{t.template_id}/template_fragments"},
        },
    }


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def fragment_view(f: Fragment, base: str) -> dict[str, Any]:
    return {
        "template_fragment_id": f.fragment_id,
        "channel": f.channel,
        "locale": f.locale,
        "text": f.text,
        "date_created": _iso(f.created_at),
        "date_updated": _iso(f.updated_at),
        "_links": {
            "self": {"href": f"{base}{BASE}/{f.template_id}/template_fragments/{f.fragment_id}"},
            "template": {"href": f"{base}{BASE}/{f.template_id}"},
        },
    }


def list_templates(tx: Tx, api_key: str, page: int, size: int, base: str) -> dict[str, Any]:
    total, found = state.page(tx, api_key, (page - 1) * size, size)
    return {
        "page_size": size,
        "page": page,
        "total_pages": max(1, math.ceil(total / size)),
        "total_items": total,
        "_embedded": {"templates": [template_view(t, base) for t in found]},
        "_links": _links(BASE, page, size, total, base),
    }


def _name(body: Any, required: bool) -> str | None:
    name = body.get("name") if isinstance(body, dict) else None
    if name is None and not required:
        return None
    if not isinstance(name, str) or not 1 <= len(name) <= 200:
        raise invalid_params([("name", "is required (1-200 characters)")])
    return name


def _conflict_name(tx: Tx, api_key: str, name: str, template_id: str | None = None) -> None:
    same = state.by_name(tx, api_key, name)
    if same is not None and same.template_id != template_id:
        raise VerifyError(
            409, "Conflict", "conflict", f"Template with name '{name}' already exists."
        )


def create(tx: Tx, ids: Ids, clock: Clock, api_key: str, body: Any) -> Template:
    name = _name(body, True)
    assert name is not None
    _conflict_name(tx, api_key, name)
    template = Template(ids.uuid(), api_key, name, False, clock.now())
    state.add(tx, template)
    return template


def update(tx: Tx, api_key: str, template_id: str, body: Any) -> Template:
    owned(tx, api_key, template_id)
    name = _name(body, False)
    default = body.get("is_default") if isinstance(body, dict) else None
    if default is not None and not isinstance(default, bool):
        raise invalid_params([("is_default", "must be true or false")])
    if name is not None:
        _conflict_name(tx, api_key, name, template_id)
        state.change(tx, template_id, name=name)
    if default is True:
        state.clear_default(tx, api_key)
    if default is not None:
        state.change(tx, template_id, is_default=default)
    return owned(tx, api_key, template_id)


def delete(tx: Tx, api_key: str, template_id: str) -> None:
    owned(tx, api_key, template_id)
    state.remove(tx, template_id)


def list_fragments(
    tx: Tx, api_key: str, template_id: str, page: int, size: int, base: str
) -> dict[str, Any]:
    owned(tx, api_key, template_id)
    total, found = state.fragment_page(tx, template_id, (page - 1) * size, size)
    path = f"{BASE}/{template_id}/template_fragments"
    return {
        "page_size": size,
        "page": page,
        "total_pages": max(1, math.ceil(total / size)),
        "total_items": total,
        "_embedded": {"template_fragments": [fragment_view(f, base) for f in found]},
        "_links": _links(path, page, size, total, base),
    }


def _text(body: Any) -> str:
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise invalid_params([("text", "is required")])
    if "${code}" not in text:
        raise invalid_params([("text", "must contain ${code}")])
    return text


def create_fragment(
    tx: Tx, ids: Ids, clock: Clock, api_key: str, template_id: str, body: Any
) -> Fragment:
    owned(tx, api_key, template_id)
    problems: list[tuple[str, str]] = []
    channel = body.get("channel") if isinstance(body, dict) else None
    locale = body.get("locale") if isinstance(body, dict) else None
    if channel not in FRAGMENT_CHANNELS:
        problems.append(("channel", f"must be one of {', '.join(FRAGMENT_CHANNELS)}"))
    if not isinstance(locale, str) or locale.lower() not in LOCALES:
        problems.append(("locale", f"must be one of {', '.join(LOCALES)}"))
    if problems:
        raise invalid_params(problems)
    text = _text(body)
    assert isinstance(channel, str) and isinstance(locale, str)
    if state.find_fragment(tx, template_id, channel, locale.lower()) is not None:
        raise VerifyError(
            409,
            "Conflict",
            "conflict",
            f"A fragment for channel '{channel}' and locale '{locale}' already exists.",
        )
    now = clock.now()
    fragment = Fragment(ids.uuid(), template_id, api_key, channel, locale.lower(), text, now, now)
    state.add_fragment(tx, fragment)
    return fragment


def owned_fragment(tx: Tx, api_key: str, template_id: str, fragment_id: str) -> Fragment:
    owned(tx, api_key, template_id)
    found = state.get_fragment(tx, template_id, fragment_id)
    if found is None:
        raise _missing("Template fragment", fragment_id)
    return found


def update_fragment(
    tx: Tx, clock: Clock, api_key: str, template_id: str, fragment_id: str, body: Any
) -> Fragment:
    owned_fragment(tx, api_key, template_id, fragment_id)
    state.change_fragment(tx, fragment_id, _text(body), clock.now())
    return owned_fragment(tx, api_key, template_id, fragment_id)


def delete_fragment(tx: Tx, api_key: str, template_id: str, fragment_id: str) -> None:
    owned_fragment(tx, api_key, template_id, fragment_id)
    state.remove_fragment(tx, fragment_id)
