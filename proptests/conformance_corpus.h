// The conformance scenarios, for the tests that run them: Node 20's order
// for ../shared/conformance/node20/ and proptests/testdata/node20/, exact
// virtual times for ../shared/conformance/pool/.
//
// Threading: test threads only.
#ifndef TWINLOOP_PROPTESTS_CONFORMANCE_CORPUS_H_
#define TWINLOOP_PROPTESTS_CONFORMANCE_CORPUS_H_

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/interpreter.h"
#include "cli/scenario.h"

namespace proptests {

std::string ReadFile(const std::filesystem::path& p);

// ../shared/conformance/<sub>, through the @conformance repository.
std::filesystem::path SharedCorpus(const std::string& sub);
// Empty when ../shared/conformance was found; else what was tried.
std::string SharedCorpusMissing();
// proptests/testdata/node20 (see its README).
std::filesystem::path OwnCorpus();

// The NAME.json files of a corpus, sorted.
std::vector<std::filesystem::path> Scenarios(const std::filesystem::path& root);

using Runner = std::function<absl::StatusOr<std::vector<scenario::LogLine>>(const scenario::Scenario&)>;

// Every NAME.json in `files`, run with `run`, prints the labels of
// NAME.expected in order; a mismatch fails the test and names the file.
void ExpectNodeOrder(const std::vector<std::filesystem::path>& files, const Runner& run);

}  // namespace proptests

#endif  // TWINLOOP_PROPTESTS_CONFORMANCE_CORPUS_H_
