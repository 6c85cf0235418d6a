"""analysis.sem.optimizer: a Newton / Fisher-scoring step is never taken through a singular matrix."""
import numpy as np

from analysis.sem.optimizer import inverse_hessian_or_information

#: rank 2 of 3: Cholesky passes on rounding, LU then finds an exact zero pivot (issue 13, bug 1)
SINGULAR_FACTOR = np.array([[-1.009618183538736, -0.20917557487171307],
                            [-0.15922500991447772, 0.5408455846858077],
                            [0.2146591225063409, 0.3553727090399214]])


def test_a_singular_hessian_and_information_are_not_inverted():
    singular = SINGULAR_FACTOR @ SINGULAR_FACTOR.T
    indefinite = np.diag([1.0, -1.0, 1.0])
    hess = np.stack([singular, indefinite, np.eye(3)])
    info = np.stack([singular / 2, singular / 2, np.eye(3)])
    inverse, solved = inverse_hessian_or_information(hess, info)
    assert not solved[1] and solved[2] and np.allclose(inverse[2], np.eye(3))
    assert not solved[0] or np.isfinite(inverse[0]).all()
