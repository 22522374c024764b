"""The fast path computes exactly what scikit-learn computes."""
from __future__ import annotations

import numpy as np
import pytest

from classifier.prepare import prepare

TEXTS = ["报警人称幸福小区3栋电梯困人，里面有两个老人", "停水", "我电话13912345678，厨房煤气味很大！！", "abc 123",
         "包工头拖欠工资三个月了，我们十几个工人在工地门口等着", "三楼  着火了   冒黑烟", "未见过的词语组合叽里咕噜"]


@pytest.mark.parametrize("text", TEXTS)
def test_fast_row_equals_sklearn_transform(tiny_model, text):
    prepared = prepare(text)
    expected = tiny_model.features_.transform([prepared]).toarray()[0]
    assert np.allclose(tiny_model.compiled.row(prepared).toarray()[0], expected, atol=1e-6)


@pytest.mark.parametrize("text", TEXTS)
def test_fast_scores_equal_the_estimators(tiny_model, text):
    prepared = prepare(text)
    X = tiny_model.features_.transform([prepared])
    single = tiny_model.score_texts([prepared])[0]
    batch = tiny_model.score_texts([prepared, prepared])[0]
    assert np.allclose(single.matter_probabilities, batch.matter_probabilities, atol=1e-6)
    assert np.allclose(single.tier_probabilities, batch.tier_probabilities, atol=1e-6)
    expected_tier = tiny_model.tier_clf_.predict_proba(X)[0][tiny_model.tier_columns_]
    assert np.allclose(single.tier_probabilities, expected_tier, atol=1e-6)


def test_the_fixture_exercises_every_feature_block(tiny_model):
    """The equality tests above only mean something if the lexicon block is in the model."""
    assert [name for name, _ in tiny_model.features_.transformer_list] == ["words", "chars", "lexicon"]
