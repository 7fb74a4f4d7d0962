// NodeProgramGenerator: random scenarios shaped like real Node programs, for
// the differential test against `node` (node_differential_test.cc).
//
// Where the property-test generators (scenario_gen.h) explore the whole op
// space, this one aims at the shapes that decide Node's order and that a
// timing-blind generator never makes: timers and intervals created inside
// interval bodies, ticks and microtasks; loop-thread CPU inside intervals,
// including longer than the period; large CPU blocks that make several timer
// lists collide after a late wake-up; deep nextTick <-> microtask chains;
// immediates queued from ticks in the check phase; and fs reads
// (`{"pool": {"io": 0.25}}`, one fs.read in Node) whose callbacks schedule more
// work. It does not place events apart from each other: programs whose order
// depends on timing margins are removed afterwards by comparing runs under
// the perturbations below, and by Node's own stability.
//
// Only ops with an exact Node equivalent are generated (no `net`, no pool
// `cpu`), so every program can be printed with scenario::ScenarioToNodeJs.
//
// Threading: plain objects; one thread per generator.
#ifndef TWINLOOP_PROPTESTS_NODE_PROGRAM_GEN_H_
#define TWINLOOP_PROPTESTS_NODE_PROGRAM_GEN_H_

#include <cstdint>
#include <random>
#include <vector>

#include "cli/scenario.h"

namespace proptests {

class NodeProgramGenerator {
 public:
  explicit NodeProgramGenerator(uint64_t seed) : rng_(seed) {}

  // The next program; labels are L0, L1, ... in program order.
  scenario::Scenario Next();

 private:
  int Uniform(int lo, int hi);
  bool Chance(int percent) { return Uniform(1, 100) <= percent; }
  // `interval_ms`: the period of the interval whose body this is, or 0;
  // `in_task`: the body of a nextTick or microtask.
  std::vector<scenario::Op> Ops(int depth, int interval_ms, bool in_task);
  scenario::Op One(int depth, int interval_ms);

  std::mt19937_64 rng_;
  int ops_left_ = 0;      // ops this program may still add
  int big_cpu_left_ = 0;  // CPU blocks long enough to make timers collide
  int fs_left_ = 0;       // fs reads
  int timers_left_ = 0;   // timers and intervals
};

// Every delay and CPU cost (and pool io time) multiplied by `factor`. A
// program whose order does not depend on timing margins keeps its order.
scenario::Scenario ScaleDurations(const scenario::Scenario& s, double factor);

// Adds the CPU cost of a slower machine: `wake_ms` at the start of every
// timer, interval and fs callback and at both ends of the main script (a late
// wake-up, a slow module load and bootstrap), and `callback_ms` at the start
// of every other callback.
// fs reads take `fs_factor` times as long.
scenario::Scenario AddOverhead(const scenario::Scenario& s, double wake_ms,
                               double callback_ms, double fs_factor);

}  // namespace proptests

#endif  // TWINLOOP_PROPTESTS_NODE_PROGRAM_GEN_H_
