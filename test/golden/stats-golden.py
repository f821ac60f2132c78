"""Golden numbers for src/core/stats.ts and stats-dist.ts, from SciPy (Debian python3-scipy 1.10).

Made with:  /usr/bin/python3 test/golden/stats-golden.py > test/golden/stats.json
Only the numbers are committed; SciPy is not a dependency of the project.
"""
import json, math, random
import scipy, numpy as np
from scipy import stats, special

out = {"source": "scipy %s via test/golden/stats-golden.py" % scipy.__version__}

out["normalTwoSided"] = [[z, float(2 * stats.norm.sf(abs(z)))] for z in
                         [0.0, 0.1, 0.512, 1.0, 1.96, 2.342, 2.416, 3.5, 6.387, 8.0, 12.0, 30.0]]
out["chi2Sf"] = [[x, df, float(stats.chi2.sf(x, df))] for x, df in
                 [(0.5, 1), (3.3, 4), (9.28, 3), (12.0, 7), (30.0, 5), (80.0, 4), (200.0, 10), (0.01, 9)]]
out["fSf"] = [[x, d1, d2, float(stats.f.sf(x, d1, d2))] for x, d1, d2 in
              [(3.69, 3, 39), (2.85, 3, 39), (0.5, 2, 10), (10.0, 4, 60), (60.0, 5, 75), (1.0, 1, 1), (4.2, 8, 3)]]
out["logGamma"] = [[x, float(special.gammaln(x))] for x in [0.1, 0.5, 1.0, 1.5, 7.0, 19.5, 100.25]]

# Demšar (2006) Table 6: ranks as printed (voting's 0.975/0.975 are ranked 2 and 3 there: unrounded AUCs).
ranks = np.array([
    [4, 3, 2, 1], [1, 2, 3, 4], [4, 1, 2, 3], [4, 1, 3, 2], [4, 2, 3, 1], [1, 2.5, 4, 2.5], [3, 2, 4, 1],
    [2.5, 2.5, 4, 1], [4, 3, 2, 1], [2.5, 2.5, 2.5, 2.5], [4, 2.5, 1, 2.5], [3, 2, 4, 1], [4, 1, 2, 3],
    [3, 1, 4, 2]])
N, k = ranks.shape
R = ranks.mean(axis=0)
chi2 = 12 * N / (k * (k + 1)) * (np.sum(R ** 2) - k * (k + 1) ** 2 / 4)
ff = (N - 1) * chi2 / (N * (k - 1) - chi2)
se = math.sqrt(k * (k + 1) / (6 * N))
out["demsar"] = {
    "ranks": ranks.tolist(), "avgRanks": R.tolist(), "chi2": chi2, "pChi2": float(stats.chi2.sf(chi2, k - 1)),
    "ff": ff, "pF": float(stats.f.sf(ff, k - 1, (k - 1) * (N - 1))),
    "fCrit05": float(stats.f.isf(0.05, k - 1, (k - 1) * (N - 1))), "se": se,
    "holm": [{"method": j, "z": (R[j] - R[0]) / se, "p": float(2 * stats.norm.sf(abs((R[j] - R[0]) / se)))}
             for j in (3, 1, 2)],
}

# Paper App. B: k = 5 methods on N = 16 settings. Rank-sum gaps of 23 (GIT, Table 2) and 29 (search-free,
# Table 4) reproduce the printed p-values 1.012654e-02 and 1.185697e-03.
se16 = math.sqrt(5 * 6 / (6 * 16))
out["paper"] = [{"gap": g / 16, "k": 5, "N": 16, "p": float(2 * stats.norm.sf(g / 16 / se16)), "printed": pr}
                for g, pr in ((23, 1.012654e-02), (29, 1.185697e-03))]

# A random score table without ties: SciPy's friedmanchisquare (its tie correction is then 1).
rng = random.Random(6)
table = [[round(rng.uniform(0.5, 0.9), 6) for _ in range(6)] for _ in range(9)]
st, p = stats.friedmanchisquare(*np.array(table).T)
out["randomTable"] = {"table": table, "chi2": float(st), "pChi2": float(p)}
print(json.dumps(out, indent=1))
