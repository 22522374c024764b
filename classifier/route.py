"""From model scores to the prediction object of the contract (shared/spec/interfaces.md).

The department comes from the jurisdiction profile, never from a model; red flags set a
floor under the tier; the dispatch rule follows 第八条 of the 潢川 and 凉州 regulations:
police matters go to the police, emergencies get police first response plus the unit,
everything else is handed to the unit.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np

from classifier.prepare import prepare_view, require_usable
from classifier.redflags import RedFlagLexicon, default_lexicon, tier_floor
from classifier.scorer import TIERS, ModelOutput
from classifier.textview import TextView
from corpus.jurisdiction import Profile
from corpus.taxonomy import TIER_ORDER, Taxonomy, load_taxonomy

SHORT_TEXT_CHARS = 6  # below this a suggestion is always marked for a human


def dispatch_for(department: str, tier: str) -> str:
    if department == "police":
        return "police"
    return "police_first" if tier == "emergency" else "unit_direct"


def _raise_to(tier: str, floor: str | None) -> str:
    if floor is None:
        return tier
    return max(tier, floor, key=TIER_ORDER.index)


class Scorer(Protocol):
    """What the router needs of a model: a fitted RouteModel (training, evaluation, the CLI) or
    the LinearScorer a server loads from the serving export."""
    matter_classes_: np.ndarray
    confidence_threshold_: float

    def score_texts(self, prepared_texts: list[str]) -> list[ModelOutput]: ...
    def decide_tier(self, tier_probabilities: np.ndarray) -> str: ...
    def evidence(self, row, matter_index: int, top: int = 6) -> list[tuple[str, float]]: ...


class Router:
    """A fitted model plus the lexicon and taxonomy: suggests routes under any profile."""

    def __init__(self, model: Scorer, model_version: str, taxonomy: Taxonomy | None = None,
                 lexicon: RedFlagLexicon | None = None):
        self.model = model
        self.model_version = model_version
        self.taxonomy = taxonomy or load_taxonomy()
        self.lexicon = lexicon or default_lexicon()

    def _department(self, profile: Profile, matter: str) -> dict:
        route = profile.route(matter)
        return {"code": route.department, "name": route.unit, "named_in_document": route.named_in_document,
                "clause": route.clause}

    def _build(self, text: str, view: TextView, output: ModelOutput, profile: Profile) -> dict:
        probabilities = output.matter_probabilities
        order = probabilities.argsort()[::-1]
        best = int(order[0])
        matter = str(self.model.matter_classes_[best])
        confidence = float(probabilities[best])
        flags = self.lexicon.find(view, text)
        model_tier = self.model.decide_tier(output.tier_probabilities)
        tier = _raise_to(model_tier, tier_floor(flags))
        department = self._department(profile, matter)
        reasons = []
        if confidence < self.model.confidence_threshold_:
            reasons.append("low_confidence")
        if len(view.text) < SHORT_TEXT_CHARS:
            reasons.append("short_text")
        return {
            "matter_type": matter,
            "matter_name": self.taxonomy.matter(matter).name,
            "department": department,
            "tier": tier,
            "tier_probabilities": {t: round(float(p), 4) for t, p in zip(TIERS, output.tier_probabilities)},
            "tier_raised_by_red_flags": tier != model_tier,
            "dispatch": dispatch_for(department["code"], tier),
            "confidence": round(confidence, 4),
            "alternatives": [
                {"matter_type": str(self.model.matter_classes_[i]),
                 "matter_name": self.taxonomy.matter(str(self.model.matter_classes_[i])).name,
                 "probability": round(float(probabilities[i]), 4),
                 "department": self._department(profile, str(self.model.matter_classes_[i]))}
                for i in order[1:3]
            ],
            "red_flags": [flag.as_dict() for flag in flags],
            "evidence": [{"term": term, "weight": round(weight, 4)} for term, weight in self.model.evidence(output.row, best)],
            "needs_human": bool(reasons),
            "needs_human_reasons": reasons,
            "model_version": self.model_version,
            "profile": profile.code,
        }

    def suggest(self, text: str, profile: Profile) -> dict:
        """The prediction object for one call text; raises UnusableText for unusable input."""
        view = prepare_view(text)
        require_usable(view)
        return self._build(text, view, self.model.score_texts([view.text])[0], profile)

    def suggest_many(self, texts: list[str], profile: Profile) -> list[dict]:
        """Batch version for usable texts (callers check usability per line first)."""
        views = [prepare_view(t) for t in texts]
        for view in views:
            require_usable(view)
        outputs = self.model.score_texts([v.text for v in views])
        return [self._build(t, v, o, profile) for t, v, o in zip(texts, views, outputs)]
