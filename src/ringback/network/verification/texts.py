"""What a code says on each channel, per locale. Vonage's texts are not published word for
word; these follow the shape of its English SMS ("Your <brand> verification code is: 1234")."""

from __future__ import annotations

SMS_TEXTS = {
    "en": "Your {brand} verification code is: {code}",
    "es": "Su código de verificación de {brand} es: {code}",
    "fr": "Votre code de vérification {brand} est : {code}",
    "de": "Ihr {brand} Bestätigungscode lautet: {code}",
    "it": "Il tuo codice di verifica {brand} è: {code}",
    "pt": "O seu código de verificação {brand} é: {code}",
}
TALK_TEXTS = {
    "en": "Your {brand} verification code is {digits}. I repeat, your code is {digits}.",
    "es": "Su código de verificación de {brand} es {digits}. Repito, su código es {digits}.",
    "fr": "Votre code de vérification {brand} est {digits}. Je répète, votre code est {digits}.",
    "de": "Ihr {brand} Bestätigungscode lautet {digits}. Ich wiederhole, Ihr Code lautet {digits}.",
    "it": "Il tuo codice di verifica {brand} è {digits}. Ripeto, il tuo codice è {digits}.",
    "pt": "O seu código de verificação {brand} é {digits}. Repito, o seu código é {digits}.",
}
EMAIL_SUBJECTS = {
    "en": "Your {brand} verification code",
    "es": "Su código de verificación de {brand}",
    "fr": "Votre code de vérification {brand}",
    "de": "Ihr {brand} Bestätigungscode",
    "it": "Il tuo codice di verifica {brand}",
    "pt": "O seu código de verificação {brand}",
}


def _language(locale: str) -> str:
    return locale.split("-")[0].lower()


def _pick(table: dict[str, str], locale: str) -> str:
    return table.get(_language(locale), table["en"])


def sms_text(brand: str, code: str, locale: str) -> str:
    return _pick(SMS_TEXTS, locale).format(brand=brand, code=code)


def talk_text(brand: str, code: str, locale: str) -> str:
    """Read digit by digit ("1, 2, 3, 4"), twice."""
    return _pick(TALK_TEXTS, locale).format(brand=brand, digits=", ".join(code))


def email_subject(brand: str, locale: str) -> str:
    return _pick(EMAIL_SUBJECTS, locale).format(brand=brand)


def tts_language(locale: str) -> str:
    """A locale (`en-us`) as a text-to-speech language tag (`en-US`)."""
    language, _, region = locale.partition("-")
    return f"{language.lower()}-{region.upper()}" if region else language.lower()
