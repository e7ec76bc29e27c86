from datetime import datetime
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from parkos.accounts import selectors, services, throttle
from parkos.core.errors import ServiceError
from parkos.core.selectors import get_or_404

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class ApiTokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class MeOut(Schema):
    id: str
    username: str
    display_name: str
    language: str
    roles: list[str]


@router.post("/token", auth=None, response=TokenOut)
def token_obtain(request, payload: TokenIn):
    if throttle.sign_in_blocked(request, payload.username):
        raise HttpError(429, _("Too many failed sign-ins. Wait a few minutes and try again."))
    try:
        token = services.token_issue_for_credentials(
            request=request, username=payload.username, password=payload.password
        )
    except ServiceError:
        throttle.sign_in_failed(request, payload.username)
        raise
    throttle.sign_in_succeeded(request, payload.username)
    return {"token": token}


@router.get("/me", response=MeOut)
def me(request):
    user = request.user
    return {
        "id": str(user.id),
        "username": user.username,
        "display_name": user.display_name,
        "language": user.language,
        "roles": sorted(selectors.user_roles(user)),
    }


@router.get("/tokens", response=list[ApiTokenOut])
def token_list(request):
    """The caller's own tokens still working; the keys themselves are never shown again."""
    return list(selectors.token_list(actor=request.user))


@router.delete("/tokens/{token_id}", response={204: None})
def token_revoke(request, token_id: UUID):
    """Revoke one of the caller's tokens; it stops working at once. Another's token is 404."""
    token = get_or_404(selectors.token_list(actor=request.user), pk=token_id)
    services.token_revoke(user=request.user, token_id=token.pk)
    return Status(204, None)
