"""Publishing: what crosses from the warehouse to the app DB, and nothing else.

Measure results cross as aggregates after small-cell suppression (privacy.suppression); the
collaborative's roster crosses as member organizations. No patient-level row ever does.
"""
