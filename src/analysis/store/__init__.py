"""The processed store: the single hand-off between ingest and everything downstream."""
