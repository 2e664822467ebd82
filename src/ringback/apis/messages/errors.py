"""How the Messages API answers errors: RFC 7807 problem bodies, as its spec's Error* schemas
give them (messages_local.json 1.11.0), for its own refusals (422s with the error table's code
as the `type`'s anchor) and for every core error (auth, credit, rate, body size, bad JSON,
content type). The error table (reference 002, codes 1000-1484) also gives the status
webhooks' `error`."""

from __future__ import annotations

from starlette.responses import Response

from ringback.core.error_styles import ProblemStyle
from ringback.core.errors import InvalidParameter, RingbackError, Unauthorized
from ringback.core.responses import VonageJSON

TYPE_BASE = "https://developer.vonage.com/api-errors/messages"

# code → (title, detail): reference 002's table, "<title> - <detail>"
ERROR_TABLE: dict[int, tuple[str, str]] = {
    1000: (
        "Throttled",
        "You have exceeded the submission capacity allowed on this account. Please wait and retry",
    ),
    1010: ("Missing params", "Your request is incomplete and missing some mandatory parameters."),
    1020: ("Invalid params", "The value of one or more parameters is invalid."),
    1022: ("Invalid template", "Invalid template or template parameters"),
    1030: ("Internal error", "There was an error processing your request in the Platform."),
    1040: (
        "Invalid message",
        "The Platform was unable to process your request. For example, due to an unrecognised "
        "prefix for the phone number.",
    ),
    1050: (
        "Number barred",
        "The number you are trying to submit to is blacklisted and may not receive messages.",
    ),
    1070: (
        "Partner quota exceeded",
        "Your pre-paid account does not have sufficient credit to process this message.",
    ),
    1120: (
        "Illegal Sender Address - rejected",
        "Due to local regulations, the sender ID you set in `from` was not accepted.",
    ),
    1160: (
        "Non White-listed Destination",
        "The phone number you set in to is not in your pre-approved destination list.",
    ),
    1170: (
        "Invalid or Missing Msisdn Param",
        "The phone number you supplied in the to parameter of your request was either missing or "
        "invalid.",
    ),
    1180: (
        "Absent Subscriber Temporary",
        "This message was not delivered because to was temporarily unavailable.",
    ),
    1190: (
        "Absent Subscriber Permanent",
        "This message was not delivered because to is no longer in service.",
    ),
    1200: ("Portability Error", "There is an issue after the user has changed carrier for to."),
    1210: (
        "Anti-Spam Rejection",
        "Carriers often apply restrictions that block messages following different criteria. For "
        "example on SenderID or message content.",
    ),
    1220: (
        "Handset Busy",
        "The handset associated with to was not available when this message was sent.",
    ),
    1230: (
        "Network Error",
        "A network failure while sending your message. This is a temporary failure, retry later "
        "for a positive result.",
    ),
    1240: (
        "Illegal Number",
        "You tried to send a message to a blacklisted phone number. That is, the user has already "
        "sent a STOP opt-out message and no longer wishes to receive messages from you.",
    ),
    1250: ("Unroutable", "The chosen route to send your message is not available."),
    1260: ("Destination unreachable", "The message could not be delivered to the phone number."),
    1270: (
        "Subscriber Age Restriction",
        "The carrier blocked this message because the content is not suitable for to based on age "
        "restrictions.",
    ),
    1280: ("Number Blocked by Carrier", "The carrier blocked this message."),
    1290: (
        "Pre-Paid - Insufficient funds",
        "to's pre-paid account does not have enough credit to receive the message.",
    ),
    1300: (
        "Not part of the provider network",
        "The number or ID is not a user in the provider network.",
    ),
    1310: ("Not suitable device", "The user's device can't receive the message."),
    1330: (
        "Unknown",
        "An unknown error was received from the carrier who tried to send this this message.",
    ),
    1340: (
        "Outside of the allowed window",
        "This message is sent outside of allowed response window.",
    ),
    1360: ("TTL was activated", "TTL was activated."),
    1400: ("Unsupported channel", "The channel specified in the request is not supported."),
    1420: ("Invalid sender", "The `from` parameter is invalid for the given channel."),
    1430: ("Invalid recipient", "The `to` parameter is invalid for the given channel."),
    1440: (
        "Invalid message type",
        "The message type specified in the request is not supported for the given channel.",
    ),
    1480: ("Entity Filter", "The message failed due to the entity id."),
    1481: (
        "Header Filter",
        "The message failed because the header ID (from phone number) is not registered.",
    ),
    1482: (
        "Content Filter",
        "The message failed due to content not matching a registered template.",
    ),
    1483: ("Consent Filter", "The message failed due to consent not being authorized."),
    1484: ("Regulation Error", "Unexpected regulation error - contact support."),
}


def error_text(code: int) -> tuple[str, str]:
    return ERROR_TABLE.get(code, ("Unknown", f"Error {code}"))


def error_type(code: int) -> str:
    return f"{TYPE_BASE}#{code}"


class MessagesProblem(RingbackError):
    """A 422 of the Messages API: `code` picks the problem's `type` (…/messages#<code>)."""

    status = 422
    title = "Invalid params"
    slug = "messages-invalid-params"

    def __init__(
        self,
        code: int,
        title: str,
        detail: str,
        invalid_parameters: list[InvalidParameter] | None = None,
    ) -> None:
        self.code = code
        super().__init__(
            detail, title=title, slug=error_type(code), invalid_parameters=invalid_parameters
        )


def invalid_sender() -> MessagesProblem:
    """The error table's 1420, the same answer the body check gives a malformed `from` (the
    spec's ErrorSender example still shows the older anchor 1120)."""
    return MessagesProblem(
        1420, "Invalid sender", "The `from` parameter is invalid for the given channel."
    )


def invalid_recipient() -> MessagesProblem:
    return MessagesProblem(
        1430, "Invalid recipient", "The `to` parameter is invalid for the given channel."
    )


class Unprovisioned(Unauthorized):
    """A JWT of an application without the messages capability (the spec's
    ErrorUnauthorizedInvalidApplication)."""

    title = "The credentials provided do not have access to the requested product"
    slug = "unprovisioned"

    def __init__(self) -> None:
        super().__init__("Check your API key is correct and has been whitelisted")


class MessagesErrorStyle:
    """Every error as the Messages spec's problem bodies give it."""

    def __init__(self) -> None:
        self._problem = ProblemStyle(type_base="https://developer.vonage.com/api-errors")

    def render(self, error: RingbackError, instance: str) -> Response:
        if isinstance(error, MessagesProblem):
            body: dict[str, object] = {
                "type": error.slug,
                "title": error.title,
                "detail": error.detail,
                "instance": instance,
            }
            if error.invalid_parameters:
                body["invalid_parameters"] = [
                    {"name": p.name, "reason": p.reason} for p in error.invalid_parameters
                ]
            return VonageJSON(body, status_code=error.status, headers=error.headers)
        type_, title, detail = self._words(error)
        body = {"type": type_, "title": title, "detail": detail, "instance": instance}
        if error.invalid_parameters and error.status in (400, 422):
            body["invalid_parameters"] = [
                {"name": p.name, "reason": p.reason} for p in error.invalid_parameters
            ]
        status = 422 if error.status == 400 else error.status
        return VonageJSON(body, status_code=status, headers=error.headers)

    @staticmethod
    def _words(error: RingbackError) -> tuple[str, str, str]:
        status = error.status
        if isinstance(error, Unprovisioned):
            return (
                "https://developer.vonage.com/api-errors/#unprovisioned",
                error.title,
                error.detail,
            )
        if status == 401:
            return (
                "https://developer.vonage.com/api-errors#unauthorized",
                "You did not provide correct credentials.",
                "Check that you're using the correct credentials, and that your account has "
                "this feature enabled",
            )
        if status == 402:
            return (
                "https://developer.vonage.com/api-errors/#low-balance",
                "Low balance",
                "This request could not be performed due to your account balance being low.",
            )
        if status == 429:
            return error_type(1000), "Rate Limit Hit", "Please wait, then retry your request"
        if status == 400:  # unreadable bodies: not JSON, not UTF-8, too deep, lone surrogates
            return (
                "https://developer.vonage.com/api-errors#invalid-json",
                "The request body did not contain valid JSON",
                error.detail,
            )
        if status == 404:
            return "https://developer.vonage.com/api-errors#not-found", "Not Found", error.detail
        if status == 405:
            return (
                "https://developer.vonage.com/api-errors#wrong-verb",
                "Method Not Allowed",
                error.detail,
            )
        if status == 413:
            return error_type(1020), "Payload Too Large", error.detail
        if status == 415:
            return (
                "https://developer.vonage.com/api-errors#content-type-header",
                "Unsupported Media Type",
                error.detail,
            )
        return (
            error_type(1000),
            "Internal error",
            "There was an error processing your request in the Platform.",
        )
