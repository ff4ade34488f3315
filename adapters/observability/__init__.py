"""What an on-call engineer reads: Prometheus metrics, structured logs with request ids, OpenTelemetry traces."""
