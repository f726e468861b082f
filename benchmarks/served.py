"""What the benchmarks that talk to a served OnRecord share: private durable stores in a home
folder, the real app served by uvicorn on a thread, webhook receivers, and percentiles."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import uvicorn

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from db import migrate  # noqa: E402
from db.services import MeiliProcess, PostgresCluster, find_meili_bin, free_port  # noqa: E402
from db.settings import ResolvedSettings, Settings  # noqa: E402
from db.stores import Stores  # noqa: E402
from onrecord.root import build_app  # noqa: E402


@dataclass(frozen=True)
class PrivateStores:
    home: Path
    database_url: str
    meili_url: str
    meili_key: str


@contextmanager
def private_stores(
    prefix: str, home: Path | None = None, durable: bool = True
) -> Iterator[PrivateStores]:
    """PostgreSQL (fsync on unless not `durable`) and Meilisearch in `home` (a temporary
    folder, removed afterwards, by default), migrated."""
    folder = home or Path(tempfile.mkdtemp(prefix=prefix))
    cluster = PostgresCluster(folder / "postgres", durable=durable)
    meili = MeiliProcess(folder / "meilisearch", find_meili_bin(Settings()))
    try:
        database_url = cluster.start()
        meili_url, meili_key = meili.start()
        migrate.upgrade(database_url)
        yield PrivateStores(folder, database_url, meili_url, meili_key)
    finally:
        meili.stop()
        cluster.stop()
        if home is None:
            shutil.rmtree(folder, ignore_errors=True)


def settings_for(stores: PrivateStores, **changes: object) -> ResolvedSettings:
    return ResolvedSettings(
        database_url=stores.database_url,
        meili_url=stores.meili_url,
        meili_master_key=stores.meili_key,
        home=stores.home,
        **changes,  # type: ignore[arg-type]
    )


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # this thread owns no signals
        pass


class AppServer:
    """The real app over these settings, served on a free port by a thread of this process."""

    def __init__(self, settings: ResolvedSettings):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            build_app(Stores.open(settings)), port=self.port, log_level="warning"
        )
        self._server = _Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        while not self._server.started:
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


class Receiver:
    """A local webhook receiver: remembers when each webhook-id was first accepted and counts
    duplicates. `flaky` fails half the requests: the first of each webhook-id gets 500, its
    retry is accepted (failing every other request overall would let one event lose the
    toss several times in a row and wait out the whole backoff)."""

    def __init__(self, flaky: bool) -> None:
        self.accepted: dict[str, tuple[float, dict]] = {}  # webhook-id → (time.time(), payload)
        self.duplicates = 0
        self.requests = 0
        self.refused: set[str] = set()  # webhook-ids answered 500 once
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                message_id = self.headers["webhook-id"]
                with receiver.lock:
                    receiver.requests += 1
                    failing = flaky and message_id not in receiver.refused
                    if failing:
                        receiver.refused.add(message_id)
                    else:
                        if message_id in receiver.accepted:
                            receiver.duplicates += 1
                        else:
                            receiver.accepted[message_id] = (time.time(), json.loads(body))
                self.send_response(500 if failing else 204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def arrival(self, quote_ids: set[int] | None = None, text: str | None = None) -> float | None:
        """When the first event about one of these quotes (or quoting `text`) was accepted."""
        with self.lock:
            for when, event in self.accepted.values():
                quote = event["data"]["quote"]
                if (quote_ids and quote["id"] in quote_ids) or (text and text in quote["text"]):
                    return when
        return None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
