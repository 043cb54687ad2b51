"""Settings: defaults, CKG_* environment, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from caucasus_kg.graph import InvalidArgument, Settings


def test_defaults_are_safe() -> None:
    settings = Settings()
    assert settings.host == "127.0.0.1"
    assert settings.update_token is None and settings.allow_service is False
    assert settings.cors_origins == () and settings.query_timeout > 0


@pytest.mark.parametrize(
    ("env", "field", "value"),
    [
        ({"CKG_PORT": "9000"}, "port", 9000),
        ({"CKG_QUERY_TIMEOUT": "2.5"}, "query_timeout", 2.5),
        ({"CKG_ALLOW_SERVICE": "yes"}, "allow_service", True),
        ({"CKG_ALLOW_SERVICE": "0"}, "allow_service", False),
        ({"CKG_CORS_ORIGINS": "http://a.test, http://b.test"}, "cors_origins", ("http://a.test", "http://b.test")),
        ({"CKG_STORE": "/tmp/x"}, "store", Path("/tmp/x")),
        ({"CKG_UPDATE_TOKEN": "s3cret"}, "update_token", "s3cret"),
        ({"CKG_BACKEND": "memory"}, "backend", "memory"),
    ],
)
def test_from_env(env: dict[str, str], field: str, value: object) -> None:
    assert getattr(Settings.from_env(env), field) == value


def test_overrides_beat_environment_and_none_means_unset() -> None:
    settings = Settings.from_env({"CKG_PORT": "9000"}, port=9100, host=None)
    assert settings.port == 9100 and settings.host == "127.0.0.1"


@pytest.mark.parametrize(
    "env",
    [{"CKG_PORT": "eighty"}, {"CKG_ALLOW_SERVICE": "maybe"}, {"CKG_QUERY_TIMEOUT": "-1"}, {"CKG_BACKEND": "mongo"}],
)
def test_bad_values(env: dict[str, str]) -> None:
    with pytest.raises(InvalidArgument):
        Settings.from_env(env)


def test_every_setting_is_documented() -> None:
    docs = Settings.documentation()
    assert all(help_text.strip() for _, _, help_text in docs)
    assert {name for name, _, _ in docs} >= {"CKG_STORE", "CKG_QUERY_TIMEOUT", "CKG_UPDATE_TOKEN"}


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        Settings().port = 1  # type: ignore[misc]
