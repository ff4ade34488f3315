"""GraphQL of enterprises (SPEC §3)."""
