#include "schedkit/graph/jssp_exact.h"

#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <memory>

#include "schedkit/util/error.h"

#ifdef SCHEDKIT_HAVE_GECODE
#include <gecode/int.hh>
#include <gecode/minimodel.hh>
#include <gecode/search.hh>
#endif

namespace schedkit::graph {

#ifdef SCHEDKIT_HAVE_GECODE
namespace {

class JobShopSpace : public Gecode::IntMinimizeSpace {
 public:
  JobShopSpace(const JsspInstance& inst, int horizon)
      : start_(*this, inst.num_ops(), 0, horizon), makespan_(*this, 0, horizon) {
    using namespace Gecode;
    for (int j = 0; j < inst.num_jobs; ++j) {
      for (int k = 0; k + 1 < inst.num_machines; ++k) {
        const int o = inst.Op(j, k);
        rel(*this, start_[o] + inst.proc[o] <= start_[o + 1]);
      }
      const int last = inst.Op(j, inst.num_machines - 1);
      rel(*this, start_[last] + inst.proc[last] <= makespan_);
    }
    for (int m = 0; m < inst.num_machines; ++m) {
      IntVarArgs s;
      IntArgs d;
      for (int o = 0; o < inst.num_ops(); ++o) {
        if (inst.machine[o] == m) {
          s << start_[o];
          d << inst.proc[o];
        }
      }
      unary(*this, s, d);
    }
    branch(*this, start_, INT_VAR_MIN_MIN(), INT_VAL_MIN());
    branch(*this, makespan_, INT_VAL_MIN());  // BAB needs the cost assigned in every solution
  }
  JobShopSpace(JobShopSpace& other) : Gecode::IntMinimizeSpace(other) {
    start_.update(*this, other.start_);
    makespan_.update(*this, other.makespan_);
  }
  Gecode::Space* copy() override { return new JobShopSpace(*this); }
  Gecode::IntVar cost() const override { return makespan_; }
  const Gecode::IntVarArray& starts() const { return start_; }

 private:
  Gecode::IntVarArray start_;
  Gecode::IntVar makespan_;
};

}  // namespace
#endif

bool GecodeAvailable() {
#ifdef SCHEDKIT_HAVE_GECODE
  return true;
#else
  return false;
#endif
}

JsspExactResult SolveJsspExact(const JsspInstance& inst, int64_t upper_bound, double time_limit_s) {
  if (!(time_limit_s > 0)) throw Error(fmt::format("the time limit must be > 0 s, got {}", time_limit_s));
  if (upper_bound < inst.TrivialLowerBound()) {
    throw Error(fmt::format("upper bound {} is below the trivial lower bound {}", upper_bound,
                            inst.TrivialLowerBound()));
  }
#ifdef SCHEDKIT_HAVE_GECODE
  const auto t0 = std::chrono::steady_clock::now();
  auto model = std::make_unique<JobShopSpace>(inst, static_cast<int>(upper_bound));
  Gecode::Search::Options opt;
  opt.threads = 1;
  auto stop = std::make_unique<Gecode::Search::TimeStop>(static_cast<unsigned long>(time_limit_s * 1000));
  opt.stop = stop.get();
  Gecode::BAB<JobShopSpace> search(model.get(), opt);
  JsspExactResult res;
  while (JobShopSpace* s = search.next()) {
    res.best.start.assign(inst.num_ops(), 0);
    res.best.makespan = 0;
    for (int o = 0; o < inst.num_ops(); ++o) {
      res.best.start[o] = s->starts()[o].val();
      res.best.makespan = std::max<int64_t>(res.best.makespan, res.best.start[o] + inst.proc[o]);
    }
    delete s;
  }
  res.proven = !search.stopped();
  res.nodes = static_cast<int64_t>(search.statistics().node);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
#else
  throw Error("schedkit was built without Gecode (install libgecode-dev and reconfigure)");
#endif
}

}  // namespace schedkit::graph
