"""The Voice API: /v1/calls and the recordings its calls make (/v1/files/{uuid})."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ringback.apis.endpoint import Api, Ctx, route
from ringback.apis.services import Services
from ringback.apis.voice import driver, schemas, service, wire
from ringback.apis.voice.code_calls import CodeCalls
from ringback.apis.voice.errors import VOICE_STYLE
from ringback.apis.voice.fetch import Fetcher
from ringback.apis.voice.legs import WEBSOCKET_JOB
from ringback.apis.voice.websocket import WebsocketLegs
from ringback.core.errors import NotFound, Unauthorized
from ringback.ncco import FinishedRecording, wav_bytes
from ringback.ncco.recording import Sound
from ringback.platform.auth import Credential
from ringback.state import calls as call_state
from ringback.state.jobs import Job
from ringback.state.store import Tx

VOICE = Api("voice", VOICE_STYLE, prefixes=("/v1/calls", "/v1/files/"))
AUTH = (Credential.JWT,)


def _base(ctx: Ctx) -> str:
    return ctx.url("")


def create_call(ctx: Ctx) -> dict[str, Any]:
    request = schemas.create_call(ctx.params)
    call = service.create(ctx.tx, ctx.services, ctx.principal, request, ctx.url("/v1/files/"))
    return {
        "uuid": call.uuid,
        "status": "started",
        "direction": call.direction,
        "conversation_uuid": call.conversation_uuid,
    }


def list_calls(ctx: Ctx) -> dict[str, Any]:
    service.voice_application(ctx.tx, ctx.principal)
    request = schemas.list_calls(ctx.params)
    total, calls = service.list_calls(ctx.tx, ctx.api_key, request)
    query = {
        name: value
        for name in ("status", "date_start", "date_end", "conversation_uuid", "order")
        if (value := ctx.params.text(name)) is not None
    }
    return wire.call_list(calls, total, request.page_size, request.record_index, query, _base(ctx))


def get_call(ctx: Ctx) -> dict[str, Any]:
    service.voice_application(ctx.tx, ctx.principal)
    call = service.owned(ctx.tx, ctx.api_key, ctx.path["uuid"])
    return wire.call_info(call, _base(ctx))


def update_call(ctx: Ctx) -> Response:
    service.voice_application(ctx.tx, ctx.principal)
    change = schemas.modify(ctx.params)
    service.modify(ctx.tx, ctx.services, ctx.api_key, ctx.path["uuid"], change)
    return Response(status_code=204)


def start_talk(ctx: Ctx) -> dict[str, Any]:
    service.voice_application(ctx.tx, ctx.principal)
    talk = schemas.talk(ctx.params)
    service.play_talk(ctx.tx, ctx.services, ctx.api_key, ctx.path["uuid"], talk)
    return {"message": "Talk started", "uuid": ctx.path["uuid"]}


def stop_talk(ctx: Ctx) -> dict[str, Any]:
    service.voice_application(ctx.tx, ctx.principal)
    service.stop(ctx.tx, ctx.services, ctx.api_key, ctx.path["uuid"], "talk")
    return {"message": "Talk stopped", "uuid": ctx.path["uuid"]}


def start_stream(ctx: Ctx) -> dict[str, Any]:
    service.voice_application(ctx.tx, ctx.principal)
    stream = schemas.stream(ctx.params)
    service.play_stream(ctx.tx, ctx.services, ctx.api_key, ctx.path["uuid"], stream)
    return {"message": "Stream started", "uuid": ctx.path["uuid"]}


def stop_stream(ctx: Ctx) -> dict[str, Any]:
    service.voice_application(ctx.tx, ctx.principal)
    service.stop(ctx.tx, ctx.services, ctx.api_key, ctx.path["uuid"], "stream")
    return {"message": "Stream stopped", "uuid": ctx.path["uuid"]}


def send_dtmf(ctx: Ctx) -> dict[str, Any]:
    service.voice_application(ctx.tx, ctx.principal)
    digits = schemas.dtmf(ctx.params)
    service.send_dtmf(ctx.tx, ctx.services, ctx.api_key, ctx.path["uuid"], digits)
    return {"message": "DTMF sent", "uuid": ctx.path["uuid"]}


def listen_dtmf(ctx: Ctx) -> Response:
    service.voice_application(ctx.tx, ctx.principal)
    url = schemas.dtmf_listener(ctx.params)
    service.listen_dtmf(ctx.tx, ctx.services, ctx.api_key, ctx.path["uuid"], url)
    return Response(status_code=200)


def stop_listening_dtmf(ctx: Ctx) -> Response:
    service.voice_application(ctx.tx, ctx.principal)
    service.listen_dtmf(ctx.tx, ctx.services, ctx.api_key, ctx.path["uuid"], None)
    return Response(status_code=200)


def download_recording(ctx: Ctx) -> Response:
    """The WAV, rendered from what the recording heard: only for the application that made
    it (recording guide: "a JWT signed with the key of the same application")."""
    found = call_state.get_recording(ctx.tx, ctx.path["uuid"])
    if found is None or found.api_key != ctx.api_key:
        raise NotFound(f"Recording {ctx.path['uuid']} was not found")
    if found.application_id != ctx.principal.application_id:
        raise Unauthorized("The recording belongs to another application.")
    r = found.recording
    recording = FinishedRecording(
        recording_uuid=r["recording_uuid"],
        conversation_uuid=r["conversation_uuid"],
        start_time=r["start_time"],
        end_time=r["end_time"],
        format=r["format"],
        channels=r["channels"],
        sounds=tuple(Sound.from_json(s) for s in r["sounds"]),
    )
    return Response(wav_bytes(recording), media_type="audio/wav")


def routes() -> list[Any]:
    calls = {"auth": AUTH, "rate_limit": "voice"}
    one = "/v1/calls/{uuid}"
    return [
        route(
            VOICE,
            "/v1/calls",
            ["POST"],
            create_call,
            auth=AUTH,
            rate_limit="voice-create",
            status_code=201,
        ),
        route(VOICE, "/v1/calls", ["GET"], list_calls, **calls),
        route(VOICE, one, ["GET"], get_call, **calls),
        route(VOICE, one, ["PUT"], update_call, **calls),
        route(VOICE, one + "/talk", ["PUT"], start_talk, **calls),
        route(VOICE, one + "/talk", ["DELETE"], stop_talk, **calls),
        route(VOICE, one + "/stream", ["PUT"], start_stream, **calls),
        route(VOICE, one + "/stream", ["DELETE"], stop_stream, **calls),
        route(VOICE, one + "/dtmf", ["PUT"], send_dtmf, **calls),
        route(VOICE, one + "/input/dtmf", ["PUT"], listen_dtmf, **calls),
        route(VOICE, one + "/input/dtmf", ["DELETE"], stop_listening_dtmf, **calls),
        route(VOICE, "/v1/files/{uuid}", ["GET"], download_recording, **calls),
    ]


def register_jobs(services: Services) -> None:
    """`voice.step` moves calls on (a sync job: the call's changes, jobs and webhooks in one
    transaction); `voice.fetch` fetches NCCOs (async, see fetch.py)."""

    def step(tx: Tx, job: Job) -> None:
        driver.run_step(tx, services, job.payload)

    services.scheduler.register_sync(driver.STEP_JOB, step)
    services.scheduler.register(driver.FETCH_JOB, Fetcher(services).handle)
    services.verification.placer = CodeCalls(services, services.ids)
    services.scheduler.register(WEBSOCKET_JOB, WebsocketLegs(services).handle)


APIS = [VOICE]
