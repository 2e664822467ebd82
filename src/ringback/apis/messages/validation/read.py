"""`read_message`: a POST /v1/messages body → `MessageRequest`, or the first 422 that applies.

The checks run in this order, and the first kind that finds something answers, naming every
bad field of that kind: the channel (1400), the message type on that channel (1440), `to`
(1430), `from` (1420), `client_ref` (1450), the channel's options object (1410), then the
message's own fields with ttl, webhook_url, webhook_version, context and trusted_recipient
(1150); then each failover message, read the same way, its fields named `failover[i].…`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast

from ringback.apis.messages.request import MessageRequest, WebhookVersion
from ringback.apis.messages.validation import fields, messenger, mms, rcs, sms, viber, whatsapp
from ringback.apis.messages.validation import problems as problem
from ringback.apis.messages.validation.fields import Problems
from ringback.apis.messages.validation.rules import ChannelRules

RULES: dict[str, ChannelRules] = {
    rules.channel: rules
    for rules in (sms.RULES, mms.RULES, whatsapp.RULES, messenger.RULES, viber.RULES, rcs.RULES)
}
CLIENT_REF_LIMIT = 100
WEBHOOK_VERSIONS = ("v0.1", "v1")


def read_message(document: object) -> MessageRequest:
    message = _read(document, "")
    if not isinstance(document, dict) or document.get("failover") is None:
        return message
    entries = document["failover"]
    if not isinstance(entries, list) or not entries:
        raise problem.invalid_params("failover", "Must be a non-empty array of messages.")
    failover = []
    for index, entry in enumerate(entries):
        prefix = f"failover[{index}]."
        if isinstance(entry, dict) and entry.get("failover") is not None:
            raise problem.invalid_params(
                prefix + "failover", "Is not allowed in a failover message."
            )
        failover.append(_read(entry, prefix))
    return replace(message, failover=tuple(failover))


def _read(document: object, prefix: str) -> MessageRequest:
    if not isinstance(document, dict):
        raise problem.invalid_params(prefix.rstrip(".") or "body", "Must be a JSON object.")
    rules = _channel(document, prefix)
    message_type, reader = _message_type(document, rules, prefix)
    to = _address(document, "to", rules.recipient(document.get("to")), prefix)
    sender = _address(document, "from", rules.sender(document.get("from")), prefix)
    client_ref = _client_ref(document, prefix)

    options_problems = Problems(prefix)
    options = rules.options(document, message_type, options_problems)
    options_problems.raise_if_any(
        problem.CHANNEL_PARAMS, problem.CHANNEL_PARAMS_TITLE, problem.CHANNEL_PARAMS_DETAIL
    )

    params = Problems(prefix)
    content = reader(document, params)
    ttl = _ttl(document, rules, options, params)
    webhook_url = fields.url(document, "webhook_url", "webhook_url", params, required=False)
    version = fields.choice(
        document, "webhook_version", "webhook_version", params, WEBHOOK_VERSIONS
    )
    context = _context(document, rules, params)
    trusted = fields.boolean(document, "trusted_recipient", "trusted_recipient", params)
    params.raise_if_any(
        problem.INVALID_PARAMS, problem.INVALID_PARAMS_TITLE, problem.INVALID_PARAMS_DETAIL
    )
    return MessageRequest(
        channel=rules.channel,
        message_type=message_type,
        to=to,
        sender=sender,
        content=content,
        options=options,
        client_ref=client_ref,
        webhook_url=webhook_url,
        webhook_version=cast("WebhookVersion | None", version),
        ttl=ttl,
        context=context,
        trusted_recipient=trusted,
    )


def _channel(document: Mapping[str, Any], prefix: str) -> ChannelRules:
    channel = document.get("channel")
    if channel is None:
        raise problem.unsupported_channel(prefix + "channel", fields.REQUIRED)
    rules = RULES.get(channel) if isinstance(channel, str) else None
    if rules is None:
        raise problem.unsupported_channel(prefix + "channel", fields.one_of(list(RULES)))
    return rules


def _message_type(document: Mapping[str, Any], rules: ChannelRules, prefix: str) -> tuple[str, Any]:
    message_type = document.get("message_type")
    if message_type is None:
        raise problem.invalid_message_type(prefix + "message_type", fields.REQUIRED)
    reader = rules.types.get(message_type) if isinstance(message_type, str) else None
    if reader is None:
        reason = f"{fields.one_of(list(rules.types))[:-1]} on the `{rules.channel}` channel."
        raise problem.invalid_message_type(prefix + "message_type", reason)
    return message_type, reader


def _address(document: Mapping[str, Any], key: str, reason: str | None, prefix: str) -> str:
    if reason is not None:
        refuse = problem.invalid_recipient if key == "to" else problem.invalid_sender
        raise refuse(prefix + key, reason)
    return cast(str, document[key])


def _client_ref(document: Mapping[str, Any], prefix: str) -> str | None:
    value = document.get("client_ref")
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > CLIENT_REF_LIMIT:
        reason = f"Must be a string of up to {CLIENT_REF_LIMIT} characters."
        raise problem.invalid_client_ref(prefix + "client_ref", reason)
    return value


def _ttl(
    document: Mapping[str, Any],
    rules: ChannelRules,
    options: Mapping[str, Any],
    params: Problems,
) -> int | None:
    """The top-level `ttl` (SMS, MMS, RCS) or Viber's `viber_service.ttl` (checked with the
    options); other channels have no ttl and the field is ignored."""
    if rules.ttl is None:
        found = options.get("ttl") if rules.channel == "viber_service" else None
        return found if isinstance(found, int) and not isinstance(found, bool) else None
    low, high = rules.ttl
    return fields.integer(document, "ttl", "ttl", params, low, high)


def _context(
    document: Mapping[str, Any], rules: ChannelRules, params: Problems
) -> Mapping[str, Any] | None:
    if not rules.replies:
        return None
    found = fields.obj(document, "context", "context", params)
    if found is not None:
        fields.text(found, "message_uuid", "context.message_uuid", params, required=True)
    return found
