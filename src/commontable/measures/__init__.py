"""Measures: definitions, value sets, the engine, statistics (see ARCHITECTURE.md)."""
