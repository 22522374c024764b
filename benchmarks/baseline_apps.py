"""The two HTTP baselines fenliu is measured against, served by uvicorn exactly like fenliu.

    python -m uvicorn benchmarks.baseline_apps:empty_app --port 8201
    python -m uvicorn --factory benchmarks.baseline_apps:plain_app --port 8202

`empty_app` answers a constant: the floor of the HTTP stack. `plain_app` trains the plain
pipeline (jieba.lcut + TfidfVectorizer + LogisticRegression, defaults) on the training side of
the fixed split at start-up, so it never loads a pickled model file.
"""
from __future__ import annotations

import os

from fastapi import FastAPI
from pydantic import BaseModel

CONSTANT = {"matter_type": "water_supply", "tier": "urgent"}


class Ask(BaseModel):
    text: str
    profile: str | None = None


empty_app = FastAPI()


@empty_app.post("/v1/suggest")
def empty_suggest(body: Ask) -> dict:
    return CONSTANT


@empty_app.get("/readyz")
def empty_ready() -> dict:
    return {"status": "ready"}


def plain_app() -> FastAPI:
    from training.baseline import PlainBaseline
    from training.corpus import load_bundled
    from training.split import split_calls

    train = split_calls(load_bundled()).train
    limit = int(os.environ.get("FENLIU_BENCH_TRAIN_LIMIT", "0")) or len(train)
    train = train[:limit]
    model = PlainBaseline().fit([c.call.text for c in train], [c.call.matter_type for c in train],
                                [c.call.tier for c in train])
    app = FastAPI()

    @app.post("/v1/suggest")
    def suggest(body: Ask) -> dict:
        matter, tier, top3 = model.predict([body.text])
        return {"matter_type": str(matter[0]), "tier": str(tier[0]), "alternatives": [str(m) for m in top3[0][1:]]}

    @app.get("/readyz")
    def ready() -> dict:
        return {"status": "ready"}

    return app
