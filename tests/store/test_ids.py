"""Row ids (app.store.ids): UUIDv7 text that sorts as it was made, and ids derived from what a row is."""

from __future__ import annotations

import uuid

from app.store.ids import derived_id, uuid7


def test_uuid7_is_canonical_version_7_text_in_increasing_order() -> None:
    made = [uuid7() for _ in range(5000)]  # many within one millisecond: the random part counts up
    for text in made:
        parsed = uuid.UUID(text)
        assert (str(parsed), parsed.version, parsed.variant) == (text, 7, uuid.RFC_4122)
    assert made == sorted(made) and len(set(made)) == len(made)


def test_derived_ids_follow_from_their_parts() -> None:
    assert derived_id("household", "s1") == derived_id("household", "s1") != derived_id("household", "s2")
