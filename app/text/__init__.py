"""Arabic text handling: canonicalization, offsets, snapping. No Qt."""
