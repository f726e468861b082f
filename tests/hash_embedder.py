"""A tiny HTTP embedding service for the tests of Meilisearch's `rest` embedder.

    python tests/hash_embedder.py PORT KEY LOG

Answers POST {"texts": [...]} with {"vectors": [[...], ...]}: each text's words hashed into
DIMENSIONS signed buckets, L2-normalised (deterministic: texts sharing words are close).
Refuses any request whose `Authorization` is not `Bearer KEY` (401), and appends every text
it embeds to LOG, one JSON string a line, so a test can see what Meilisearch sent.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DIMENSIONS = 64
REQUEST = {"texts": ["{{text}}", "{{..}}"]}  # the templates a test configures, as Meilisearch
RESPONSE = {"vectors": ["{{embedding}}", "{{..}}"]}  # defines them


def embed(text: str) -> list[float]:
    vector = [0.0] * DIMENSIONS
    for word in re.findall(r"\w+", text.lower()):
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        bucket = int.from_bytes(digest[:4], "little") % DIMENSIONS
        vector[bucket] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


def main() -> None:
    port, key, log = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.headers.get("Authorization") != f"Bearer {key}":
                self.send_response(401)
                self.end_headers()
                return
            texts = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["texts"]
            with log.open("a") as file:
                file.writelines(json.dumps(text) + "\n" for text in texts)
            body = json.dumps({"vectors": [embed(text) for text in texts]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
