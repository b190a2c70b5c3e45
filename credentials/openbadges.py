"""Open Badges 3.0 credentials (W3C Verifiable Credentials) of a volunteer's badges and verified hours,
signed by the city as VC-JWT (OB 3.0 §8.2: a JWS whose payload is the credential with the JWT claims
`iss`, `jti`, `nbf`; RS256, which every OB 3.0 verifier supports; `kid` the address of the public key).
Revocation is published as a W3C Bitstring Status List, itself a signed credential.

The key comes from settings.OPEN_BADGES_SIGNING_KEY (a private JWK); without one it is made once and kept
in the private storage (PRIVATE_MEDIA_ROOT/keys/, or the bucket's private/keys/), never served. JOSE is
joserfc's (maintained, by Authlib's author).
"""

from __future__ import annotations

import base64
import datetime
import functools
import gzip
import hashlib
import json
import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import timezone, translation
from joserfc import jws
from joserfc.jwk import RSAKey

from core.storage import private_storage

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ALGORITHM = "RS256"
# The W3C Bitstring Status List's smallest list: 16 KB of bits, so that one revocation says little.
STATUS_LIST_BITS = 131_072


class CredentialInvalid(Exception):
    """The token is not one the city signed, or was changed since."""


KEY_NAME = "keys/open-badges-rsa.json"


def _key_place() -> str:
    """Where the generated key lives, as a name for the per-process memo (a test's own folder is another)."""
    storage = private_storage()
    return getattr(storage, "bucket_name", None) or str(getattr(storage, "location", ""))


@functools.cache
def _signing_key_for(configured: str, place: str) -> RSAKey:
    if configured:
        return RSAKey.import_key(json.loads(configured))
    storage = private_storage()
    if not storage.exists(KEY_NAME):
        # Made once, in the private storage every machine shares. Two machines making it at the very same
        # moment would each keep their own (a site of several machines sets OPEN_BADGES_SIGNING_KEY: the
        # deployment check says so).
        key = RSAKey.generate_key(2048, private=True)
        saved = storage.save(KEY_NAME, ContentFile(json.dumps(key.as_dict(private=True)).encode()))
        if saved != KEY_NAME:  # another process saved it first: theirs is the key
            storage.delete(saved)
        if isinstance(storage, FileSystemStorage):
            Path(storage.path(KEY_NAME)).chmod(0o600)  # readable by this user only
    with storage.open(KEY_NAME, "rb") as kept:
        return RSAKey.import_key(json.loads(kept.read()))


def signing_key() -> RSAKey:
    return _signing_key_for(settings.OPEN_BADGES_SIGNING_KEY, _key_place())


def public_jwk() -> dict:
    """The public key as a bare JWK, as its `kid` address answers it."""
    key = signing_key().as_dict(private=False)
    return {"kty": key["kty"], "n": key["n"], "e": key["e"], "alg": ALGORITHM, "use": "sig"}


def absolute(name: str, *args) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(name, args=args)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def issuer_profile() -> dict:
    return {
        "id": absolute("credentials:ob_issuer"),
        "type": ["Profile"],
        # in the language being written (the credential's), the city's own language otherwise
        "name": settings.HAMYAR_MUNICIPALITY.get(
            (translation.get_language() or "")[:2], settings.HAMYAR_MUNICIPALITY[settings.LANGUAGE_CODE]
        ),
        "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/",
    }


def _sign(claims: dict) -> str:
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": absolute("credentials:ob_key")}
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(header, payload, signing_key(), algorithms=[ALGORITHM])


def credential_claims(
    *,
    credential_id: str,
    achievement: dict,
    subject_extra: dict,
    name: str,
    evidence: list,
    valid_from,
    status_index: int,
    identity: str,
) -> dict:
    """The credential with the JWT claims of OB 3.0 §8.2. The subject is named by a salted hash of their
    contact (an IdentityObject), never in the clear."""
    salt = secrets.token_hex(8)
    issued = valid_from.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    status_url = absolute("credentials:ob_status")
    return {
        "@context": CONTEXTS,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(),
        "validFrom": issued,
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + hashlib.sha256((identity + salt).encode()).hexdigest(),
                    "identityType": "emailAddress" if "@" in identity else "identifier",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": achievement,
            **subject_extra,
        },
        "evidence": evidence,
        "credentialStatus": {
            "id": f"{status_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_url,
        },
        "iss": issuer_profile()["id"],
        "jti": credential_id,
        "nbf": int(valid_from.timestamp()),
    }


def sign_credential(claims: dict) -> str:
    return _sign(claims)


def read_credential(token: str) -> dict:
    """The credential in a token the city signed; CredentialInvalid if it is not, or was changed."""
    try:
        result = jws.deserialize_compact(token.strip(), public_key(), algorithms=[ALGORITHM])
        return json.loads(result.payload)
    except Exception as error:  # any failure to parse or verify is the same answer: not ours as it is
        raise CredentialInvalid(str(error)) from None


def public_key() -> RSAKey:
    return RSAKey.import_key(public_jwk())


def status_list_bits(revoked_indices) -> bytes:
    bits = bytearray(STATUS_LIST_BITS // 8)
    for index in revoked_indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encoded_list(revoked_indices) -> str:
    """The Bitstring Status List's `encodedList`: GZIP, then base64url with multibase's "u" prefix."""
    compressed = gzip.compress(status_list_bits(revoked_indices), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def is_revoked(encoded: str, index: int) -> bool:
    data = encoded[1:] + "=" * (-len(encoded[1:]) % 4)
    bits = gzip.decompress(base64.urlsafe_b64decode(data))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_token(revoked_indices) -> str:
    """The signed BitstringStatusListCredential that says which credentials are revoked."""
    status_url = absolute("credentials:ob_status")
    now = timezone.now()
    return _sign(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": status_url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer_profile()["id"],
            "validFrom": now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "credentialSubject": {
                "id": f"{status_url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encoded_list(revoked_indices),
            },
            "iss": issuer_profile()["id"],
            "nbf": int(now.timestamp()),
        }
    )
