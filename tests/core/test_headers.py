"""Response headers: nothing personal is kept by a browser or a cache (no-store on everything but static files);
HSTS in production or wherever HTTPS is declared."""

from config.settings import load_settings
from crisis_app.core.roles import Role


def test_every_page_and_answer_says_no_store_for_every_role(app, client, personas, login):
    login(personas[Role.COORDINATOR])
    adapter = app.url_map.bind("localhost")
    seen = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.arguments or "GET" not in rule.methods:
            continue
        url = adapter.build(rule.endpoint)
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)
        seen += 1
    assert seen > 30


def test_the_register_csv_exports_and_api_errors_are_not_stored(client, personas, login):
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"  # a 401 too
    assert client.get("/connexion").headers["Cache-Control"] == "no-store"
    login(personas[Role.QUALITY_REFERENT])
    for url in ("/qualite/registre", "/qualite/registre.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(client):
    response = client.get("/static/css/vigie.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")


def test_hsts_is_sent_when_https_is_declared_and_not_otherwise(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/connexion").headers
    monkeypatch.setitem(app.config, "HSTS", True)
    assert client.get("/connexion").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" in client.get("/static/css/vigie.css").headers


def test_hsts_is_on_in_production_and_where_vigie_https_says_so(tmp_path):
    production = load_settings({"VIGIE_ENV": "production", "VIGIE_INSTANCE_DIR": str(tmp_path),
                                "SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql://vigie@db/vigie",
                                "REDIS_URL": "redis://cache:6379/0"})
    assert production["HSTS"] is True
    assert load_settings({"VIGIE_INSTANCE_DIR": str(tmp_path)})["HSTS"] is False
    assert load_settings({"VIGIE_INSTANCE_DIR": str(tmp_path), "VIGIE_HTTPS": "1"})["HSTS"] is True
