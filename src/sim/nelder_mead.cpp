// Nelder-Mead simplex minimisation.
#include "schedkit/sim/nelder_mead.h"

#include <algorithm>
#include <numeric>

namespace schedkit::sim {
namespace {

struct Simplex {
  std::vector<std::vector<double>> x;
  std::vector<double> v;
};

}  // namespace

NelderMeadResult NelderMead(const std::function<double(const std::vector<double>&)>& f,
                            std::vector<double> start, const NelderMeadOptions& options) {
  const size_t n = start.size();
  NelderMeadResult best{start, 0, 0};
  auto eval = [&](const std::vector<double>& p) {
    ++best.evaluations;
    return f(p);
  };
  best.value = eval(start);
  if (n == 0) return best;
  for (int round = 0; round <= options.restarts; ++round) {
    Simplex s;
    s.x.push_back(best.x);
    s.v.push_back(best.value);
    for (size_t i = 0; i < n; ++i) {
      std::vector<double> p = best.x;
      p[i] += options.initial_step;
      s.x.push_back(p);
      s.v.push_back(eval(p));
    }
    std::vector<size_t> order(n + 1);
    while (best.evaluations < options.max_evaluations) {
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s.v[a] < s.v[b]; });
      const size_t lo = order[0], hi = order[n], second = order[n - 1];
      if (s.v[hi] - s.v[lo] < options.tolerance) break;
      std::vector<double> centroid(n, 0.0);
      for (size_t k = 0; k <= n; ++k) {
        if (k == hi) continue;
        for (size_t i = 0; i < n; ++i) centroid[i] += s.x[k][i] / static_cast<double>(n);
      }
      auto along = [&](double t) {
        std::vector<double> p(n);
        for (size_t i = 0; i < n; ++i) p[i] = centroid[i] + t * (s.x[hi][i] - centroid[i]);
        return p;
      };
      std::vector<double> r = along(-1.0);
      const double fr = eval(r);
      if (fr < s.v[lo]) {
        std::vector<double> e = along(-2.0);
        const double fe = eval(e);
        if (fe < fr) {
          s.x[hi] = e, s.v[hi] = fe;
        } else {
          s.x[hi] = r, s.v[hi] = fr;
        }
      } else if (fr < s.v[second]) {
        s.x[hi] = r, s.v[hi] = fr;
      } else {
        std::vector<double> c = fr < s.v[hi] ? along(-0.5) : along(0.5);
        const double fc = eval(c);
        if (fc < std::min(fr, s.v[hi])) {
          s.x[hi] = c, s.v[hi] = fc;
        } else {
          for (size_t k = 0; k <= n; ++k) {
            if (k == lo) continue;
            for (size_t i = 0; i < n; ++i) s.x[k][i] = s.x[lo][i] + 0.5 * (s.x[k][i] - s.x[lo][i]);
            s.v[k] = eval(s.x[k]);
          }
        }
      }
    }
    const size_t b = static_cast<size_t>(std::min_element(s.v.begin(), s.v.end()) - s.v.begin());
    if (s.v[b] <= best.value) best.x = s.x[b], best.value = s.v[b];
    if (best.evaluations >= options.max_evaluations) break;
  }
  return best;
}

}  // namespace schedkit::sim
