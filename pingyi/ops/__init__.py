"""Operations: backup and restore, liveness and readiness, metrics, the worker's heartbeat and the job reaper.

The top layer (decision 0021): it reads every app's job rows and counts, and no app imports it.
See docs/operations.md.
"""
