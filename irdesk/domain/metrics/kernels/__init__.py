"""The numerical tricks behind the metrics, each with a name and the reason for it.

The dashboard recomputes every figure over up to a hundred thousand incidents whenever
the period, the grouping or the policy changes. Where a plain numpy call does work these
arrays do not need (hashing, NaN checks, 64-bit keys, a time-zone look-up per value,
a second sort), a kernel here does the same computation without it, and gives exactly
what the plain call gives: tests/unit/metrics/test_kernels.py holds each kernel to the
plain call, to the last bit. The metric modules call these by name and so read as the
definitions they compute.

One module per family:

- `reductions`: an array to one number (quantiles of sorted values, or of values
  partitioned where those quantiles read, the median by one partition, a sum of
  products without BLAS).
- `sorting`: the stable argsort, distinct values, where runs of equal values start;
  whether values are in order already, and the merge of two sorted lists (the events
  come grouped per incident: an order that is known is kept, not sorted again).
- `grouping`: rows split by a small code or any key; per group its distinct values, its
  fullest bucket, its last entry; each run's first appearances; (group, value) pairs
  packed into one integer; unions of overlapping intervals; windows over sorted times.
- `lookups`: row masks, set difference in order, values and positions by key.
- `calendar`: wall-clock time in a zone (offsets kept per block of days), days, weekdays
  and weeks.
- `memory`: how the process takes memory for large arrays (set once as irdesk starts),
  and the cycle collector paused while the figures make their objects.

Kernels take and return numpy arrays and know nothing of incidents or policies.
"""
