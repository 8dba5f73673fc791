"""The embedding model through OpenVINO (the only openvino and torch.onnx code).

The transformer of a local sentence-transformers folder is exported once to ONNX inside that
folder (`openvino/model.onnx`), then compiled for the CPU. Texts go through the folder's own
tokenizer, prompts, mean pooling and L2 normalisation, so the vectors are the torch model's
(cosine ≥ 0.9999 on our chunks, see BENCHMARKS.md) at about three times its speed here.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

EXPORT = Path("openvino") / "model.xml"  # OpenVINO IR, weights stored as float16


class UnsupportedModel(Exception):
    """The folder is not a transformer + mean pooling + normalise model this module can run."""


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def check_folder(folder: Path) -> None:
    """Raise UnsupportedModel unless the folder is Transformer → mean Pooling → Normalize."""
    modules = _read_json(folder / "modules.json")
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules or []]
    if kinds != ["Transformer", "Pooling", "Normalize"]:
        raise UnsupportedModel(f"{folder}: modules {kinds}")
    pooling = _read_json(folder / "1_Pooling" / "config.json")
    if not pooling.get("pooling_mode_mean_tokens") or any(
        v
        for k, v in pooling.items()
        if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens"
    ):
        raise UnsupportedModel(f"{folder}: pooling is not mean pooling alone")


def export_ir(folder: Path, target: Path) -> Path:
    """The folder's transformer as OpenVINO IR (`target` .xml + .bin), from an ONNX export;
    weights stored as float16 (half the disk; computed in float32). Written once."""
    if target.exists():
        return target
    import openvino as ov

    onnx = export_onnx(folder, target.with_name(f"export.{os.getpid()}.onnx"))
    try:
        tmp = target.with_name(f"{target.stem}.{os.getpid()}.tmp.xml")
        ov.save_model(ov.convert_model(str(onnx)), str(tmp), compress_to_fp16=True)
        tmp.with_suffix(".bin").replace(target.with_suffix(".bin"))
        tmp.replace(target)
    finally:
        onnx.unlink(missing_ok=True)
    return target


def export_onnx(folder: Path, target: Path) -> Path:
    """The folder's transformer as an ONNX graph (input_ids, attention_mask → last hidden
    state; batch and length dynamic); written once, atomically."""
    if target.exists():
        return target
    import torch
    from transformers import AutoModel

    class Hidden(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    model = Hidden(AutoModel.from_pretrained(str(folder), local_files_only=True)).eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.stem}.{os.getpid()}.tmp.onnx")
    axes = {0: "batch", 1: "seq"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on shape checks that hold for any length
        torch.onnx.export(
            model,
            (ids, torch.ones_like(ids)),
            str(tmp),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=17,
            dynamo=False,
        )
    tmp.replace(target)
    return target


def threads() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


class OpenVinoModel:
    """The part of `SentenceTransformer` that `embedding.Embedder` uses, run by OpenVINO."""

    def __init__(self, folder: Path, graph: Path | None = None):
        import openvino as ov
        from transformers import AutoTokenizer

        check_folder(folder)
        self.folder = folder
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        config = _read_json(folder / "sentence_bert_config.json")
        self.max_seq_length = int(config.get("max_seq_length") or 512)
        self.prompts = _read_json(folder / "config_sentence_transformers.json").get("prompts", {})
        self._dim = int(_read_json(folder / "config.json").get("hidden_size") or 0)
        graph = graph or export_ir(folder, folder / EXPORT)
        options = {"INFERENCE_NUM_THREADS": threads(), "PERFORMANCE_HINT": "LATENCY"}
        self._compiled = ov.Core().compile_model(str(graph), "CPU", options)

    def get_embedding_dimension(self) -> int:
        return self._dim

    def encode(
        self,
        sentences: Sequence[str],
        prompt: str | None = None,
        batch_size: int = 16,
        normalize_embeddings: bool = True,
        **_ignored,
    ) -> np.ndarray:
        """Vectors of the texts (prompt prepended), longest first in batches, in input order."""
        texts = [(prompt or "") + t for t in sentences]
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            picked = order[start : start + batch_size]
            enc = self.tokenizer(
                [texts[i] for i in picked],
                padding=True,
                truncation=True,
                max_length=self.max_seq_length,
                return_tensors="np",
            )
            mask = enc["attention_mask"].astype(np.int64)
            request = self._compiled.create_infer_request()  # one per call: thread-safe
            result = request.infer(
                {"input_ids": enc["input_ids"].astype(np.int64), "attention_mask": mask}
            )
            hidden = next(iter(result.values()))
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(1) / np.clip(weights.sum(1), 1e-9, None)
            if normalize_embeddings:
                pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[picked] = pooled
        return out
