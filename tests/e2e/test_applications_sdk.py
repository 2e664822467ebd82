"""The official SDK's Application client, every method and model, against a live Ringback."""

from __future__ import annotations

import ssl

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from vonage import Auth
from vonage_application import (
    ApplicationConfig,
    ApplicationUrl,
    Capabilities,
    Keys,
    ListApplicationsFilter,
    Messages,
    MessagesWebhooks,
    Privacy,
    Region,
    Rtc,
    RtcWebhooks,
    Vbc,
    Verify,
    VerifyWebhooks,
    Voice,
    VoiceUrl,
    VoiceWebhooks,
)
from vonage_http_client import HttpRequestError, NotFoundError

from ringback.testing.plugin import AccountHandle
from ringback.testing.server import RingbackProcess


def _key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@pytest.fixture(scope="module")
def own_keys() -> tuple[str, str]:
    return _key_pair()


def _every_capability() -> Capabilities:
    return Capabilities(
        voice=Voice(
            webhooks=VoiceWebhooks(
                answer_url=VoiceUrl(
                    address="https://example.com/answer",
                    http_method="POST",
                    connect_timeout=500,
                    socket_timeout=3000,
                ),
                fallback_answer_url=VoiceUrl(
                    address="https://fallback.example.com/answer", http_method="GET"
                ),
                event_url=VoiceUrl(
                    address="https://example.com/event",
                    http_method="POST",
                    connect_timeout=1000,
                    socket_timeout=10000,
                ),
            ),
            signed_callbacks=False,
            conversations_ttl=100,
            leg_persistence_time=14,
            region=Region.EU_WEST,
        ),
        rtc=Rtc(
            webhooks=RtcWebhooks(
                event_url=ApplicationUrl(address="https://example.com/rtc", http_method="GET")
            ),
            signed_callbacks=True,
        ),
        messages=Messages(
            webhooks=MessagesWebhooks(
                inbound_url=ApplicationUrl(
                    address="https://example.com/inbound", http_method="POST"
                ),
                status_url=ApplicationUrl(address="https://example.com/status", http_method="POST"),
            ),
            version="v0.1",
            authenticate_inbound_media=True,
        ),
        vbc=Vbc(),
        verify=Verify(
            webhooks=VerifyWebhooks(
                status_url=ApplicationUrl(address="https://example.com/verify", http_method="POST")
            ),
            version="v2",
        ),
    )


def _check(ringback: RingbackProcess, token: bytes | str) -> httpx.Response:
    raw = token.decode() if isinstance(token, bytes) else token
    return httpx.get(
        f"{ringback.https_url}/_ringback/credentials/check",
        headers={"Authorization": f"Bearer {raw}"},
        verify=ssl.create_default_context(cafile=ringback.ca),
    )


def _jwt(app_id: str, private_key: str) -> bytes:
    token = Auth(application_id=app_id, private_key=private_key).generate_application_jwt()
    assert isinstance(token, bytes)
    return token


def test_a_bare_application_gets_a_key_pair_shown_once(account: AccountHandle) -> None:
    created = account.client.application.create_application(ApplicationConfig(name="My App"))
    assert created.name == "My App"
    assert created.keys.public_key.startswith("-----BEGIN PUBLIC KEY-----")
    assert created.keys.private_key.startswith("-----BEGIN PRIVATE KEY-----")
    assert created.privacy.improve_ai is True  # the spec's default
    assert created.capabilities == Capabilities()
    assert created.link.endswith(f"/v2/applications/{created.id}")

    fetched = account.client.application.get_application(created.id)
    assert fetched.keys.public_key == created.keys.public_key
    assert not fetched.keys.model_extra  # the private key is never shown again
    assert fetched.model_dump() == created.model_dump(exclude={"keys"}) | {
        "keys": {"public_key": created.keys.public_key}
    }


def test_create_without_a_body_is_refused_for_its_missing_name(account: AccountHandle) -> None:
    with pytest.raises(HttpRequestError) as refused:
        account.client.application.create_application()
    assert refused.value.response.status_code == 400
    assert refused.value.response.json()["invalid_parameters"] == [
        {"name": "name", "reason": "is required"}
    ]


def test_every_capability_round_trips(account: AccountHandle, own_keys: tuple[str, str]) -> None:
    config = ApplicationConfig(
        name="Everything",
        capabilities=_every_capability(),
        privacy=Privacy(improve_ai=False),
        keys=Keys(public_key=own_keys[1]),
    )
    created = account.client.application.create_application(config)
    sent = config.model_dump(exclude_none=True)
    assert created.model_dump(exclude_none=True, exclude={"id", "link"}) == sent
    assert not created.keys.model_extra  # a supplied public key means no private key
    fetched = account.client.application.get_application(created.id)
    assert fetched.model_dump(exclude_none=True, exclude={"id", "link"}) == sent


def test_vonage_defaults_fill_what_was_left_out(account: AccountHandle) -> None:
    config = ApplicationConfig(
        name="Defaults",
        capabilities=Capabilities(
            voice=Voice(
                webhooks=VoiceWebhooks(
                    answer_url=VoiceUrl(address="https://example.com/answer"),
                    event_url=VoiceUrl(address="https://example.com/event"),
                )
            ),
            messages=Messages(
                webhooks=MessagesWebhooks(
                    inbound_url=ApplicationUrl(address="https://example.com/inbound")
                )
            ),
            rtc=Rtc(),
        ),
    )
    app = account.client.application.create_application(config)
    voice = app.capabilities.voice
    assert voice.webhooks.answer_url.http_method == "GET"
    assert voice.webhooks.event_url.http_method == "POST"
    assert voice.webhooks.answer_url.connect_timeout is None  # runtime defaults, not echoed
    assert (voice.signed_callbacks, voice.conversations_ttl, voice.leg_persistence_time) == (
        True,
        48,
        7,
    )
    assert app.capabilities.messages.version == "v1"
    assert app.capabilities.messages.webhooks.inbound_url.http_method == "POST"
    assert app.capabilities.rtc.webhooks == RtcWebhooks()


def test_update_replaces_name_and_capabilities_and_keeps_key_and_privacy(
    account: AccountHandle,
) -> None:
    apps = account.client.application
    created = apps.create_application(
        ApplicationConfig(
            name="Before", capabilities=_every_capability(), privacy=Privacy(improve_ai=False)
        )
    )
    rtc_only = Capabilities(
        rtc=Rtc(webhooks=RtcWebhooks(event_url=ApplicationUrl(address="https://e.example/rtc")))
    )
    updated = apps.update_application(
        created.id, ApplicationConfig(name="After", capabilities=rtc_only)
    )
    assert updated.id == created.id
    assert updated.name == "After"
    assert updated.capabilities.voice is None and updated.capabilities.messages is None
    assert updated.capabilities.rtc.webhooks.event_url.address == "https://e.example/rtc"
    assert updated.privacy.improve_ai is False
    assert updated.keys.public_key == created.keys.public_key
    assert not updated.keys.model_extra
    assert apps.get_application(created.id).model_dump() == updated.model_dump()

    cleared = apps.update_application(
        created.id, ApplicationConfig(name="Bare", privacy=Privacy(improve_ai=True))
    )
    assert cleared.capabilities == Capabilities()
    assert cleared.privacy.improve_ai is True


def test_list_pages_in_creation_order(account: AccountHandle, own_keys: tuple[str, str]) -> None:
    apps = account.client.application
    assert apps.list_applications() == ([], None)
    ids = [
        apps.create_application(
            ApplicationConfig(name=f"app {n}", keys=Keys(public_key=own_keys[1]))
        ).id
        for n in range(5)
    ]
    seen: list[str] = []
    page: int | None = 1
    pages = 0
    while page is not None:
        batch, page = apps.list_applications(ListApplicationsFilter(page_size=2, page=page))
        assert len(batch) == (2 if page is not None else 1)
        seen += [a.id for a in batch]
        pages += 1
    assert (seen, pages) == (ids, 3)

    everything, next_page = apps.list_applications()
    assert [a.id for a in everything] == ids and next_page is None
    assert everything[0].keys.public_key == own_keys[1]
    assert everything[0].link.endswith(f"/v2/applications/{ids[0]}")


def test_delete_then_the_application_is_gone(account: AccountHandle) -> None:
    apps = account.client.application
    app = apps.create_application(ApplicationConfig(name="Short lived"))
    assert apps.delete_application(app.id) is None
    with pytest.raises(NotFoundError):
        apps.get_application(app.id)
    with pytest.raises(NotFoundError):
        apps.delete_application(app.id)
    assert apps.list_applications() == ([], None)


def test_another_accounts_application_is_not_found(
    ringback: RingbackProcess, account: AccountHandle
) -> None:
    app = account.client.application.create_application(ApplicationConfig(name="Mine"))
    other = ringback.client(*ringback.new_account())
    for call in (
        lambda: other.application.get_application(app.id),
        lambda: other.application.update_application(app.id, ApplicationConfig(name="Theirs")),
        lambda: other.application.delete_application(app.id),
    ):
        with pytest.raises(NotFoundError) as refused:
            call()
        assert refused.value.response.json()["detail"] == (
            f"ID '{app.id}' does not exist, or you do not have access"
        )
    assert other.application.list_applications() == ([], None)
    assert account.client.application.get_application(app.id).name == "Mine"


def test_sdk_jwt_from_the_returned_private_key_authenticates(
    ringback: RingbackProcess, account: AccountHandle
) -> None:
    apps = account.client.application
    app = apps.create_application(ApplicationConfig(name="Signed"))
    response = _check(ringback, _jwt(app.id, app.keys.private_key))
    assert response.status_code == 200
    assert response.json() == {
        "api_key": account.api_key,
        "credential": "jwt",
        "application_id": app.id,
    }

    # rotating the public key retires the old private key
    new_private, new_public = _key_pair()
    apps.update_application(
        app.id, ApplicationConfig(name="Signed", keys=Keys(public_key=new_public))
    )
    assert _check(ringback, _jwt(app.id, app.keys.private_key)).status_code == 401
    assert _check(ringback, _jwt(app.id, new_private)).json()["application_id"] == app.id

    apps.delete_application(app.id)
    refused = _check(ringback, _jwt(app.id, new_private))
    assert refused.status_code == 401
    assert refused.json()["title"] == "Invalid credentials supplied"


def test_sdk_sees_validation_errors_as_400(account: AccountHandle) -> None:
    config = ApplicationConfig(
        name="Bad",
        capabilities=Capabilities(
            voice=Voice(
                webhooks=VoiceWebhooks(
                    answer_url=VoiceUrl(address="not a url", socket_timeout=8000)
                )
            )
        ),
    )
    with pytest.raises(HttpRequestError) as refused:
        account.client.application.create_application(config)
    body = refused.value.response.json()
    assert refused.value.response.status_code == 400
    assert body["type"] == "https://developer.nexmo.com/api-errors/application#payload-validation"
    assert body["invalid_parameters"] == [
        {
            "name": "capabilities.voice.webhooks.answer_url.address",
            "reason": "must be an absolute http or https URL",
        },
        {
            "name": "capabilities.voice.webhooks.answer_url.socket_timeout",
            "reason": "must be between 1000 and 5000",
        },
    ]
