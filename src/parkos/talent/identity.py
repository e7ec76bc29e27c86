"""Identity numbers and phones: the resident ID number (GB 11643-1999) checked by its check
digit, stored encrypted (AES-GCM), compared through a keyed hash (HMAC-SHA256) and shown masked.

The keys come from TALENT_ID_KEY when set (any string; production should set it, and keep it
apart from SECRET_KEY so rotating one does not lose the other), else they are derived from
SECRET_KEY. Both keys are derived with HKDF under distinct labels, so the encryption key and the
hashing key are never the same bytes. Changing the secret makes stored ID numbers unreadable and
their hashes unmatchable: rotate by re-encrypting, never by just changing it.
"""

import base64
import hashlib
import hmac
import os
import re
from datetime import date
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

from parkos.core.errors import ValidationFailed
from parkos.talent.errors import TalentError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
_PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number_clean(value: str, *, field: str = "id_number") -> str:
    """The ID number in its canonical form (upper-case X), or a ValidationFailed naming
    `field`: 18 characters, a real date of birth, and the GB 11643 check digit."""
    number = (value or "").strip().replace(" ", "").upper()
    if not _ID_PATTERN.match(number):
        raise ValidationFailed.for_field(
            field,
            _("An ID number has 18 characters: 17 digits and a digit or X."),
            code=TalentError.ID_NUMBER,
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or not date(1900, 1, 1) <= born <= date.today():
        raise ValidationFailed.for_field(
            field,
            _("The date of birth in this ID number is not a real date."),
            code=TalentError.ID_NUMBER,
        )
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationFailed.for_field(
            field,
            _("The last character of this ID number does not match the others: check it."),
            code=TalentError.ID_NUMBER,
        )
    return number


def phone_clean(value: str, *, field: str = "phone") -> str:
    number = re.sub(r"[\s-]", "", value or "").removeprefix("+86")
    if not _PHONE_PATTERN.match(number):
        raise ValidationFailed.for_field(
            field, _("Enter a mainland mobile number of 11 digits."), code=TalentError.PHONE
        )
    return number


def _secret() -> bytes:
    configured = os.environ.get("TALENT_ID_KEY") or getattr(settings, "TALENT_ID_KEY", "")
    return (configured or settings.SECRET_KEY).encode()


@lru_cache(maxsize=4)
def _derive(secret: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"parkos.talent", info=label).derive(
        secret
    )


def _encryption_key() -> bytes:
    return _derive(_secret(), b"id-number-encryption")


def _hash_key() -> bytes:
    return _derive(_secret(), b"id-number-hmac")


def id_encrypt(number: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_encryption_key()).encrypt(nonce, number.encode(), b"talent.id")
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def id_decrypt(token: str) -> str:
    raw = base64.urlsafe_b64decode(token.encode())
    return AESGCM(_encryption_key()).decrypt(raw[:12], raw[12:], b"talent.id").decode()


def id_hmac(number: str) -> str:
    return hmac.new(_hash_key(), number.encode(), hashlib.sha256).hexdigest()


def id_mask(number: str) -> str:
    return f"{number[:3]}{'*' * 11}{number[-4:]}" if len(number) == 18 else "****"


def phone_mask(number: str) -> str:
    return f"{number[:3]}****{number[-4:]}" if len(number) == 11 else "****"


def name_mask(name: str) -> str:
    return f"{name[:1]}{'*' * max(1, len(name) - 1)}" if name else ""


def candidate_display_name(application) -> str:
    """The applicant's name as the reader of an application sees it: erased people stay erased,
    and an enterprise whose consent was withdrawn sees the name masked."""
    candidate = application.candidate
    if application.anonymised or candidate.deleted_at is not None:
        return _("(erased)")
    if getattr(application, "shared", True):
        return candidate.name
    return name_mask(candidate.name)
