"""analysis.sem.optimizer: a Newton / Fisher-scoring step is never taken through a singular matrix."""
import numpy as np

from analysis.sem.optimizer import inverse_hessian_or_information

#: rank 2 of 3: Cholesky passes on rounding, LU then finds an exact zero pivot (issue 13, bug 1)
SINGULAR_FACTOR = np.array([[-1.009618183538736, -0.20917557487171307],
                            [-0.15922500991447772, 0.5408455846858077],
                            [0.2146591225063409, 0.3553727090399214]])


def test_newton_then_fisher_scoring_then_a_damped_step_then_none():
    singular = SINGULAR_FACTOR @ SINGULAR_FACTOR.T
    indefinite = np.diag([1.0, -1.0, 1.0])
    hess = np.stack([2.0 * np.eye(3), indefinite, indefinite, np.full((3, 3), np.nan)])
    info = np.stack([np.eye(3), np.eye(3), singular / 2, np.full((3, 3), np.nan)])
    inverse, solved = inverse_hessian_or_information(hess, info)
    assert solved.tolist() == [True, True, True, False]
    assert np.allclose(inverse[0], np.eye(3) / 2) and np.allclose(inverse[1], np.eye(3) / 2)
    assert np.isfinite(inverse[2]).all() and np.all(np.linalg.eigvalsh(inverse[2]) > 0)  # the damped step
