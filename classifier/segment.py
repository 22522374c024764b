"""Word segmentation with a private jieba Tokenizer and the domain dictionary.

jieba's module functions share one global dictionary; a `jieba.Tokenizer` holds an RLock and
cannot be pickled. `Segmenter` owns its own Tokenizer, built lazily (about a second) from the
domain dictionary in corpus/lexicons, never edited afterwards (so models with the same
dictionary share it), and dropped when pickled so a saved model carries only the settings.
Reads after initialisation are thread-safe.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

import jieba

from corpus import DATA_DIR

DOMAIN_DICTIONARY = DATA_DIR / "lexicons" / "domain_words.txt"
jieba.setLogLevel(logging.WARNING)
# Tokenizers by dictionary (path and content): models sharing a dictionary share its ~60 MB of
# prefix table, so a model swap in a server does not build a second one.
_SHARED: dict[tuple[str, str], jieba.Tokenizer] = {}
_SHARED_LOCK = threading.Lock()


class Segmenter:
    """Callable text → list of words (spaces and lone punctuation dropped)."""

    def __init__(self, dictionary: Path | None = None, cache_dir: Path | None = None):
        self.dictionary = dictionary
        self.cache_dir = cache_dir
        self._tokenizer: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    def _build(self) -> jieba.Tokenizer:
        path = Path(self.dictionary or DOMAIN_DICTIONARY).resolve()
        key = (str(path), hashlib.sha256(path.read_bytes()).hexdigest())
        with _SHARED_LOCK:
            shared = _SHARED.get(key)
            if shared is None:
                shared = _SHARED[key] = self._new_tokenizer(path)
        return shared

    def _new_tokenizer(self, path: Path) -> jieba.Tokenizer:
        tokenizer = jieba.Tokenizer()
        if self.cache_dir is not None:
            Path(self.cache_dir).mkdir(parents=True, exist_ok=True)
            tokenizer.tmp_dir = str(self.cache_dir)
        tokenizer.initialize()
        # None means the bundled dictionary, resolved here so a saved model works in any install.
        tokenizer.load_userdict(str(path))
        return tokenizer

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = self._build()
        return self._tokenizer

    def warm(self) -> None:
        """Initialise now (before a server says it is ready) rather than on the first call."""
        self(" 预热")

    def __call__(self, text: str) -> list[str]:
        return [w for w in self.tokenizer.lcut(text, HMM=True) if w.strip() and (len(w) > 1 or w.isalnum())]

    def __getstate__(self) -> dict:
        # The cache folder belongs to the machine that loads the model, not the one that saved it.
        return {"dictionary": self.dictionary}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)
