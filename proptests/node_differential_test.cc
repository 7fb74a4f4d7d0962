// Differential test against Node.js: random scenarios run on the simulated
// platform and in `node`, and the order of log labels must agree.
//
// Node's real clock makes some programs racy (setTimeout(1) against
// setImmediate from the main script, timers due within a millisecond or two
// of each other). The generator therefore keeps every timer's ideal firing
// time at least kGapMs away from every other and from the start, turning a
// timer that would collide into a setImmediate. Busy CPU ops are allowed up
// to a total below that gap, so they shift timers but cannot reorder them; they
// check that a timer's start is read fresh and that CPU in a callback does not
// delay the next timer. If twinloop and Node still
// disagree, Node runs twice more: disagreement among Node's own runs skips
// the case as racy; a stable Node answer that differs fails the test.
//
// Skipped, with a message, when `node` is not on PATH. TWINLOOP_DIFF_CASES
// and TWINLOOP_DIFF_SEED choose how many programs and which.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/interpreter.h"
#include "cli/scenario.h"
#include "proptests/scenario_gen.h"

namespace proptests {
namespace {

using scenario::Op;
namespace fs = std::filesystem;

constexpr int kGapMs = 15;

class RobustGenerator {
 public:
  explicit RobustGenerator(uint64_t seed) : rng_(seed) {}

  scenario::Scenario Next() {
    fire_times_.clear();
    cpu_budget_ms_ = kCpuBudgetMs;
    scenario::Scenario s;
    s.main = Ops(0, 0);
    NumberLabels(&s.main);
    return s;
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  bool Free(int t) {
    if (t < kGapMs) return false;
    for (int u : fire_times_) {
      if (std::abs(u - t) < kGapMs) return false;
    }
    return true;
  }

  std::vector<Op> Ops(int depth, int now) {
    std::vector<Op> ops;
    const int n = Uniform(depth == 0 ? 1 : 0, depth >= 3 ? 2 : 4);
    for (int i = 0; i < n; ++i) ops.push_back(One(depth, now));
    return ops;
  }

  Op One(int depth, int now) {
    Op op;
    const int pick = depth >= 3 ? 0 : Uniform(0, 9);
    switch (pick) {
      case 0:
        // Busy CPU, kept small: every timer's ideal time is at least kGapMs
        // from every other, and all the CPU of a program together stays
        // below that, so it can delay timers but never reorder them.
        if (cpu_budget_ms_ > 0) {
          op.kind = Op::Kind::kCpu;
          op.ms = Uniform(1, std::min(2, cpu_budget_ms_));
          cpu_budget_ms_ -= static_cast<int>(op.ms);
          return op;
        }
        op.kind = Op::Kind::kLog;
        return op;
      case 1: case 2: op.kind = Op::Kind::kLog; return op;
      case 3: op.kind = Op::Kind::kImmediate; break;
      case 4: op.kind = Op::Kind::kNextTick; break;
      case 5: op.kind = Op::Kind::kMicrotask; break;
      case 6: case 7: case 8: {
        op.kind = Op::Kind::kTimeout;
        op.ms = 5 * Uniform(3, 16);
        if (Free(now + static_cast<int>(op.ms))) {
          fire_times_.push_back(now + static_cast<int>(op.ms));
          op.body = Ops(depth + 1, now + static_cast<int>(op.ms));
          return op;
        }
        op.kind = Op::Kind::kImmediate;
        op.ms = 0;
        break;
      }
      default: {
        op.kind = Op::Kind::kInterval;
        op.ms = 5 * Uniform(4, 10);
        op.times = Uniform(1, 3);
        std::vector<int> fires;
        for (int k = 1; k <= op.times; ++k) fires.push_back(now + k * static_cast<int>(op.ms));
        bool free = true;
        for (int t : fires) free = free && Free(t);
        if (free) {
          fire_times_.insert(fire_times_.end(), fires.begin(), fires.end());
          // The body's timers are placed relative to the first run only;
          // later runs repeat them, so keep the body free of timers.
          op.body = Leaves(depth + 1);
          return op;
        }
        op.kind = Op::Kind::kImmediate;
        op.ms = 0;
        op.times = 0;
        break;
      }
    }
    op.body = Ops(depth + 1, now);
    return op;
  }

  // Ops whose timing does not matter: logs, ticks, microtasks, immediates.
  std::vector<Op> Leaves(int depth) {
    std::vector<Op> ops;
    const int n = Uniform(1, 3);
    for (int i = 0; i < n; ++i) {
      Op op;
      const int pick = depth >= 3 ? 0 : Uniform(0, 4);
      op.kind = pick <= 1 ? Op::Kind::kLog
                : pick == 2 ? Op::Kind::kImmediate
                : pick == 3 ? Op::Kind::kNextTick
                            : Op::Kind::kMicrotask;
      if (op.kind != Op::Kind::kLog) op.body = Leaves(depth + 1);
      ops.push_back(std::move(op));
    }
    return ops;
  }

  static constexpr int kCpuBudgetMs = 6;  // < kGapMs

  std::mt19937_64 rng_;
  std::vector<int> fire_times_;
  int cpu_budget_ms_ = kCpuBudgetMs;
};

std::string FindNode() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path == nullptr ? "" : path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = fs::path(dir) / "node";
    if (!dir.empty() && fs::exists(candidate)) return candidate.string();
  }
  return "";
}

std::vector<std::string> RunNode(const std::string& node, const fs::path& js) {
  std::vector<std::string> lines;
  const std::string cmd = "timeout 30 '" + node + "' '" + js.string() + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {"<popen failed>"};
  char buf[4096];
  std::string out;
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  std::stringstream ss(out);
  for (std::string line; std::getline(ss, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::atoi(v);
}

TEST(NodeDifferentialTest, RandomScenariosMatchNode20) {
  const std::string node = FindNode();
  if (node.empty()) GTEST_SKIP() << "node is not on PATH; the differential test needs Node.js 20";
  const int cases = EnvInt("TWINLOOP_DIFF_CASES", 16);
  const uint64_t seed = static_cast<uint64_t>(EnvInt("TWINLOOP_DIFF_SEED", 2026));
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path dir = tmp != nullptr ? fs::path(tmp) : fs::temp_directory_path();
  RobustGenerator gen(seed);
  int compared = 0, racy = 0;
  for (int i = 0; i < cases; ++i) {
    const scenario::Scenario s = gen.Next();
    const fs::path js = dir / ("diff_" + std::to_string(i) + ".js");
    std::ofstream(js) << *scenario::ScenarioToNodeJs(s);
    auto ours = scenario::RunOnSimulator(s);
    ASSERT_TRUE(ours.ok()) << ours.status();
    std::vector<std::string> labels;
    for (const auto& l : *ours) labels.push_back(l.label);
    std::vector<std::string> theirs = RunNode(node, js);
    ++compared;
    if (theirs == labels) continue;
    const auto again = RunNode(node, js), third = RunNode(node, js);
    if (again != theirs || third != theirs) {
      ++racy;
      std::cerr << "case " << i << " skipped: Node's own output varies\n";
      continue;
    }
    ADD_FAILURE() << "case " << i << " (seed " << seed << ") differs from Node 20.\nscenario: "
                  << scenario::ScenarioToJson(s) << "\nnode:      " << testing::PrintToString(theirs)
                  << "\ntwinloop:  " << testing::PrintToString(labels);
  }
  EXPECT_LE(racy, cases / 4) << "too many racy programs; the generator's gaps are too small";
  std::cerr << compared << " programs compared with " << node << "\n";
}

}  // namespace
}  // namespace proptests
