"""The serving scorer computes exactly what the fitted scikit-learn model computes, and its
export reads back to the same suggestions without scikit-learn or pickles."""
from __future__ import annotations

import numpy as np
import pytest

from classifier.prepare import prepare
from classifier.route import Router
from classifier.scorer import LinearScorer, ScorerFileError
from corpus.jurisdiction import load_profile

TEXTS = ["报警人称幸福小区3栋电梯困人，里面有两个老人", "停水", "我电话13912345678，厨房煤气味很大！！", "abc 123",
         "包工头拖欠工资三个月了，我们十几个工人在工地门口等着", "三楼  着火了   冒黑烟", "未见过的词语组合叽里咕噜"]


def dense(row, width: int) -> np.ndarray:
    values = np.zeros(width)
    values[row.indices] = row.data
    return values


@pytest.fixture(scope="module")
def exported(tiny_model, tmp_path_factory) -> LinearScorer:
    path = tmp_path_factory.mktemp("export") / "serving.npz"
    tiny_model.compiled.save(path)
    return LinearScorer.load(path)


@pytest.mark.parametrize("text", TEXTS)
def test_scorer_row_equals_sklearn_transform(tiny_model, text):
    prepared = prepare(text)
    expected = tiny_model.features_.transform([prepared]).toarray()[0]
    assert np.allclose(dense(tiny_model.compiled.row(prepared), tiny_model.compiled.width), expected, atol=1e-6)


@pytest.mark.parametrize("text", TEXTS)
def test_scorer_probabilities_equal_the_estimators(tiny_model, text):
    prepared = prepare(text)
    X = tiny_model.features_.transform([prepared])
    single = tiny_model.score_texts([prepared])[0]
    batch = tiny_model.score_texts([prepared, prepared])[0]
    assert np.allclose(single.matter_probabilities, batch.matter_probabilities, atol=1e-6)
    assert np.allclose(single.tier_probabilities, batch.tier_probabilities, atol=1e-6)
    three = tiny_model.tier_clf_.predict_proba(X)[0][tiny_model.tier_columns_]
    emergency = tiny_model.emergency_clf_.predict_proba(X)[0][list(tiny_model.emergency_clf_.classes_).index(True)]
    assert single.tier_probabilities[0] == pytest.approx(emergency, abs=1e-6)
    assert single.tier_probabilities.sum() == pytest.approx(1.0, abs=1e-6)
    # urgent and routine keep the three-way model's proportions
    assert single.tier_probabilities[1] / single.tier_probabilities[2] == pytest.approx(three[1] / three[2], rel=1e-5)


def test_models_saved_before_the_emergency_head_still_score(tiny_model, tmp_path):
    """An older model (no emergency head) is served from its three-way tier model alone."""
    import copy

    old = copy.copy(tiny_model)
    old.__dict__.pop("_compiled", None)
    del old.emergency_clf_
    prepared = prepare(TEXTS[0])
    expected = tiny_model.tier_clf_.predict_proba(tiny_model.features_.transform([prepared]))[0][tiny_model.tier_columns_]
    assert np.allclose(old.score_texts([prepared, prepared])[0].tier_probabilities, expected, atol=1e-6)
    old.compiled.save(tmp_path / "serving.npz")
    reloaded = LinearScorer.load(tmp_path / "serving.npz")
    assert not reloaded.emergency_head
    assert np.allclose(reloaded.score_one(prepared).tier_probabilities, expected, atol=1e-6)


@pytest.mark.parametrize("text", TEXTS)
def test_the_export_suggests_exactly_what_the_model_suggests(tiny_model, exported, text):
    profile = load_profile("default")
    from_model = Router(tiny_model, "v").suggest(text, profile)
    from_export = Router(exported, "v").suggest(text, profile)
    assert from_export == from_model


def test_the_fixture_exercises_every_feature_block(tiny_model, exported):
    """The equality tests above only mean something if the lexicon block is in the model."""
    assert [name for name, _ in tiny_model.features_.transformer_list] == ["words", "chars", "lexicon"]
    assert [block.header()["kind"] for block in exported.blocks] == ["words", "chars", "lexicon"]


def test_the_export_never_unpickles(tmp_path):
    """An export holding a Python object (which a pickle could turn into code) is refused."""
    path = tmp_path / "serving.npz"
    np.savez(path, header=np.array([{"format": "fenliu-linear-scorer/1"}], dtype=object))
    with pytest.raises(ScorerFileError, match="not a readable fenliu scorer export"):
        LinearScorer.load(path)


@pytest.mark.parametrize("content", [b"", b"not a zip file", b"PK\x03\x04 truncated"])
def test_a_damaged_export_names_the_file(tmp_path, content):
    path = tmp_path / "serving.npz"
    path.write_bytes(content)
    with pytest.raises(ScorerFileError, match="serving.npz"):
        LinearScorer.load(path)


def test_an_export_of_another_format_is_refused(tmp_path):
    path = tmp_path / "serving.npz"
    np.savez(path, header=np.array('{"format": "something-else/9"}'))
    with pytest.raises(ScorerFileError, match="something-else/9"):
        LinearScorer.load(path)
