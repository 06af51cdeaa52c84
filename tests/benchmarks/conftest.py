"""Benchmark smoke runs: each benchmark's core (syncsvc.testing.reconcile_baseline,
sync_baseline here) on tiny data sets.

They check request counts and that the fast paths agree with the baselines, never
timings. The baselines are slow on purpose (the reconciler's scores every pair),
so these run here, apart from the unit tests' time budget; the sync one also
starts the fake servers and a database.
"""
