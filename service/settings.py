"""One settings object for the whole program, read from FENLIU_* environment variables.

Built by `load_settings()` at the edge (CLI, app factory) and passed down; nothing reads the
environment anywhere else, so tests build `Settings(home=tmp_path)` and never interfere.
"""
from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FENLIU_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path(user_data_dir("fenliu", appauthor=False)),
                       description="Folder for the model registry, database, keys and caches.")
    host: str = Field(default="127.0.0.1", description="Address `fenliu serve` listens on.")
    port: int = Field(default=8110, ge=1, le=65535, description="Port `fenliu serve` listens on.")
    workers: int | None = Field(default=None, ge=1, le=64, description="uvicorn worker processes (default 1; see docs/benchmarks.md before adding more).")
    profile: str = Field(default="default", description="Profile used when a request names none.")
    profiles_dir: Path | None = Field(default=None, description="Extra folder of county profile files (default FENLIU_HOME/profiles).")
    signing_key: SecretStr | None = Field(default=None, description="HMAC key for model manifests (default: a key file created in FENLIU_HOME).")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in FENLIU_HOME.")
    require_operator_token: bool | None = Field(default=None, description="Operator routes need a token (default: on unless the host is loopback).")
    max_text_chars: int = Field(default=2000, ge=10, le=100_000, description="Longest call text accepted (413 above).")
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, description="Largest JSON request body.")
    max_import_bytes: int = Field(default=50 * 1024 * 1024, ge=1024, description="Largest labelled-call upload.")
    token_cache_seconds: float = Field(default=10.0, ge=0, le=300, description="How long a checked token is trusted without asking the database again (a revoked token stops working within this time; 0 checks every request).")
    rate_limit_per_minute: int = Field(default=1200, ge=1, description="Requests per minute per token or client address.")
    log_level: str = Field(default="info", description="debug, info, warning or error.")

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        value = value.lower()
        if value not in {"debug", "info", "warning", "error"}:
            raise ValueError("must be one of debug, info, warning, error")
        return value

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def county_profiles_dir(self) -> Path:
        return self.profiles_dir or self.home / "profiles"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def operator_token_required(self) -> bool:
        if self.require_operator_token is not None:
            return self.require_operator_token
        return self.host not in {"127.0.0.1", "localhost", "::1"}


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (e.g. from CLI flags) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
