"""What an operator watches: Prometheus metrics (`/metrics`) and the ids carried by log lines.

`context` and `logs` import nothing of Response; `metrics` defines the in-process counters that
the adapters and the engine move, and the collector that reads the database at scrape time.
"""
