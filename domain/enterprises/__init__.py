"""Enterprises (SPEC §3): the company, its certification and the people who belong to it."""
