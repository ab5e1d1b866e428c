"""The browser sends the run's headers as the fetcher does: `--header` to every request,
`--header-for ORIGIN` (and `[headers."HOST"]`) to that origin only, never on a redirect or a
subresource of another origin, and `user:password@` to the cited URL only. Two origins on
127.0.0.1 record every request they get."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from tests.render.conftest import Seen, needs_chromium
from tests.render.test_render_cli import only, verify
from tests.render_site import BASIC_READER, REPORT

pytestmark = needs_chromium


def got(seen: Seen, base: str, path: str) -> list[dict[str, str]]:
    """The headers of every request `base` got for `path`."""
    host = urlsplit(base).netloc
    return [headers for at, where, headers in seen if at == host and where == path]


def test_a_header_for_the_origin_builds_the_page_and_goes_nowhere_else(
    tmp_path: Path, members: tuple[str, str, Seen]
) -> None:
    site, other, seen = members
    seen.clear()
    allow = ("--allow-host", urlsplit(other).netloc)
    run = verify(
        tmp_path, f"{site}/members", REPORT, *allow, "--header-for", site, "X-Token: s3cret"
    )
    assert (run.code, only(run)["status"]) == (0, "ok"), run.stdout
    assert only(run)["reason"] == "quote found (checked on the rendered page)"
    assert [h.get("X-Token") for h in got(seen, site, "/api/report")] == ["s3cret"]
    pixels = got(seen, other, "/pixel.gif")
    assert len(pixels) == 1  # the other origin was reached, without the header
    assert "X-Token" not in pixels[0]

    seen.clear()
    without = verify(tmp_path, f"{site}/members", REPORT, *allow)
    assert (without.code, only(without)["status"]) == (1, "quote_missing")
    assert [h.get("X-Token") for h in got(seen, site, "/api/report")] == [None]


def test_a_redirect_to_another_origin_drops_the_header(
    tmp_path: Path, members: tuple[str, str, Seen]
) -> None:
    site, other, seen = members
    seen.clear()
    args = ("--allow-host", urlsplit(other).netloc, "--render", "always")
    run = verify(tmp_path, f"{site}/hop", None, *args, "--header-for", site, "X-Token: s3cret")
    assert run.code == 0, run.stdout
    hops = got(seen, site, "/hop")
    landed = got(seen, other, "/landed")
    assert len(hops) == len(landed) == 2  # the fetcher's and the browser's
    assert [h.get("X-Token") for h in hops] == ["s3cret", "s3cret"]
    assert [h.get("X-Token") for h in landed] == [None, None]
    assert "HeadlessChrome" in landed[1]["User-Agent"]  # the second came from the browser


def test_header_and_user_agent_go_to_every_request(
    tmp_path: Path, members: tuple[str, str, Seen]
) -> None:
    site, other, seen = members
    seen.clear()
    args = ("--allow-host", urlsplit(other).netloc, "--user-agent", "Desk/1.0")
    run = verify(tmp_path, f"{site}/members", "None.", *args, "--header", "X-Desk: fact")
    assert run.code == 0, run.stdout
    browser = got(seen, site, "/api/report") + got(seen, other, "/pixel.gif")
    assert [(h.get("X-Desk"), h.get("User-Agent")) for h in browser] == [("fact", "Desk/1.0")] * 2


def test_credentials_in_the_url_go_to_that_url_only(
    tmp_path: Path, members: tuple[str, str, Seen]
) -> None:
    site, other, seen = members
    seen.clear()
    url = f"http://reader:pw@{urlsplit(site).netloc}/private"
    allow = ("--allow-host", urlsplit(other).netloc, "--allow-host", urlsplit(site).netloc)
    run = verify(tmp_path, url, "Cookies sent: seen=1.", *allow)
    assert (run.code, only(run)["status"]) == (0, "ok"), run.stdout
    assert only(run)["url"] == f"http://***@{urlsplit(site).netloc}/private"
    assert [h.get("Authorization") for h in got(seen, site, "/private")] == [BASIC_READER] * 2
    others = got(seen, site, "/api/cookies") + got(seen, other, "/pixel.gif")
    assert len(others) == 2
    assert [h.get("Authorization") for h in others] == [None, None]


def test_a_configured_cookie_goes_with_the_pages_own(
    tmp_path: Path, members: tuple[str, str, Seen]
) -> None:
    site, other, seen = members
    seen.clear()
    quote = "Cookies sent: seen=1; token=abc."
    args = ("--allow-host", urlsplit(other).netloc, "--header-for", site, "Cookie: token=abc")
    run = verify(tmp_path, f"{site}/cookies", quote, *args)
    assert (run.code, only(run)["status"]) == (0, "ok"), run.stdout
    # The page's own cookie is its host's, on any port (as browsers keep cookies), and may
    # or may not be set when the image is asked for; the configured one stays with its origin.
    pixels = got(seen, other, "/pixel.gif")
    assert len(pixels) == 1
    assert pixels[0].get("Cookie") in (None, "seen=1")
