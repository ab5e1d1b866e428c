"""strip_fragment's and url_host's fast path (a URL with nothing to change comes back as it
is) gives what urllib gives, for any URL: same grouping of citations by URL and by host, same
URL sent."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from hypothesis import example, given, settings
from hypothesis import strategies as st

from factcheck.fetch.client import strip_fragment, url_host

SCHEMES = st.sampled_from(["http://", "https://", "HTTP://", "Https://", "ftp://", "", "//"])
# URL characters, the ones urllib treats specially, whitespace and a little Unicode
TAIL = st.text(alphabet=st.sampled_from(list("ab/.:%?#&=@[]- \t\r\n\u00e9\u4e2d")), max_size=20)


def split_and_join(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


@settings(max_examples=3000)
@given(scheme=SCHEMES, tail=TAIL)
@example(scheme="http://", tail="a.test/x?")
@example(scheme="http://", tail="a.test/x?#frag")
@example(scheme="https://", tail="a.test/x#frag")
@example(scheme="http://", tail="a.test/x ")
@example(scheme="HTTP://", tail="a.test/")
def test_strip_fragment_and_url_host_are_urllibs(scheme: str, tail: str) -> None:
    url = scheme + tail
    try:
        expected = split_and_join(url), urlsplit(url).netloc
    except ValueError:  # urllib refuses it (a bad IPv6 literal): claim files refuse it too
        return
    assert (strip_fragment(url), url_host(url)) == expected


def test_a_plain_url_comes_back_as_the_same_object() -> None:
    url = "https://www.ipvm.com/reports/hikvision-xinjiang?page=2"
    assert strip_fragment(url) is url
    assert strip_fragment(url + "#:~:text=camps") == url
    assert url_host(url) == url_host(url + "#top") == "www.ipvm.com"
    assert url_host("http://127.0.0.2:8080?q=1") == "127.0.0.2:8080"
