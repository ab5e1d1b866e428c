"""Which of the run's headers the browser adds to one request (`OriginHeaders.for_request`),
a pure function: the origin rule of fetch/credentials.py, and credentials in the cited URL.
The browser's own behaviour is tested in test_render_headers.py."""

from __future__ import annotations

from factcheck.models import VerifyOptions
from factcheck.render.headers import origin_rules

TOKEN = {"X-Token": "s3cret"}


def test_a_bare_host_is_its_https_origin_only() -> None:
    _, rules = origin_rules(VerifyOptions(host_headers={"news.example": TOKEN}), "https://x/")
    assert rules.for_request("https://news.example/a", document=False) == TOKEN
    assert rules.for_request("https://news.example:443/b", document=True) == TOKEN
    for elsewhere in (
        "http://news.example/a",  # an https origin's headers never go over plain http
        "https://news.example:8443/a",
        "https://cdn.news.example/a",
        "https://news.example.evil.test/a",
    ):
        assert rules.for_request(elsewhere, document=True) == {}, elsewhere


def test_credentials_go_to_the_cited_documents_only() -> None:
    address, rules = origin_rules(VerifyOptions(), "http://reader:pw@wiki.test:8080/p?q=1")
    assert address == "http://wiki.test:8080/p?q=1"
    basic = {"Authorization": "Basic cmVhZGVyOnB3"}
    assert rules.for_request("http://wiki.test:8080/p?q=1", document=True) == basic
    assert rules.for_request("http://wiki.test:8080/p?q=1#top", document=True) == basic
    assert rules.for_request("http://wiki.test:8080/p?q=1", document=False) == {}
    assert rules.for_request("http://wiki.test:8080/other", document=True) == {}
    assert ("authorization", "Basic cmVhZGVyOnB3") in rules.secret_values


def test_a_configured_authorization_wins_over_the_urls_credentials() -> None:
    configured = {"http://wiki.test:8080": {"Authorization": "Bearer t"}}
    _, rules = origin_rules(VerifyOptions(host_headers=configured), "http://u:p@wiki.test:8080/")
    assert rules.for_request("http://wiki.test:8080/", document=True) == {
        "Authorization": "Bearer t"
    }


def test_a_header_sent_everywhere_is_not_taken_off_other_origins() -> None:
    options = VerifyOptions(host_headers={"news.example": TOKEN}, headers={"X-Token": "s3cret"})
    _, rules = origin_rules(options, "https://news.example/")
    assert rules.secret_values == frozenset()
