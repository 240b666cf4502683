"""Performance and accuracy benchmarks of dltut against peer libraries.

Run them all with `python -m benchmarks.run` (add `--quick` for a short
check). Each benchmark module exposes `run(quick: bool) -> dict`, and the
results are merged into `benchmarks/results.json`. Speed is reported as a
ratio to peers timed in the same process on the same machine, never as an
absolute time that a test asserts.
"""
