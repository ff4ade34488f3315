"""The scan-session change feed (application/scans/feed.py) three ways: in-process, PostgreSQL LISTEN/NOTIFY,
Redis pub/sub; `make_scan_feed` picks one from the settings."""
