"""The change-log entry the bulk import writes is byte for byte what json.dumps writes."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.importing import import_log_entry

# Ids as readers hand them over: any text that encodes as UTF-8 (no lone surrogates).
_IDS = st.text(st.characters(exclude_categories=("Cs",)), min_size=1)


@settings(max_examples=50, deadline=None)
@given(external_id=_IDS, spans=st.integers(min_value=0, max_value=10**7))
def test_the_entry_is_what_json_dumps_writes(external_id: str, spans: int) -> None:
    digest = hashlib.sha256(external_id.encode("utf-8")).hexdigest()
    expected = json.dumps(
        {"external_id": external_id, "sha256": digest, "spans": spans}, ensure_ascii=False
    )
    assert import_log_entry(external_id, digest, spans) == expected


def test_quotes_backslashes_controls_and_arabic_are_escaped_as_json_does() -> None:
    for external_id in ('a"b', "a\\b", "سطر\nسطر\t\x01", "\u2028", "دير الزور 😀"):
        entry = import_log_entry(external_id, "0" * 64, 3)
        assert json.loads(entry) == {"external_id": external_id, "sha256": "0" * 64, "spans": 3}
        assert entry == json.dumps(json.loads(entry), ensure_ascii=False)
