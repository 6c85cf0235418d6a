"""Write pd_like.csv: 300 respondents drawn from a PoliticalDemocracy-shaped model (Bollen 1989,
lavaan's `PoliticalDemocracy` example: ind60 → dem60 → dem65, 3 + 4 + 4 indicators), answers on a
1–10 scale. Deterministic from the seed; the CSV is committed, this script documents how it was made."""
from pathlib import Path

import numpy as np

SEED = 19890101
N = 300


def main() -> None:
    rng = np.random.default_rng(SEED)
    ind60 = rng.normal(0, 1, N)
    dem60 = 0.65 * ind60 + rng.normal(0, 0.76, N)
    dem65 = 0.15 * ind60 + 0.80 * dem60 + rng.normal(0, 0.35, N)
    columns = {}
    for prefix, factor, loadings in (("x", ind60, (0.92, 0.97, 0.87)),
                                     ("y", dem60, (0.85, 0.72, 0.72, 0.85)),
                                     ("z", dem65, (0.84, 0.75, 0.80, 0.87))):
        for k, loading in enumerate(loadings, start=1):
            score = loading * factor + rng.normal(0, np.sqrt(1 - loading**2), N)
            columns[f"{prefix}{k}"] = np.clip(np.rint(5.5 + 1.8 * score), 1, 10).astype(int)
    lines = ["resp_id," + ",".join(columns)]
    for i in range(N):
        lines.append(f"{i + 1}," + ",".join(str(columns[c][i]) for c in columns))
    Path(__file__).with_name("pd_like.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
