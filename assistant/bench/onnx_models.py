"""Runtimes for the same e5 model, for the encoder benchmark: the product's torch and OpenVINO
backends, and, for comparison only, ONNX Runtime (fp32, int8 dynamic quantisation) and OpenVINO
on the int8 graph, over an ONNX graph exported here. Embeddings are the model's own: prompts,
mean pooling, L2 norm."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from ..e5convert import PROMPTS
from ..openvino_encoder import export_onnx, threads

# "torch" and "openvino" are the product's own backends (assistant.embedding); the others
# exist only here, for comparison
RUNTIMES = ("torch", "openvino", "onnx-fp32", "onnx-int8", "openvino-int8")
MAX_TOKENS = 512


def quantise_int8(source: Path, target: Path) -> Path:
    """Dynamic int8 quantisation of the weights (activations stay float); kept if it exists."""
    if target.exists():
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_suffix(".tmp.onnx")
    quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8)
    tmp.replace(target)
    return target


class _OnnxRuntime:
    def __init__(self, path: Path):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads()
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]


class _OpenVino:
    def __init__(self, path: Path):
        import openvino as ov

        core = ov.Core()
        self.compiled = core.compile_model(
            str(path), "CPU", {"INFERENCE_NUM_THREADS": threads(), "PERFORMANCE_HINT": "LATENCY"}
        )

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        result = self.compiled({"input_ids": ids, "attention_mask": mask})
        return next(iter(result.values()))


class GraphEmbedder(Embeddings):
    """LangChain embeddings from an exported graph: same prompts, pooling and normalisation as
    `assistant.embedding.Embedder`; texts are sorted by length so batches pad little."""

    def __init__(self, run, tokenizer, name: str, batch_size: int = 16):
        self.run = run
        self.tokenizer = tokenizer
        self.name = name
        self.batch_size = batch_size
        self.query_prompt = PROMPTS["query"]
        self.document_prompt = PROMPTS["passage"]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts, self.document_prompt).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text], self.query_prompt)[0].tolist()

    def encode(self, texts: Sequence[str], prompt: str, batch_size: int | None = None):
        size = batch_size or self.batch_size
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), 0), dtype=np.float32)
        parts = []
        for start in range(0, len(order), size):
            batch = [prompt + texts[i] for i in order[start : start + size]]
            enc = self.tokenizer(
                batch, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np"
            )
            ids = enc["input_ids"].astype(np.int64)
            mask = enc["attention_mask"].astype(np.int64)
            hidden = self.run(ids, mask)
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(1) / np.clip(weights.sum(1), 1e-9, None)
            parts.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
        if parts:
            out = np.empty((len(texts), parts[0].shape[1]), dtype=np.float32)
            out[order] = np.concatenate(parts)
        return out


def load_runtime(runtime: str, settings, work: Path):
    """(embedder, encode(texts) → array) for one of RUNTIMES; the bench-only ones export (and
    quantise) into `work` first."""
    from dataclasses import replace

    from ..embedding import load_embedder, resolve_model

    if runtime in ("torch", "openvino"):
        model = load_embedder(replace(settings, embed_backend=runtime))
        return model, lambda texts: np.array(model.embed_documents(list(texts)))
    from transformers import AutoTokenizer

    model_dir = Path(resolve_model(settings))
    fp32 = export_onnx(model_dir, work / "model-fp32.onnx")
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    if runtime == "onnx-fp32":
        run = _OnnxRuntime(fp32)
    elif runtime == "onnx-int8":
        run = _OnnxRuntime(quantise_int8(fp32, work / "model-int8.onnx"))
    elif runtime == "openvino-int8":
        run = _OpenVino(quantise_int8(fp32, work / "model-int8.onnx"))
    else:
        raise ValueError(f"unknown runtime {runtime!r} (one of {', '.join(RUNTIMES)})")
    model = GraphEmbedder(run, tokenizer, f"{settings.model}+{runtime}", settings.embed_batch_size)
    return model, lambda texts: model.encode(list(texts), model.document_prompt)
