"""The person's two-share SM2 signing key (SPEC §C) and the single-use requests it co-signs."""
