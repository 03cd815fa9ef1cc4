"""What an operator watches: health probes, Prometheus metrics, request ids and structured logs."""
