"""The optional sentence encoder: a model a park installs at a local path, blended with the
embedded default (`MatchIndex(..., encoder=...)`). Never downloaded at run time.

Two formats are read:
- ONNX: a folder with `model.onnx` and `tokenizer.json` (needs `onnxruntime` and `tokenizers`,
  both installable without PyTorch); mean pooling over the attention mask, as the
  sentence-transformers MiniLM family does.
- sentence-transformers: a folder with `modules.json` (needs the `sentence-transformers`
  package, which brings PyTorch; a park that wants it installs it itself).

An encoder is anything with `encode(list[str]) -> array (n, dims)`; that is all the index asks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np


class SentenceEncoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


class EncoderUnavailable(Exception):
    """The model folder is missing ("no_folder"), of an unknown format ("unknown_format"), or
    its runtime is not installed ("missing_package"); the caller words the code."""

    def __init__(self, code: str, **values):
        super().__init__(f"{code} {values}")
        self.code, self.values = code, values


class OnnxEncoder:
    def __init__(self, folder: Path, *, max_length: int = 256, batch_size: int = 64):
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as missing:
            raise EncoderUnavailable(
                "missing_package", packages="onnxruntime tokenizers", missing=missing.name
            ) from None
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.enable_padding()
        self.session = onnxruntime.InferenceSession(
            str(folder / "model.onnx"), providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        out = []
        for start in range(0, len(texts), self.batch_size):
            batch = self.tokenizer.encode_batch(list(texts[start : start + self.batch_size]))
            ids = np.asarray([e.ids for e in batch], dtype=np.int64)
            mask = np.asarray([e.attention_mask for e in batch], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            weights = mask[..., None].astype(np.float32)
            out.append((hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9))
        if not out:
            return np.zeros((0, 1), dtype=np.float32)
        return np.vstack(out).astype(np.float32)


class SentenceTransformersEncoder:
    def __init__(self, folder: Path):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EncoderUnavailable(
                "missing_package", packages="sentence-transformers", missing="sentence_transformers"
            ) from None
        self.model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.encode(list(texts), batch_size=64), dtype=np.float32)


def encoder_format(path: str | Path) -> str:
    """'onnx' or 'sentence-transformers', from the files in the folder; raises otherwise."""
    folder = Path(path)
    if not folder.is_dir():
        raise EncoderUnavailable("no_folder", path=str(folder))
    if (folder / "model.onnx").is_file() and (folder / "tokenizer.json").is_file():
        return "onnx"
    if (folder / "modules.json").is_file():
        return "sentence-transformers"
    raise EncoderUnavailable("unknown_format", path=str(folder))


def load_encoder(path: str | Path) -> SentenceEncoder:
    folder = Path(path)
    if encoder_format(folder) == "onnx":
        return OnnxEncoder(folder)
    return SentenceTransformersEncoder(folder)
