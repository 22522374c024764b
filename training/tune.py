"""Choose model settings by grouped cross-validation on the training split (never the test split).

    python -m training.tune [--folds 4] [--json out.json]

Scores each candidate by macro-F1 over scenario-grouped folds and prints the table; the chosen
settings go into training/params.yaml by hand, with the table in docs/model.md.
"""
from __future__ import annotations

import argparse
import itertools
import json
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

from classifier.features import build_features
from classifier.prepare import prepare
from training.corpus import load_bundled
from training.split import split_calls

GRID = {"matter_c": [5.0, 20.0], "char_ngrams": [(1, 2), (1, 3)], "char_weight": [1.0, 1.5, 2.0],
        "lexicon_weight": [0.0, 0.25, 0.5]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    train = split_calls(load_bundled()).train
    texts = [prepare(c.call.text) for c in train]
    labels = np.array([c.call.matter_type for c in train])
    groups = [c.call.scenario for c in train]
    folds = list(GroupKFold(n_splits=args.folds).split(texts, labels, groups))
    rows = []
    for ngrams, weight, lexicon in itertools.product(GRID["char_ngrams"], GRID["char_weight"], GRID["lexicon_weight"]):
        fold_features = []
        for train_idx, test_idx in folds:
            features = build_features(char_ngrams=ngrams, char_weight=weight, lexicon_weight=lexicon)
            X_train = features.fit_transform([texts[i] for i in train_idx])
            fold_features.append((X_train, features.transform([texts[i] for i in test_idx]), train_idx, test_idx))
        for c in GRID["matter_c"]:
            started = time.perf_counter()
            scores = []
            for X_train, X_test, train_idx, test_idx in fold_features:
                model = LogisticRegression(C=c, max_iter=300).fit(X_train, labels[train_idx])
                scores.append(f1_score(labels[test_idx], model.predict(X_test), average="macro"))
            rows.append({"char_ngrams": list(ngrams), "char_weight": weight, "lexicon_weight": lexicon, "matter_c": c,
                         "macro_f1_mean": round(float(np.mean(scores)), 4), "macro_f1_std": round(float(np.std(scores)), 4),
                         "seconds": round(time.perf_counter() - started, 1)})
            print(json.dumps(rows[-1]), flush=True)
    best = max(rows, key=lambda r: r["macro_f1_mean"])
    print("best:", json.dumps(best))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"folds": args.folds, "train_records": len(train), "rows": rows, "best": best}, handle, indent=1)


if __name__ == "__main__":
    main()
