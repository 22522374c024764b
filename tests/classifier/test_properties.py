"""Property tests of the text pipeline on arbitrary Unicode: emoji, control characters, lone
surrogates, mixed scripts, very long strings. It answers or says the text is unusable; it never
raises anything else, is deterministic, and its spans point into the caller's own text."""
from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from classifier.mask import mask
from classifier.prepare import UnusableText, prepare, prepare_view
from corpus.jurisdiction import load_profile

ANY_CHARACTER = st.characters(codec=None, categories=None)  # every code point, surrogates included
CALL_LIKE = st.text(alphabet=st.sampled_from(list("喂我家煤气味电梯关人了停水工资报警１２３4567890１３９ 　，。！？😀\u200b\t\n\x00\ufeffabcＡＢＣ-·")), max_size=300)
TEXTS = st.one_of(st.text(ANY_CHARACTER, max_size=400), CALL_LIKE)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


@PROPERTY
@given(TEXTS)
def test_preparing_any_text_never_raises_and_is_deterministic(text):
    first = prepare(text)
    assert isinstance(first, str)
    assert prepare(text) == first


@PROPERTY
@given(TEXTS)
def test_masking_any_text_never_raises_and_never_grows_digits(text):
    masked = mask(text)
    assert mask(text) == masked
    assert sum(ch.isdigit() for ch in masked) <= sum(ch.isdigit() for ch in text)


@PROPERTY
@given(TEXTS)
def test_any_text_gets_a_prediction_or_a_clear_refusal(router, text):
    profile = load_profile("default")
    try:
        prediction = router.suggest(text, profile)
    except UnusableText as refusal:
        assert str(refusal)
        return
    assert prediction == router.suggest(text, profile)
    assert prediction["tier"] in {"emergency", "urgent", "routine"}
    assert 0.0 <= prediction["confidence"] <= 1.0
    for flag in prediction["red_flags"]:
        assert 0 <= flag["start"] < flag["end"] <= len(text)
        assert text[flag["start"]:flag["end"]] == flag["text"]


def _finishes(action, seconds: float) -> bool:
    """A hang detector (catastrophic backtracking, quadratic loops), not a speed measurement."""
    done = threading.Event()

    def run():
        action()
        done.set()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    return done.is_set()


@pytest.mark.parametrize("text", [
    "喂" * 100_000,
    "1" * 100_000,
    "😀\u0000\ud800" * 33_000,
    "煤气味没有人受伤，" * 11_000,
    "13912345678 " * 8_000,
    "ab" * 50_000,
], ids=["chinese", "digits", "emoji-control-surrogate", "flags-negations", "phones", "latin"])
def test_a_100k_character_string_is_handled_without_hanging(router, text):
    profile = load_profile("default")

    def suggest():
        try:
            router.suggest(text, profile)
        except UnusableText:
            pass

    assert _finishes(lambda: prepare_view(text), 60)
    assert _finishes(suggest, 60)
