// Generators of random scenarios for the property tests (RapidCheck).
//
// Scenarios are trees of ops (cli/scenario.h). Every log op gets a unique
// label "L<n>" in program order, so properties can tell lines apart.
//
// Threading: RapidCheck generators; test threads only.
#ifndef TWINLOOP_PROPTESTS_SCENARIO_GEN_H_
#define TWINLOOP_PROPTESTS_SCENARIO_GEN_H_

#include <set>
#include <vector>

#include <rapidcheck.h>

#include "cli/scenario.h"

namespace proptests {

struct GenOptions {
  int max_depth = 3;
  int max_ops = 5;  // per list
  std::set<scenario::Op::Kind> kinds = {
      scenario::Op::Kind::kLog,       scenario::Op::Kind::kTimeout,
      scenario::Op::Kind::kInterval,  scenario::Op::Kind::kImmediate,
      scenario::Op::Kind::kNextTick,  scenario::Op::Kind::kMicrotask,
      scenario::Op::Kind::kCpu,       scenario::Op::Kind::kPool,
      scenario::Op::Kind::kNet};
  int max_delay_ms = 30;
  int max_cpu_ms = 5;
  int max_times = 3;
};

rc::Gen<std::vector<scenario::Op>> GenOps(GenOptions options, int depth = 0);

// A whole scenario: random config (cores 1-4, pool 1-6, seed, jitter) and
// ops; labels numbered.
rc::Gen<scenario::Scenario> GenScenario(GenOptions options = {});

// Renames every log op to L0, L1, ... in program order.
void NumberLabels(std::vector<scenario::Op>* ops);

}  // namespace proptests

#endif  // TWINLOOP_PROPTESTS_SCENARIO_GEN_H_
