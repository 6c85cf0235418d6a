"""Test-session settings: one BLAS thread, as `loyalty run` uses (small matrices; see analysis.pipeline)."""
from threadpoolctl import threadpool_limits

_BLAS_LIMIT = threadpool_limits(limits=1)
