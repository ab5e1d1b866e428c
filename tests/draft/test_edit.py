"""`edit`: new lines after the right item, whatever the file's style; every other byte kept."""

from __future__ import annotations

import pytest
import yaml

from factcheck.draft.edit import add_citation, add_claim
from factcheck.draft.plan import CitationDraft, ClaimDraft
from factcheck.errors import ClaimFileError

NEW = CitationDraft("https://a.test/x")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # a byte-order mark, kept
            "\ufeffclaims:\n  - id: a\n    claim: A\n    citations:\n      - url: https://b.test/\n",
            "\ufeffclaims:\n  - id: a\n    claim: A\n    citations:\n      - url: https://b.test/\n"
            "      - url: https://a.test/x\n",
        ),
        (  # compact lists, no newline at the end
            "claims:\n- id: a\n  claim: A\n  citations:\n  - url: https://b.test/\n    quote: q",
            "claims:\n- id: a\n  claim: A\n  citations:\n  - url: https://b.test/\n    quote: q\n"
            "  - url: https://a.test/x\n",
        ),
        (  # block scalars with blank lines inside, a comment after
            "claims:\n  - id: a\n    claim: |\n      one\n\n      three\n    citations:\n"
            "      - url: https://b.test/\n        note: |\n          n1\n\n          n2\n# end\n",
            "claims:\n  - id: a\n    claim: |\n      one\n\n      three\n    citations:\n"
            "      - url: https://b.test/\n        note: |\n          n1\n\n          n2\n"
            "      - url: https://a.test/x\n# end\n",
        ),
        (  # the claim's other keys after its citations
            "claims:\n- citations:\n  - url: https://b.test/\n  id: a\n  claim: A\n",
            "claims:\n- citations:\n  - url: https://b.test/\n  - url: https://a.test/x\n"
            "  id: a\n  claim: A\n",
        ),
    ],
)
def test_a_citation_lands_after_the_last_one_in_any_style(before: str, after: str) -> None:
    assert add_citation(before, "f.yaml", "a", NEW) == after
    assert yaml.safe_load(after.lstrip("\ufeff"))["claims"][0]["citations"][-1] == {
        "url": "https://a.test/x"
    }


def test_a_new_claim_follows_the_last_claim_at_its_indent() -> None:
    before = "claims:\n- id: a\n  claim: A\n  citations:\n  - url: https://b.test/\n"
    after = add_claim(before, "f.yaml", ClaimDraft("b", "B: yes", [NEW], ()))
    assert after == before + (
        '- id: b\n  claim: "B: yes"\n  citations:\n    - url: https://a.test/x\n'
    )


def test_flow_style_lists_are_left_to_a_person() -> None:
    flow = "claims:\n  - id: a\n    claim: A\n    citations: [{url: https://b.test/}]\n"
    with pytest.raises(ClaimFileError) as raised:
        add_citation(flow, "f.yaml", "a", NEW)
    assert str(raised.value) == "f.yaml:4: 'citations' is written [in flow style]: add it by hand"
