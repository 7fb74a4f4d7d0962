#include "proptests/conformance_corpus.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace proptests {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path SharedCorpus(const std::string& sub) {
  return fs::path(std::getenv("TEST_SRCDIR")) / "conformance" / sub;
}

std::string SharedCorpusMissing() { return ReadFile(SharedCorpus("MISSING")); }

fs::path OwnCorpus() {
  return fs::path(std::getenv("TEST_SRCDIR")) / "twinloop" / "proptests" / "testdata" / "node20";
}

std::vector<fs::path> Scenarios(const fs::path& root) {
  std::vector<fs::path> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void ExpectNodeOrder(const std::vector<fs::path>& files, const Runner& run) {
  int mismatches = 0;
  for (const fs::path& json : files) {
    fs::path expected_path = json;
    expected_path.replace_extension(".expected");
    std::vector<std::string> want;
    std::istringstream in(ReadFile(expected_path));
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) want.push_back(line);
    }
    absl::StatusOr<scenario::Scenario> s = scenario::ParseScenario(ReadFile(json));
    ASSERT_TRUE(s.ok()) << json.filename() << ": " << s.status();
    auto got = run(*s);
    ASSERT_TRUE(got.ok()) << json.filename() << ": " << got.status();
    std::vector<std::string> labels;
    for (const auto& l : *got) labels.push_back(l.label);
    if (labels != want) {
      ++mismatches;
      ADD_FAILURE() << json.filename() << ": Node printed " << testing::PrintToString(want)
                    << " but twinloop gave " << testing::PrintToString(labels);
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << files.size() << " scenarios";
}

}  // namespace proptests
