"""`onrecord articles`: stored articles."""

from __future__ import annotations

from typing import Annotated

import typer

from onrecord.cli.common import err, fail, open_stores, out

app = typer.Typer(help="Stored articles.", no_args_is_help=True)


@app.command("delete")
def articles_delete(
    article_ids: Annotated[list[int], typer.Argument(help="Article ids to delete.")],
) -> None:
    """Delete articles and their quotes from PostgreSQL and from the search index."""
    from db.articles import service as article_service

    stores = open_stores()
    missing = []
    for article_id in article_ids:
        deleted = article_service.delete_article(stores.factory, stores.index, article_id)
        if deleted is None:
            missing.append(article_id)
            continue
        removed, sync = deleted
        out.print(f"deleted article {article_id} and {len(removed)} quotes")
        if sync.error:
            err.print(
                f"[yellow]warning:[/] removed from PostgreSQL; the index follows when "
                f"Meilisearch is back ({sync.pending} waiting): {sync.error}",
                highlight=False,
            )
    if missing:
        raise fail(f"no article {', '.join(map(str, missing))}")
