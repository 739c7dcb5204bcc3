#!/usr/bin/env python3
"""Refits the calibrated-roofline factors (execution_roofline.h) on the validation recipes.

Coordinate search in log space over the 8 factors, minimising
  median |rel. error| + 0.25 x mean |rel. error|   of every row of every recipe given,
by calling `schedkit validate --roofline-params`. Deterministic; prints the best factors.
Usage: scripts/fit_roofline.py build/release/apps/schedkit data/validate/argonne_vllm.json [...]
"""
import math
import re
import statistics
import subprocess
import sys

NAMES = ["gemm_compute_eff", "gemm_memory_eff", "attn_compute_eff", "attn_memory_eff", "link_eff",
         "allreduce_ms", "step_ms", "per_seq_ms"]
START = [0.60, 0.80, 0.40, 0.60, 0.5, 0.03, 1.6, 0.01]
CAP = [1.0, 1.0, 1.0, 1.0, 1.0, 10.0, 50.0, 1.0]
ROW = re.compile(r"^\S.*\s(-?[0-9.]+)%$")


def score(cli, recipes, p):
    errs = []
    for r in recipes:
        out = subprocess.run([cli, "validate", r, "--roofline-params", ",".join(f"{x:.6g}" for x in p)],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            m = ROW.match(line)
            if m and not line.startswith("summary"):
                errs.append(abs(float(m.group(1))) / 100)
    return statistics.median(errs) + 0.25 * statistics.mean(errs), statistics.median(errs), max(errs)


def main():
    cli, recipes = sys.argv[1], sys.argv[2:]
    p = list(START)
    best = score(cli, recipes, p)
    step = 0.5
    while step > 0.02:
        improved = False
        for i in range(len(p)):
            for f in (math.exp(step), math.exp(-step)):
                q = list(p)
                q[i] = min(CAP[i], q[i] * f)
                s = score(cli, recipes, q)
                if s[0] < best[0] - 1e-6:
                    p, best, improved = q, s, True
        print(f"step {step:.3f} objective {best[0]:.4f} median {best[1]:.4f} worst {best[2]:.4f} "
              + ",".join(f"{x:.4g}" for x in p), flush=True)
        if not improved:
            step /= 2
    for n, x in zip(NAMES, p):
        print(f"{n} = {x:.4g}")


if __name__ == "__main__":
    main()
