"""Configuration: the embedded default needs nothing; production refuses a weak setup and says why."""

import pytest

from config.settings import ConfigError, load_settings, normalize_database_url


def test_embedded_default_needs_no_environment(tmp_path):
    settings = load_settings({"VIGIE_INSTANCE_DIR": str(tmp_path)})
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'vigie.sqlite'}"
    assert settings["CELERY"]["broker_url"].startswith("sqla+sqlite:///")
    assert len(settings["SECRET_KEY"]) >= 32
    # the generated key is kept, so a restart keeps sessions valid
    assert load_settings({"VIGIE_INSTANCE_DIR": str(tmp_path)})["SECRET_KEY"] == settings["SECRET_KEY"]


def test_production_refuses_to_start_without_a_real_secret_and_postgres(tmp_path):
    with pytest.raises(ConfigError) as refused:
        load_settings({"VIGIE_ENV": "production", "VIGIE_INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "dev"})
    message = str(refused.value)
    assert "SECRET_KEY" in message and "DATABASE_URL" in message and "PostgreSQL" in message


def test_production_accepts_postgres_and_a_long_secret_with_secure_cookies(tmp_path):
    settings = load_settings({"VIGIE_ENV": "production", "VIGIE_INSTANCE_DIR": str(tmp_path),
                              "SECRET_KEY": "x" * 40, "DATABASE_URL": "postgres://vigie@db/vigie",
                              "REDIS_URL": "redis://cache:6379/0"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://vigie@db/vigie"
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    assert settings["CELERY"]["broker_url"] == "redis://cache:6379/0"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"


def test_production_refuses_to_start_without_redis_and_says_why(tmp_path):
    """Without Redis the broker would be a SQLite file and login limits counted per gunicorn worker."""
    with pytest.raises(ConfigError) as refused:
        load_settings({"VIGIE_ENV": "production", "VIGIE_INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x" * 40,
                       "DATABASE_URL": "postgres://vigie@db/vigie"})
    message = str(refused.value)
    assert "REDIS_URL" in message and "Redis" in message
    assert "SECRET_KEY" not in message and "DATABASE_URL" not in message


def test_wsgi_refuses_production_without_redis(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", "import wsgi"], capture_output=True, text=True,
                            env={"VIGIE_ENV": "production", "VIGIE_INSTANCE_DIR": str(tmp_path),
                                 "SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql://vigie@127.0.0.1:1/vigie",
                                 "PATH": "/usr/bin:/bin"}, timeout=60)
    assert result.returncode != 0
    assert "REDIS_URL doit désigner un serveur Redis" in result.stderr


def test_request_size_limit_defaults_to_2_mb_and_follows_the_environment(tmp_path):
    assert load_settings({"VIGIE_INSTANCE_DIR": str(tmp_path)})["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    settings = load_settings({"VIGIE_INSTANCE_DIR": str(tmp_path), "VIGIE_MAX_REQUEST_BYTES": "1000"})
    assert settings["MAX_CONTENT_LENGTH"] == 1000


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="VIGIE_ENV"):
        load_settings({"VIGIE_ENV": "staging", "VIGIE_INSTANCE_DIR": str(tmp_path)})


def test_postgres_urls_use_psycopg3():
    assert normalize_database_url("postgresql://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalize_database_url("sqlite:///x") == "sqlite:///x"


def test_wsgi_refuses_production_without_settings(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", "import wsgi"], capture_output=True, text=True,
                            env={"VIGIE_ENV": "production", "VIGIE_INSTANCE_DIR": str(tmp_path),
                                 "PATH": "/usr/bin:/bin"}, timeout=60)
    assert result.returncode != 0
    assert "Vigie refuse de démarrer en production" in result.stderr


def test_a_backup_sms_provider_needs_a_primary_and_a_share_between_0_and_1(tmp_path):
    base = {"VIGIE_INSTANCE_DIR": str(tmp_path)}
    with pytest.raises(ConfigError, match="VIGIE_SMS_URL"):
        load_settings({**base, "VIGIE_SMS_BACKUP_URL": "smseagle://token@gsm.local/"})
    with pytest.raises(ConfigError, match="VIGIE_SMS_FAILOVER_UNSENT_SHARE"):
        load_settings({**base, "VIGIE_SMS_URL": "json://sms.example/send?:to={to}",
                       "VIGIE_SMS_FAILOVER_UNSENT_SHARE": "2"})
    settings = load_settings({**base, "VIGIE_SMS_URL": "json://sms.example/send?:to={to}",
                              "VIGIE_SMS_BACKUP_URL": "smseagle://token@gsm.local/"})
    assert (settings["SMS_BACKUP_URL"], settings["SMS_FAILOVER_ERRORS"], settings["SMS_FAILBACK_AFTER"]) == (
        "smseagle://token@gsm.local/", 3, 900)
