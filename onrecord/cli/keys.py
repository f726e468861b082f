"""`onrecord keys`: API keys."""

from __future__ import annotations

from typing import Annotated

import typer

from db.vocabulary import Scope
from onrecord.cli.common import err, fail, open_stores, out

app = typer.Typer(help="API keys: create, list, revoke.", no_args_is_help=True)


@app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="Who the key is for, e.g. 'cms-prod'.")],
    scope: Annotated[
        list[Scope],
        typer.Option("--scope", "-s", help="read, write, edit, alerts or admin; repeatable."),
    ] = [Scope.write],  # noqa: B006
) -> None:
    """Create an API key; the secret is printed once and stored only as a digest."""
    from db.api_keys import service as api_keys
    from db.session import transaction

    stores = open_stores()
    with transaction(stores.factory) as session:
        secret, key_id = api_keys.create_key(session, name, scope)
    err.print(
        f"created key {key_id} for {name!r} with scopes {', '.join(s.value for s in scope)}; "
        "store it now, it cannot be shown again:",
        highlight=False,
    )
    out.print(secret, highlight=False)


@app.command("list")
def keys_list(
    all_: Annotated[bool, typer.Option("--all", help="Include revoked keys.")] = False,
) -> None:
    """API keys with their prefixes, scopes and last use (never the secrets)."""
    from rich.table import Table

    from db.api_keys import repository as api_key_repo

    stores = open_stores()
    with stores.factory() as session:
        keys = api_key_repo.list_api_keys(session, include_revoked=all_)
        table = Table("id", "name", "prefix", "scopes", "created", "last used", "revoked", box=None)
        for key in keys:
            table.add_row(
                str(key.id),
                key.name,
                key.prefix,
                ",".join(key.scopes),
                f"{key.created_at:%Y-%m-%d %H:%M}",
                f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never",
                f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "",
            )
    out.print(table if keys else "no keys")


@app.command("revoke")
def keys_revoke(
    ref: Annotated[str, typer.Argument(help="Key id or prefix (from `keys list`).")],
) -> None:
    """Revoke an API key at once."""
    from db.api_keys import repository as api_key_repo
    from db.api_keys import service as api_keys
    from db.session import transaction

    stores = open_stores()
    with transaction(stores.factory) as session:
        key = api_key_repo.find_api_key(session, ref)
        if key is None:
            raise fail(f"no key {ref!r}")
        if key.name == api_keys.BOOTSTRAP_NAME:
            raise fail("this key comes from ONRECORD_API_KEYS: remove it there instead")
        api_key_repo.revoke_api_key(session, key)
        out.print(f"revoked key {key.id} ({key.prefix})", highlight=False)


@app.command("sign-out")
def keys_sign_out(
    ref: Annotated[str, typer.Argument(help="Key id or prefix (from `keys list`).")],
) -> None:
    """End every editor browser session signed in with this key; the key stays valid
    (`keys revoke` ends them too)."""
    from db.api_keys import repository as api_key_repo
    from db.editor_sessions import service as sessions

    stores = open_stores()
    with stores.factory() as session:
        key = api_key_repo.find_api_key(session, ref)
        if key is None:
            raise fail(f"no key {ref!r}")
        key_id, prefix = key.id, key.prefix
    ended = sessions.sign_out_key(stores.factory, key_id)
    out.print(f"ended {ended} editor session(s) of key {key_id} ({prefix})", highlight=False)
