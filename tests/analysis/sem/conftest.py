"""Fixtures of the SEM tests."""
import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(scope="module")
def one_blas_thread():
    """One BLAS thread, as ``loyalty run`` uses (tests/conftest.py limits BLAS before numpy is loaded, which
    leaves numpy's BLAS on every core: multi-group fits then run ten times slower on a busy machine)."""
    with threadpool_limits(limits=1):
        yield
