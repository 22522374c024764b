"""The fitted model: features, a matter-type classifier and the tier models, as one unit.

Keeps the scikit-learn estimator contract (parameters in __init__, learned state ending in _,
fit returns self) so training, cross-validation and saving treat it as one object. Its
inputs are texts already prepared by `classifier.prepare` (normalised and masked).
Calibration and thresholds are chosen on out-of-fold predictions from grouped folds, so
paraphrases of one scenario never judge each other.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from classifier.calibration import calibrated, confidence_threshold, fit_temperature, recall_threshold
from classifier.features import build_features
from classifier.scorer import TIERS, LinearScorer, ModelOutput, compose_tiers, decide_tier, emergency_column


class RouteModel(BaseEstimator):
    def __init__(self, matter_c: float = 20.0, tier_c: float = 4.0, emergency_c: float = 0.5,
                 char_ngrams: tuple[int, int] = (1, 3),
                 char_weight: float = 1.0, lexicon_weight: float = 0.0, cv_folds: int = 4, target_precision: float = 0.97,
                 emergency_recall: float = 0.985, max_iter: int = 300):
        self.matter_c = matter_c
        self.tier_c = tier_c
        self.emergency_c = emergency_c
        self.char_ngrams = char_ngrams
        self.char_weight = char_weight
        self.lexicon_weight = lexicon_weight
        self.cv_folds = cv_folds
        self.target_precision = target_precision
        self.emergency_recall = emergency_recall
        self.max_iter = max_iter

    # -- fitting -----------------------------------------------------------------------------
    def _fit_parts(self, texts: list[str], matters: np.ndarray, tiers: np.ndarray):
        features = build_features(char_ngrams=tuple(self.char_ngrams), char_weight=self.char_weight,
                                  lexicon_weight=self.lexicon_weight)
        X = features.fit_transform(texts)
        matter_clf = LogisticRegression(C=self.matter_c, max_iter=self.max_iter).fit(X, matters)
        tier_clf = LogisticRegression(C=self.tier_c, max_iter=self.max_iter, class_weight="balanced").fit(X, tiers)
        emergency_clf = LogisticRegression(C=self.emergency_c, max_iter=self.max_iter,
                                           class_weight="balanced").fit(X, tiers == "emergency")
        return features, matter_clf, tier_clf, emergency_clf

    def fit(self, texts: list[str], matter_types: list[str], tiers: list[str], groups: list[str],
            forced_emergency: list[bool] | None = None, progress=None) -> "RouteModel":
        """Fit on prepared texts; `groups` are scenario ids, `forced_emergency` marks texts whose
        red flags already force `emergency` (the tier threshold needs to cover only the rest)."""
        matters = np.asarray(matter_types)
        tier_labels = np.asarray(tiers)
        forced = np.asarray(forced_emergency if forced_emergency is not None else [False] * len(texts))
        self.matter_classes_ = np.unique(matters)
        matter_index = {c: i for i, c in enumerate(self.matter_classes_)}
        oof_logits = np.zeros((len(texts), len(self.matter_classes_)))
        oof_emergency = np.zeros(len(texts))
        folds = GroupKFold(n_splits=self.cv_folds)
        for fold, (train, test) in enumerate(folds.split(texts, matters, groups)):
            if progress:
                progress(f"calibration fold {fold + 1}/{self.cv_folds}")
            features, matter_clf, _, emergency_clf = self._fit_parts([texts[i] for i in train], matters[train],
                                                                      tier_labels[train])
            X_test = features.transform([texts[i] for i in test])
            logits = np.full((len(test), len(self.matter_classes_)), -1e3)
            columns = [matter_index[c] for c in matter_clf.classes_]
            logits[:, columns] = matter_clf.decision_function(X_test)
            oof_logits[test] = logits
            oof_emergency[test] = emergency_clf.predict_proba(X_test)[:, emergency_column(emergency_clf.classes_)]
        if progress:
            progress("final fit on all training records")
        self.features_, self.matter_clf_, self.tier_clf_, self.emergency_clf_ = self._fit_parts(list(texts), matters,
                                                                                               tier_labels)
        truth = np.array([matter_index[m] for m in matters])
        self.temperature_ = fit_temperature(oof_logits, truth)
        probabilities = calibrated(oof_logits, self.temperature_)
        confidence = probabilities.max(axis=1)
        correct = probabilities.argmax(axis=1) == truth
        self.confidence_threshold_ = confidence_threshold(confidence, correct, self.target_precision)
        self.emergency_threshold_ = recall_threshold(oof_emergency, tier_labels == "emergency", forced, self.emergency_recall)
        self.oof_summary_ = {
            "matter_accuracy": float(correct.mean()),
            "temperature": self.temperature_,
            "confidence_threshold": self.confidence_threshold_,
            "alone_share": float((confidence >= self.confidence_threshold_).mean()),
            "emergency_threshold": self.emergency_threshold_,
        }
        self.tier_columns_ = [list(self.tier_clf_.classes_).index(t) for t in TIERS]
        return self

    def use_cache_dir(self, folder) -> None:
        """Point the segmenter's jieba cache at this machine's FENLIU_HOME (not saved with the model)."""
        self.features_.transformer_list[0][1].analyzer.cache_dir = folder

    def warm(self) -> None:
        self.features_.transformer_list[0][1].analyzer.warm()

    # -- prediction --------------------------------------------------------------------------
    @property
    def compiled(self) -> LinearScorer:
        """The one-text scorer, derived from the fitted state on first use (never pickled with the
        model, so it cannot disagree with it); also what the registry exports for serving."""
        scorer = self.__dict__.get("_compiled")
        if scorer is None:
            scorer = self.__dict__["_compiled"] = LinearScorer.from_model(self)
        return scorer

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_compiled", None)
        return state

    def score_texts(self, prepared_texts: list[str]) -> list[ModelOutput]:
        if len(prepared_texts) == 1:
            return [self.compiled.score_one(prepared_texts[0])]
        return self.score_generic(prepared_texts)

    def score_generic(self, prepared_texts: list[str]) -> list[ModelOutput]:
        """scikit-learn's own transform and estimators: the batch path, and the reference the
        one-text scorer is checked and benchmarked against."""
        X = self.features_.transform(prepared_texts)
        matter = calibrated(self.matter_clf_.decision_function(X), self.temperature_)
        tier = compose_tiers(self.tier_clf_.predict_proba(X)[:, self.tier_columns_], self._emergency_probability(X))
        return [ModelOutput(matter[i], tier[i], X[i]) for i in range(X.shape[0])]

    def _emergency_probability(self, X) -> np.ndarray | None:
        head = getattr(self, "emergency_clf_", None)  # models saved before the head have none
        if head is None:
            return None
        return head.predict_proba(X)[:, emergency_column(head.classes_)]

    def decide_tier(self, tier_probabilities: np.ndarray) -> str:
        return decide_tier(tier_probabilities, self.emergency_threshold_)

    def evidence(self, row, matter_index: int, top: int = 6) -> list[tuple[str, float]]:
        return self.compiled.evidence(row, matter_index, top)
