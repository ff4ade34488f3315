"""Root conftest: nothing heavy here, so the pure unit tests start in milliseconds."""
