"""How the Voice API's errors look: problem objects (type, title, detail, instance). Neither
Voice spec documents an error body (only 401/404 descriptions); Vonage's Voice error guide
shows this shape, the one Applications and Messages use."""

from __future__ import annotations

from ringback.core.error_styles import ProblemStyle

VOICE_STYLE = ProblemStyle(
    titles={"unauthorized": "Unauthorized", "not-found": "Not Found"},
)
