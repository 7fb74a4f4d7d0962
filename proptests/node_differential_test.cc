// Differential test against Node.js 20: random Node-shaped programs
// (node_program_gen.h) run on the simulated platform and in `node`, and the
// order of log labels must agree.
//
// Node's clock is real, so some programs are races, not rules: their order
// depends on how long a callback or a wake-up takes. Two filters keep only
// the programs whose order is a rule:
//  1. Before Node runs, twinloop runs the program three more times: with
//     every delay and CPU cost three times longer, with the overhead of a
//     slow machine (late wake-ups, slow callbacks, slow fs), and with fast
//     fs reads and small overheads. A program
//     whose twinloop order changes under either is timing-sensitive and is
//     skipped.
//  2. When Node's first answer differs from twinloop's, Node runs the
//     program 4 more times, and 5 times with every delay and CPU cost three
//     times longer. Only if all 10 runs print the same order is the
//     difference a failure; otherwise the program is a Node race and is
//     skipped.
//
// Skipped, with a message, when `node` is not on PATH. Environment:
//   TWINLOOP_DIFF_CASES  programs to generate (default 40)
//   TWINLOOP_DIFF_SEED   the generator's seed (default 2026)
//   TWINLOOP_DIFF_KEEP   a directory: every program whose Node order is
//                        stable over 5 runs and at 3x durations is written
//                        there as NAME.json, NAME.js and NAME.expected, in
//                        the form of ../shared/conformance/node20/.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/sim_runner.h"
#include "cli/scenario.h"
#include "proptests/node_program_gen.h"

namespace proptests {
namespace {

namespace fs = std::filesystem;
using Labels = std::vector<std::string>;

std::string FindNode() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path == nullptr ? "" : path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = fs::path(dir) / "node";
    if (!dir.empty() && fs::exists(candidate)) return candidate.string();
  }
  return "";
}

Labels RunNode(const std::string& node, const fs::path& js) {
  Labels lines;
  const std::string cmd = "timeout 60 '" + node + "' '" + js.string() + "' 2>&1";
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

// Node's order if it is the same over 5 runs and over 5 runs at 3x
// durations; empty otherwise.
Labels StableNodeOrder(const std::string& node, const fs::path& js, const fs::path& js3,
                       const Labels& first) {
  for (int i = 0; i < 4; ++i) {
    if (RunNode(node, js) != first) return {};
  }
  for (int i = 0; i < 5; ++i) {
    if (RunNode(node, js3) != first) return {};
  }
  return first;
}

absl::StatusOr<Labels> Twinloop(const scenario::Scenario& s) {
  absl::StatusOr<std::vector<scenario::LogLine>> lines = scenario::RunOnSimulator(s);
  if (!lines.ok()) return lines.status();
  Labels out;
  for (const scenario::LogLine& l : *lines) out.push_back(l.label);
  return out;
}

void WriteFile(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

std::string JoinLines(const Labels& labels) {
  std::string out;
  for (const std::string& l : labels) out += l + "\n";
  return out;
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::atoi(v);
}

TEST(NodeDifferentialTest, RandomNodeShapedProgramsMatchNode20) {
  const std::string node = FindNode();
  if (node.empty()) GTEST_SKIP() << "node is not on PATH; the differential test needs Node.js 20";
  const int cases = EnvInt("TWINLOOP_DIFF_CASES", 40);
  const uint64_t seed = static_cast<uint64_t>(EnvInt("TWINLOOP_DIFF_SEED", 2026));
  const char* keep_env = std::getenv("TWINLOOP_DIFF_KEEP");
  const fs::path keep = keep_env == nullptr ? fs::path() : fs::path(keep_env);
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path dir = tmp != nullptr ? fs::path(tmp) : fs::temp_directory_path();

  NodeProgramGenerator gen(seed);
  int compared = 0, sensitive = 0, racy = 0, kept = 0;
  for (int i = 0; i < cases; ++i) {
    const scenario::Scenario s = gen.Next();
    const scenario::Scenario s3 = ScaleDurations(s, 3);
    absl::StatusOr<Labels> ours = Twinloop(s);
    ASSERT_TRUE(ours.ok()) << "case " << i << ": " << ours.status() << "\n"
                           << scenario::ScenarioToJson(s);
    absl::StatusOr<Labels> ours3 = Twinloop(s3);
    // An fs.read takes from microseconds (a cached file, a warm pool
    // thread) to a millisecond; the generator says 0.25 ms.
    absl::StatusOr<Labels> slow = Twinloop(AddOverhead(s, 1.5, 0.05, 4));
    absl::StatusOr<Labels> fast_fs = Twinloop(AddOverhead(s, 0.2, 0.01, 0));
    ASSERT_TRUE(ours3.ok() && slow.ok() && fast_fs.ok()) << "case " << i;
    if (*ours3 != *ours || *slow != *ours || *fast_fs != *ours) {
      ++sensitive;
      continue;
    }
    const fs::path js = dir / ("diff_" + std::to_string(i) + ".js");
    const fs::path js3 = dir / ("diff_" + std::to_string(i) + "_x3.js");
    WriteFile(js, *scenario::ScenarioToNodeJs(s));
    WriteFile(js3, *scenario::ScenarioToNodeJs(s3));
    ++compared;
    const Labels theirs = RunNode(node, js);
    if (theirs == *ours && keep.empty()) continue;
    const Labels stable = StableNodeOrder(node, js, js3, theirs);
    if (stable.empty()) {
      ++racy;
      std::cerr << "case " << i << " skipped: Node's own order varies\n";
      continue;
    }
    if (!keep.empty()) {
      const std::string name = "diff" + std::to_string(seed) + "_" + std::to_string(i);
      WriteFile(keep / (name + ".json"), scenario::ScenarioToJson(s) + "\n");
      WriteFile(keep / (name + ".js"), *scenario::ScenarioToNodeJs(s));
      WriteFile(keep / (name + ".expected"), JoinLines(stable));
      ++kept;
    }
    EXPECT_EQ(stable, *ours) << "case " << i << " (seed " << seed
                             << ") differs from Node 20's stable order.\nscenario: "
                             << scenario::ScenarioToJson(s);
  }
  std::cerr << cases << " programs: " << compared << " compared with " << node << ", "
            << sensitive << " timing-sensitive in twinloop, " << racy << " racy in Node"
            << (keep.empty() ? "" : ", " + std::to_string(kept) + " kept") << "\n";
  // The filters must leave most programs to compare, or the test says little.
  EXPECT_GE(compared, cases / 2) << "the generator makes too many timing-sensitive programs";
  EXPECT_LE(racy, compared / 5 + 1) << "the twinloop-side filter lets too many races through";
}

}  // namespace
}  // namespace proptests
