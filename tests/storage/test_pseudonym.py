from __future__ import annotations

import pytest

from bot.privacy.pseudonym import pseudonym


def test_keyed_hash_is_stable_hex_and_depends_on_secret() -> None:
    a = pseudonym("secret-one", 123456789)
    assert a == pseudonym("secret-one", 123456789)
    assert len(a) == 64 and int(a, 16) >= 0
    assert a != pseudonym("secret-two", 123456789)
    assert a != pseudonym("secret-one", 123456780)
    assert "123456789" not in a


def test_known_value() -> None:
    # HMAC-SHA256(key=b"k", msg=b"42"), computed independently
    assert pseudonym("k", 42) == "7955074f51169f1f64053d8b2c403d7f41ee7ca4f3f9fe1c7b84f91083f2c50a"


def test_empty_secret_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="PSEUDONYM_SECRET"):
        pseudonym("", 1)
