"""The scan services (SPEC §7): platform and app sides, and the change subscription."""
