"""Device tokens: issued once in clear, kept as a hash, looked up fast on every message."""

import hashlib
import secrets
from dataclasses import dataclass
from uuid import UUID

from django.core.cache import cache

from parkos.iot.models import Device, DeviceCredential

IDENTITY_TTL = 60


@dataclass(frozen=True)
class DeviceIdentity:
    """What the ingest path needs to know about a device, small enough to cache."""

    device_id: UUID
    device_type_id: UUID
    park_id: UUID
    keys: dict[str, str]


def token_new() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _identity(device: Device) -> DeviceIdentity:
    return DeviceIdentity(
        device_id=device.id,
        device_type_id=device.device_type_id,
        park_id=device.park_id,
        keys={key.key: key.value_kind for key in device.device_type.keys.all()},
    )


def _token_cache_key(digest: str) -> str:
    return f"iot:token:{digest}"


def _device_cache_key(device_id) -> str:
    return f"iot:device:{device_id}"


def identity_for_token(token: str) -> DeviceIdentity | None:
    if not token or len(token) > 200:
        return None
    digest = token_hash(token)
    cached = cache.get(_token_cache_key(digest))
    if cached is not None:
        return cached or None
    credential = (
        DeviceCredential.objects.filter(token_hash=digest, revoked_at__isnull=True)
        .select_related("device__device_type")
        .first()
    )
    identity = _identity(credential.device) if credential else None
    # An unknown token is remembered too, so that a flood of bad tokens stays cheap.
    cache.set(_token_cache_key(digest), identity or False, IDENTITY_TTL)
    return identity


def identity_for_device(device_id) -> DeviceIdentity | None:
    """The device publishing on its own MQTT topic (the broker vouches for who it is)."""
    try:
        device_id = UUID(str(device_id))
    except ValueError:
        return None
    cached = cache.get(_device_cache_key(device_id))
    if cached is not None:
        return cached or None
    device = Device.objects.select_related("device_type").filter(pk=device_id).first()
    identity = _identity(device) if device else None
    cache.set(_device_cache_key(device_id), identity or False, IDENTITY_TTL)
    return identity


def identities_for_devices(device_ids) -> dict[str, DeviceIdentity | None]:
    """identity_for_device for many devices at once (an ingest worker resolving a batch):
    three queries however many devices miss the cache. Keyed by the ids as given."""
    found: dict[str, DeviceIdentity | None] = {}
    missing: dict[UUID, str] = {}
    for raw in device_ids:
        try:
            device_id = UUID(str(raw))
        except ValueError:
            found[raw] = None
            continue
        cached = cache.get(_device_cache_key(device_id))
        if cached is None:
            missing[device_id] = raw
        else:
            found[raw] = cached or None
    if missing:
        devices = (
            Device.objects.select_related("device_type")
            .prefetch_related("device_type__keys")
            .in_bulk(list(missing))
        )
        fresh = {}
        for device_id, raw in missing.items():
            device = devices.get(device_id)
            identity = _identity(device) if device else None
            found[raw] = identity
            fresh[_device_cache_key(device_id)] = identity or False
        cache.set_many(fresh, IDENTITY_TTL)
    return found


def identity_forget(*, device_id, token_hashes: list[str] = ()) -> None:
    cache.delete_many(
        [_device_cache_key(device_id), *(_token_cache_key(digest) for digest in token_hashes)]
    )
