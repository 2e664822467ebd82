"""The HTTP client's errors (webhooks/http1.py raises them), apart from it so that module can
be compiled by mypyc (bench/compile_hot.py): a compiled class cannot subclass `ConnectionError`
or `TimeoutError`."""


class InvalidURL(ValueError):
    pass


class ClosedEarly(ConnectionError):
    """The connection closed before a complete status line and headers arrived."""


class BadResponse(ConnectionError):
    pass


class Unanswered(ConnectionError):
    """The connection closed before any of this request's answer: it may be sent again."""


class ConnectTimeout(TimeoutError):
    pass


class ResponseTimeout(TimeoutError):
    pass
