"""Model structure: a parameter table as LISREL matrices, Σ(θ) and its derivatives with respect to θ.

LISREL "all-y" form (lavaan ``representation = "LISREL"``, ``R/lav_model_implied.R``; Bollen 1989, ch. 8)::

    y = Λη + ε,   η = Bη + ζ,   Σ(θ) = Λ(I − B)⁻¹ Ψ (I − B)⁻ᵀ Λᵀ + Θ

Λ is p×m (indicators × latents), B and Ψ m×m, Θ p×p. A mean structure (multi-group models) adds
μ(θ) = ν + Λ(I − B)⁻¹α with intercepts ν (p) and latent means α (m) (:class:`MeanStructure`). A
multi-group model holds one structure per group over one shared θ (:class:`GroupStructure`): rows of
different groups holding the same free-parameter number are equal.

Derivatives: a free matrix entry moves Σ by ``dΣ = u vᵀ + v uᵀ``, u and v being columns of
Λ(I − B)⁻¹, of Λ(I − B)⁻¹Ψ(I − B)⁻ᵀ or unit vectors (v halved for a diagonal entry of Ψ or Θ), so a
discrepancy function gets its gradient and information from the (u, v) rows in O(q p²); the second
derivatives enter only through ``tr(R ∂²Σ/∂θ_a∂θ_b)`` (:meth:`ModelStructure.second_order_term`).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from analysis.sem.linalg import inverse_or_nan, transpose
from analysis.sem.specification import ModelSpec, ParameterSpec

LAMBDA, BETA, PSI, THETA = range(4)
SYMMETRIC = (PSI, THETA)


class CovarianceDerivatives(NamedTuple):
    """Σ(θ) and its first derivatives ``dΣ_e = u_e v_eᵀ + v_e u_eᵀ`` (row e of ``u`` and ``v`` per free
    matrix entry e), with Λ, A = (I − B)⁻¹ and Ψ for the second derivatives; one θ or a stack."""

    sigma: np.ndarray
    u: np.ndarray
    v: np.ndarray
    lam: np.ndarray
    inverse_i_minus_b: np.ndarray
    psi: np.ndarray


class ModelStructure:
    """A :class:`ModelSpec` as positions in Λ (p×m), B (m×m), Ψ (m×m) and Θ (p×p).

    A free *entry* is one matrix cell holding a free parameter; rows with a shared label put one
    parameter into several entries (``entries_to_parameters`` maps entry derivatives to parameters).
    """

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        self.observed = spec.observed
        self.latent = spec.latent
        self.n_observed, self.n_latent, self.n_free = len(spec.observed), len(spec.latent), spec.n_free
        observed_index = {v: i for i, v in enumerate(spec.observed)}
        latent_index = {v: i for i, v in enumerate(spec.latent)}
        self.fixed_matrices = [np.zeros((self.n_observed, self.n_latent)), np.zeros((self.n_latent, self.n_latent)),
                               np.zeros((self.n_latent, self.n_latent)), np.zeros((self.n_observed, self.n_observed))]
        self.row_positions: list[tuple[int, int, int]] = []  # (matrix, row, column) of every table row
        free: list[tuple[int, int, int, int]] = []  # matrix, row, column, free parameter (0-based)
        for par in spec.parameters:
            position = matrix_position(par, observed_index, latent_index)
            self.row_positions.append(position)
            if par.free:
                free.append((*position, par.free - 1))
            else:
                matrix, row, col = position
                self.fixed_matrices[matrix][row, col] = par.value
                if matrix in SYMMETRIC:
                    self.fixed_matrices[matrix][col, row] = par.value
        free.sort(key=lambda f: f[0])
        entries = np.array(free, dtype=int).reshape(-1, 4)
        self.entry_matrix, self.entry_row, self.entry_col, self.entry_parameter = entries.T
        #: matrix, row and column of every table row as arrays
        self.row_arrays = tuple(np.array(self.row_positions, dtype=int).reshape(-1, 3).T)
        self.entries_of_matrix = [np.flatnonzero(self.entry_matrix == j) for j in range(4)]
        self.cells_of_matrix = [(self.entry_row[e], self.entry_col[e], self.entry_parameter[e])
                                for e in self.entries_of_matrix]
        n_entries = len(self.entry_parameter)
        self.entries_to_parameters = np.zeros((n_entries, self.n_free))
        self.entries_to_parameters[np.arange(n_entries), self.entry_parameter] = 1.0
        self.one_entry_per_parameter = n_entries == self.n_free and bool(
            np.all(self.entry_parameter == np.arange(self.n_free)))
        #: the entry of each parameter when every parameter has exactly one entry (the entries are then θ
        #: reordered by matrix), else None
        self.entry_of_parameter = (np.argsort(self.entry_parameter) if n_entries == self.n_free and bool(
            np.all(np.sort(self.entry_parameter) == np.arange(self.n_free))) else None)
        diagonal = self.entry_row == self.entry_col
        self.entry_weight = np.where(diagonal & np.isin(self.entry_matrix, SYMMETRIC), 0.5, 1.0)
        self.identity_observed, self.identity_latent = np.eye(self.n_observed), np.eye(self.n_latent)
        self.has_beta = bool(len(self.entries_of_matrix[BETA])) or bool(self.fixed_matrices[BETA].any())

    def matrices(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Λ, B, Ψ, Θ at ``theta`` (q,) or stacked at ``theta`` (b, q); complex ``theta`` works too."""
        if theta.ndim == 1:
            out = [t.astype(theta.dtype) for t in self.fixed_matrices]
        else:
            out = [np.empty(theta.shape[:-1] + t.shape, dtype=theta.dtype) for t in self.fixed_matrices]
            for o, t in zip(out, self.fixed_matrices):
                o[...] = t
        for j, (rows, cols, parameters) in enumerate(self.cells_of_matrix):
            values = theta[..., parameters]
            out[j][..., rows, cols] = values
            if j in SYMMETRIC:
                out[j][..., cols, rows] = values
        return out[0], out[1], out[2], out[3]

    def _inverse_i_minus_b(self, beta: np.ndarray) -> np.ndarray:
        """A = (I − B)⁻¹, NaN where I − B is singular (Σ(θ) and F are then undefined)."""
        if self.has_beta:
            return inverse_or_nan(self.identity_latent - beta)
        return np.broadcast_to(self.identity_latent, beta.shape)

    def latent_cov(self, theta: np.ndarray) -> np.ndarray:
        """VETA = (I − B)⁻¹ Ψ (I − B)⁻ᵀ, the model-implied covariance of the latent variables."""
        _, beta, psi, _ = self.matrices(theta)
        a = self._inverse_i_minus_b(beta)
        return a @ psi @ transpose(a)

    def implied(self, theta: np.ndarray) -> np.ndarray:
        """Σ(θ), lavaan ``fitted(fit)$cov``."""
        lam, beta, psi, th = self.matrices(theta)
        lam_a = lam @ self._inverse_i_minus_b(beta)
        return lam_a @ psi @ transpose(lam_a) + th

    def covariance_derivatives(self, theta: np.ndarray) -> CovarianceDerivatives:
        """Σ(θ) and the (u, v) rows of every free entry's ``dΣ = u vᵀ + v uᵀ`` at θ (q,) or a stack (b, q).

        Λ[i, j]: u = e_i, v = row j of (Λ A Ψ Aᵀ)ᵀ;  B[j, k]: u = row j of (ΛA)ᵀ, v = row k of (ΛAΨAᵀ)ᵀ;
        Ψ[s, t]: u, v = rows s, t of (ΛA)ᵀ;  Θ[i, k]: u, v = e_i, e_k  (A = (I − B)⁻¹; v halved on a diagonal
        of Ψ or Θ).
        """
        lam, beta, psi, th = self.matrices(theta)
        a = self._inverse_i_minus_b(beta)
        lam_a = lam @ a
        c = lam_a @ psi @ transpose(a)
        sigma = c @ transpose(lam) + th
        lam_a_t, c_t = transpose(lam_a), transpose(c)
        unit = np.broadcast_to(self.identity_observed, sigma.shape)
        rows, cols, of = self.entry_row, self.entry_col, self.entries_of_matrix
        u = np.concatenate([unit[..., rows[of[LAMBDA]], :], lam_a_t[..., rows[of[BETA]], :],
                            lam_a_t[..., rows[of[PSI]], :], unit[..., rows[of[THETA]], :]], axis=-2)
        v = np.concatenate([c_t[..., cols[of[LAMBDA]], :], c_t[..., cols[of[BETA]], :],
                            lam_a_t[..., cols[of[PSI]], :], unit[..., cols[of[THETA]], :]], axis=-2)
        v = v * self.entry_weight[:, None]
        return CovarianceDerivatives(sigma, u, v, lam, a, psi)

    def second_order_term(self, derivatives: CovarianceDerivatives, resid: np.ndarray) -> np.ndarray:
        """W_ab = tr(R ∂²Σ/∂θ_a∂θ_b) over the free entries, for a symmetric R (one or a stack).

        Entries Λ[i, j], B[j, k], Ψ[s, t] (weight ½ on the diagonal of Ψ); M = AΨAᵀ, G = ΛᵀRΛ; Θ enters Σ
        linearly and contributes nothing.
        """
        lam, a, psi = derivatives.lam, derivatives.inverse_i_minus_b, derivatives.psi
        in_lam, in_beta, in_psi = (self.entries_of_matrix[j] for j in (LAMBDA, BETA, PSI))
        lam_i, lam_j = self.entry_row[in_lam], self.entry_col[in_lam]
        beta_j, beta_k = self.entry_row[in_beta], self.entry_col[in_beta]
        psi_s, psi_t = self.entry_row[in_psi], self.entry_col[in_psi]
        psi_weight = self.entry_weight[in_psi][None, :]
        w = np.zeros(resid.shape[:-2] + (len(self.entry_parameter), len(self.entry_parameter)))
        m_mat = a @ psi @ transpose(a)
        h = transpose(lam) @ resid
        ath, mh = transpose(a) @ h, m_mat @ h
        w[block_index(in_lam, in_lam)] = 2.0 * resid[block_index(lam_i, lam_i)] * m_mat[block_index(lam_j, lam_j)]
        block = 2.0 * psi_weight * (a[block_index(lam_j, psi_s)] * transpose(ath[block_index(psi_t, lam_i)])
                                    + a[block_index(lam_j, psi_t)] * transpose(ath[block_index(psi_s, lam_i)]))
        w[block_index(in_lam, in_psi)] = block
        w[block_index(in_psi, in_lam)] = transpose(block)
        if self.has_beta:
            g = h @ lam
            mga, aga = m_mat @ g @ a, transpose(a) @ g @ a
            block = 2.0 * (a[block_index(lam_j, beta_j)] * transpose(mh[block_index(beta_k, lam_i)])
                           + m_mat[block_index(lam_j, beta_k)] * transpose(ath[block_index(beta_j, lam_i)]))
            w[block_index(in_lam, in_beta)] = block
            w[block_index(in_beta, in_lam)] = transpose(block)
            k_j = block_index(beta_k, beta_j)
            w[block_index(in_beta, in_beta)] = 2.0 * (a[k_j] * transpose(mga[k_j]) + transpose(a[k_j]) * mga[k_j]
                                                      + m_mat[block_index(beta_k, beta_k)]
                                                      * aga[block_index(beta_j, beta_j)])
            block = 2.0 * psi_weight * (a[block_index(beta_k, psi_s)] * transpose(aga[block_index(psi_t, beta_j)])
                                        + a[block_index(beta_k, psi_t)] * transpose(aga[block_index(psi_s, beta_j)]))
            w[block_index(in_beta, in_psi)] = block
            w[block_index(in_psi, in_beta)] = transpose(block)
        return w

    def entry_to_parameter_derivatives(self, gradient: np.ndarray, information: np.ndarray | None,
                                       hessian: np.ndarray | None
                                       ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Derivatives with respect to the free entries turned into derivatives with respect to θ
        (chain rule through ``entries_to_parameters`` K: g K, Kᵀ I K, Kᵀ H K)."""
        if self.one_entry_per_parameter:
            return gradient, information, hessian
        order = self.entry_of_parameter
        if order is not None:  # K is a permutation: reorder instead of multiplying
            cells = (Ellipsis, order[:, None], order[None, :])
            return (gradient[..., order], None if information is None else information[cells],
                    None if hessian is None else hessian[cells])
        k_map = self.entries_to_parameters
        k_map_t = k_map.T
        gradient = gradient @ k_map
        information = None if information is None else k_map_t @ information @ k_map
        hessian = None if hessian is None else k_map_t @ hessian @ k_map
        return gradient, information, hessian


def matrix_position(par: ParameterSpec, observed_index: dict[str, int], latent_index: dict[str, int]
                    ) -> tuple[int, int, int]:
    """(matrix, row, column) of a parameter-table row: ``f =~ y`` Λ[y, f] (B[g, f] for a latent g),
    ``y ~ x`` B[y, x], ``a ~~ b`` Ψ[a, b] for latents and Θ[a, b] for indicators."""
    if par.op == "=~":
        if par.rhs in observed_index:
            return LAMBDA, observed_index[par.rhs], latent_index[par.lhs]
        return BETA, latent_index[par.rhs], latent_index[par.lhs]
    if par.op == "~":
        return BETA, latent_index[par.lhs], latent_index[par.rhs]
    if par.lhs in latent_index:
        return PSI, latent_index[par.lhs], latent_index[par.rhs]
    return THETA, observed_index[par.lhs], observed_index[par.rhs]


def block_index(rows: np.ndarray, cols: np.ndarray) -> tuple:
    """Index of the block ``x[..., rows, :][..., cols]`` of a matrix or a stack (``np.ix_`` on the last two axes)."""
    return Ellipsis, rows[:, None], cols[None, :]


def row_values(structure: ModelStructure, theta: np.ndarray) -> np.ndarray:
    """Estimate of every parameter-table row (free rows from θ, fixed rows their value); θ (q,) or a stack."""
    mats = structure.matrices(theta)
    kind, r, c = structure.row_arrays
    out = np.empty(theta.shape[:-1] + (len(kind),), dtype=theta.dtype)
    for j in range(4):
        rows = kind == j
        out[..., rows] = mats[j][..., r[rows], c[rows]]
    return out


def standardized_values(structure: ModelStructure, theta: np.ndarray) -> np.ndarray:
    """std.all of every parameter-table row (lavaan ``standardizedSolution(type = "std.all")``); θ (q,) or a
    stack.

    =~ : λ·sd(η)/sd(y) with sd from VETA and diag Σ;  ~ : b·sd(x)/sd(y);  variances: v / total
    variance; covariances: correlations of the (residual) terms, lavaan's ``cov.std = TRUE``.
    """
    lam, beta, psi, th = structure.matrices(theta)
    a = np.linalg.inv(structure.identity_latent - beta) if structure.has_beta else structure.identity_latent
    veta = a @ psi @ transpose(a)
    sigma = lam @ veta @ transpose(lam) + th
    sd_lv = np.sqrt(np.diagonal(veta, axis1=-2, axis2=-1))
    sd_ov = np.sqrt(np.diagonal(sigma, axis1=-2, axis2=-1))
    kind, r, c = structure.row_arrays
    out = np.empty(theta.shape[:-1] + (len(kind),), dtype=theta.dtype)
    for j, (values, total, sd_row, sd_col) in enumerate(((lam, None, sd_ov, sd_lv), (beta, None, sd_lv, sd_lv),
                                                         (psi, veta, None, None), (th, sigma, None, None))):
        rows = kind == j
        rr, cc = r[rows], c[rows]
        if total is None:
            out[..., rows] = values[..., rr, cc] * sd_col[..., cc] / sd_row[..., rr]
        else:  # a variance over its total variance, a covariance over √ of the two variances
            out[..., rows] = values[..., rr, cc] / np.where(rr == cc, total[..., rr, rr],
                                                           np.sqrt(values[..., rr, rr] * values[..., cc, cc]))
    return out


class MeanStructure:
    """μ(θ) = ν + Λ(I − B)⁻¹α of a :class:`ModelStructure` and its ``~1`` rows (lavaan ``meanstructure = TRUE``,
    ``R/lav_model_implied.R``; Bollen 1989, ch. 8): ``item ~1`` an intercept ν_i, ``latent ~1`` a latent
    mean (intercept) α_j; ``free`` numbers index the same θ as the covariance structure."""

    def __init__(self, structure: ModelStructure, rows: tuple[ParameterSpec, ...]):
        self.structure = structure
        observed_index = {v: i for i, v in enumerate(structure.observed)}
        latent_index = {v: i for i, v in enumerate(structure.latent)}
        self.fixed_nu, self.fixed_alpha = np.zeros(structure.n_observed), np.zeros(structure.n_latent)
        free_nu, free_alpha = [], []
        for par in rows:
            on_latent = par.lhs in latent_index
            index = latent_index[par.lhs] if on_latent else observed_index[par.lhs]
            if par.free:
                (free_alpha if on_latent else free_nu).append((index, par.free - 1))
            else:
                (self.fixed_alpha if on_latent else self.fixed_nu)[index] = par.value
        self.nu_entries = np.array(free_nu, dtype=int).reshape(-1, 2).T
        self.alpha_entries = np.array(free_alpha, dtype=int).reshape(-1, 2).T

    def intercepts(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """ν (p,) and α (m,) at θ (q,)."""
        nu, alpha = self.fixed_nu.astype(theta.dtype), self.fixed_alpha.astype(theta.dtype)
        nu[self.nu_entries[0]] = theta[self.nu_entries[1]]
        alpha[self.alpha_entries[0]] = theta[self.alpha_entries[1]]
        return nu, alpha

    def mean_and_jacobian(self, theta: np.ndarray, n_free: int) -> tuple[np.ndarray, np.ndarray]:
        """μ(θ) (p,) and ∂μ/∂θ (p, n_free) at θ (q,).

        With A = (I − B)⁻¹: ∂μ/∂ν_i = e_i;  ∂μ/∂α_j = (ΛA)e_j;  ∂μ/∂Λ_ij = e_i (Aα)_j;
        ∂μ/∂B_jk = (ΛA)e_j (Aα)_k.
        """
        st = self.structure
        lam, beta, _, _ = st.matrices(theta)
        nu, alpha = self.intercepts(theta)
        lam_a = lam @ st._inverse_i_minus_b(beta)
        a_alpha = np.linalg.solve(st.identity_latent - beta, alpha) if st.has_beta else alpha
        jacobian = np.zeros((st.n_observed, n_free))
        np.add.at(jacobian, (self.nu_entries[0], self.nu_entries[1]), 1.0)
        np.add.at(jacobian.T, self.alpha_entries[1], lam_a[:, self.alpha_entries[0]].T)
        in_lam, in_beta = st.entries_of_matrix[LAMBDA], st.entries_of_matrix[BETA]
        np.add.at(jacobian, (st.entry_row[in_lam], st.entry_parameter[in_lam]), a_alpha[st.entry_col[in_lam]])
        np.add.at(jacobian.T, st.entry_parameter[in_beta],
                  (lam_a[:, st.entry_row[in_beta]] * a_alpha[st.entry_col[in_beta]]).T)
        return nu + lam_a @ alpha, jacobian


    def second_order_term(self, theta: np.ndarray, w: np.ndarray, n_free: int) -> np.ndarray:
        """M_ab = wᵀ ∂²μ/∂θ_a∂θ_b (n_free, n_free) at θ (q,) for a vector w (p,).

        With A = (I − B)⁻¹, a = Aα and r = (wᵀΛA)ᵀ, the non-zero second derivatives give
        Λ_ij·α_k: w_i A_jk;  Λ_ij·B_kl: w_i A_jk a_l;  B_jk·α_l: r_j A_kl;
        B_jk·B_lm: r_l A_mj a_k + r_j A_kl a_m.
        """
        st = self.structure
        lam, beta, _, _ = st.matrices(theta)
        _, alpha = self.intercepts(theta)
        a = st._inverse_i_minus_b(beta)
        a_alpha, r = a @ alpha, (w @ lam) @ a
        out = np.zeros((n_free, n_free))
        in_lam, in_beta = st.entries_of_matrix[LAMBDA], st.entries_of_matrix[BETA]
        lam_i, lam_j, lam_par = st.entry_row[in_lam], st.entry_col[in_lam], st.entry_parameter[in_lam]
        b_j, b_k, b_par = st.entry_row[in_beta], st.entry_col[in_beta], st.entry_parameter[in_beta]
        alpha_k, alpha_par = self.alpha_entries
        blocks = [(lam_par, alpha_par, w[lam_i][:, None] * a[lam_j][:, alpha_k]),
                  (lam_par, b_par, w[lam_i][:, None] * a[lam_j][:, b_j] * a_alpha[b_k][None, :]),
                  (b_par, alpha_par, r[b_j][:, None] * a[b_k][:, alpha_k]),
                  (b_par, b_par, r[b_j][None, :] * a[b_k][:, b_j].T * a_alpha[b_k][:, None]
                   + r[b_j][:, None] * a[b_k][:, b_j] * a_alpha[b_k][None, :])]
        for rows, cols, block in blocks:
            np.add.at(out, (rows[:, None], cols[None, :]), block)
            if rows is not cols:
                np.add.at(out, (cols[:, None], rows[None, :]), block.T)
        return out


class GroupStructure(NamedTuple):
    """One group of a multi-group model: Σ(θ) and μ(θ) over the θ shared by all groups."""

    covariance: ModelStructure
    means: MeanStructure


class MultiGroupStructure(NamedTuple):
    """The groups of a multi-group model and the number q of free parameters they share."""

    groups: tuple[GroupStructure, ...]
    n_free: int
