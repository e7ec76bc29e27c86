"""Accounts in the permission matrix: the API tokens a signed-in user lists and revokes are
their own; each tenant's user holds one, so a revoke is addressed to a real token."""

from matrix.declarations import Rule

A = "parkos_accounts_api_"


def build(t, index: int) -> None:
    from parkos.accounts.services import token_create

    token, _raw = token_create(user=t.users["tenant"], name=f"matrix-{t.key}")
    t.ids["token_id"] = token.id


API = {
    f"{A}token_list": Rule("ANY", None),
    f"{A}token_revoke": Rule("ANY", None),
}
