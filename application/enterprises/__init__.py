"""Use cases of enterprises (SPEC §3): create, certify, members."""
