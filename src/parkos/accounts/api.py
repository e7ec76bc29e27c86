from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from parkos.accounts import throttle
from parkos.accounts.selectors import user_roles
from parkos.accounts.services import token_issue_for_credentials
from parkos.core.errors import ServiceError

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


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
        token = token_issue_for_credentials(
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
        "roles": sorted(user_roles(user)),
    }
