"""Verify v2's custom templates and their fragments (`verify_templates`,
`verify_template_fragments`), an account's own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from ringback.state.store import Tx
from ringback.state.tables import verify_template_fragments as fragments
from ringback.state.tables import verify_templates as templates


@dataclass(frozen=True)
class Template:
    template_id: str
    api_key: str
    name: str
    is_default: bool
    created_at: float


@dataclass(frozen=True)
class Fragment:
    fragment_id: str
    template_id: str
    api_key: str
    channel: str
    locale: str
    text: str
    created_at: float
    updated_at: float


_T = [templates.c[name] for name in Template.__dataclass_fields__]
_F = [fragments.c[name] for name in Fragment.__dataclass_fields__]


def add(tx: Tx, template: Template) -> None:
    tx.conn.execute(insert(templates).values(**template.__dict__))


def get(tx: Tx, api_key: str, template_id: str) -> Template | None:
    row = tx.conn.execute(
        select(*_T).where(templates.c.template_id == template_id, templates.c.api_key == api_key)
    ).first()
    return Template(*row) if row else None


def by_name(tx: Tx, api_key: str, name: str) -> Template | None:
    row = tx.conn.execute(
        select(*_T).where(templates.c.name == name, templates.c.api_key == api_key)
    ).first()
    return Template(*row) if row else None


def page(tx: Tx, api_key: str, offset: int, limit: int) -> tuple[int, list[Template]]:
    where = templates.c.api_key == api_key
    total = tx.conn.execute(select(func.count()).select_from(templates).where(where)).scalar_one()
    rows = tx.conn.execute(
        select(*_T)
        .where(where)
        .order_by(templates.c.created_at, templates.c.template_id)
        .offset(offset)
        .limit(limit)
    )
    return int(total), [Template(*r) for r in rows]


def change(tx: Tx, template_id: str, **values: Any) -> None:
    tx.conn.execute(
        update(templates).where(templates.c.template_id == template_id).values(**values)
    )


def clear_default(tx: Tx, api_key: str) -> None:
    tx.conn.execute(
        update(templates).where(templates.c.api_key == api_key).values(is_default=False)
    )


def remove(tx: Tx, template_id: str) -> None:
    tx.conn.execute(delete(fragments).where(fragments.c.template_id == template_id))
    tx.conn.execute(delete(templates).where(templates.c.template_id == template_id))


def add_fragment(tx: Tx, fragment: Fragment) -> None:
    tx.conn.execute(insert(fragments).values(**fragment.__dict__))


def get_fragment(tx: Tx, template_id: str, fragment_id: str) -> Fragment | None:
    row = tx.conn.execute(
        select(*_F).where(
            fragments.c.fragment_id == fragment_id, fragments.c.template_id == template_id
        )
    ).first()
    return Fragment(*row) if row else None


def find_fragment(tx: Tx, template_id: str, channel: str, locale: str) -> Fragment | None:
    row = tx.conn.execute(
        select(*_F).where(
            fragments.c.template_id == template_id,
            fragments.c.channel == channel,
            fragments.c.locale == locale,
        )
    ).first()
    return Fragment(*row) if row else None


def fragment_page(tx: Tx, template_id: str, offset: int, limit: int) -> tuple[int, list[Fragment]]:
    where = fragments.c.template_id == template_id
    total = tx.conn.execute(select(func.count()).select_from(fragments).where(where)).scalar_one()
    rows = tx.conn.execute(
        select(*_F)
        .where(where)
        .order_by(fragments.c.created_at, fragments.c.fragment_id)
        .offset(offset)
        .limit(limit)
    )
    return int(total), [Fragment(*r) for r in rows]


def change_fragment(tx: Tx, fragment_id: str, text: str, at: float) -> None:
    tx.conn.execute(
        update(fragments)
        .where(fragments.c.fragment_id == fragment_id)
        .values(text=text, updated_at=at)
    )


def remove_fragment(tx: Tx, fragment_id: str) -> None:
    tx.conn.execute(delete(fragments).where(fragments.c.fragment_id == fragment_id))
