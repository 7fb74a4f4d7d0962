// Hostile input, found by our tests rather than by users (issue #6): random
// and mutated bytes into the scenario parser, and the CLI's input layer
// (files read with limits, argv and flagfiles). Nothing may crash, hang or
// grow without bound, and every error is one clean line: not empty, no
// control characters, valid UTF-8, and short.
//
// A scenario that parses must also print back to the same scenario, print as
// a Node program, and run on the simulator to an end within small budgets.
//
// The libFuzzer target cli/scenario_fuzzer.cc drives the same entry points
// with coverage guidance; .ci/run runs it for a minute.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cli/command_line.h"
#include "cli/input_file.h"
#include "cli/scenario.h"
#include "proptests/input_invariants.h"
#include "proptests/scenario_gen.h"

// The flags the real CLI defines (cli/main.cc), so argv can name them.
ABSL_FLAG(std::string, trace, "", "");
ABSL_FLAG(int64_t, max_callbacks, 0, "");
ABSL_FLAG(int64_t, max_input_bytes, 0, "");
ABSL_FLAG(bool, allow_special_files, false, "");

namespace proptests {
namespace {

void AssertCleanError(const absl::Status& s) {
  std::string why;
  RC_ASSERT(!s.ok());
  if (!IsCleanLine(s.message(), &why)) {
    RC_FAIL(absl::StrCat("not a clean one-line message (", why,
                         "): ", std::string(s.message().substr(0, 300))));
  }
}

// Bytes a scenario file is unlikely to hold, and likely to break a parser.
rc::Gen<std::string> Nasty() {
  return rc::gen::element<std::string>(
      std::string("\0", 1), "\x1b[2J", "\x07", "\n", "\xff\xfe", "\xc0\xaf", "\xed\xa0\x80",
      "\"", "\\", "\\u0000", "\\ud800", "{", "}", "[", "]", ":", ",", "1e400", "-1",
      "18446744073709551616", "2.0", "1e9", "NaN", "null", "true", "\"version\"", "\"main\"",
      "\"do\"", "\"timeout\"", "\"times\"", std::string(600, '['), std::string(600, '{'),
      std::string(1000, 'k'));
}

void Collect(nlohmann::json* j, std::vector<nlohmann::json*>* out) {
  out->push_back(j);
  if (j->is_structured()) {
    for (auto& child : *j) Collect(&child, out);
  }
}

// Values that sit at the edges of what the format allows, or past them.
rc::Gen<nlohmann::json> EdgeValue() {
  return rc::gen::element<nlohmann::json>(
      0, -1, 1, 2.0, 0.5, 1e-9, 1e9, 1e9 + 1, 1e300, -0.0, 2147483647, 2147483648.0,
      INT64_MAX, UINT64_MAX, 1024, 1025, nullptr, true, "", "\x1b[2J\x07\n",
      std::string(300, 'x'), nlohmann::json::array(), nlohmann::json::object(),
      nlohmann::json::array({nlohmann::json::object({{"log", "deep"}})}),
      nlohmann::json::object({{"cpu", 1e9}}), nlohmann::json::object({{"io", 1e9}}));
}

// A valid scenario whose JSON has one value replaced by an edge value: still
// JSON, so the checks past the parser (validation, the run) are reached.
rc::Gen<std::string> EdgeValued() {
  return rc::gen::exec([] {
    nlohmann::json j = nlohmann::json::parse(scenario::ScenarioToJson(*GenScenario()));
    std::vector<nlohmann::json*> values;
    Collect(&j, &values);
    const int edits = *rc::gen::inRange(1, 3);
    for (int e = 0; e < edits; ++e) {
      *values[*rc::gen::inRange<size_t>(1, values.size())] = *EdgeValue();
      values.clear();
      Collect(&j, &values);
    }
    return j.dump();
  });
}

// A valid scenario's JSON, then a few random edits of its text.
rc::Gen<std::string> Mutated() {
  return rc::gen::exec([] {
    std::string text = *rc::gen::oneOf(rc::gen::map(GenScenario(), scenario::ScenarioToJson),
                                       EdgeValued());
    const int edits = *rc::gen::inRange(0, 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = *rc::gen::inRange<size_t>(0, text.size() + 1);
      switch (*rc::gen::inRange(0, 5)) {
        case 0:
          text.insert(at, *Nasty());
          break;
        case 1:
          if (at < text.size()) text[at] = *rc::gen::arbitrary<char>();
          break;
        case 2:
          text.erase(at, *rc::gen::inRange<size_t>(0, 20));
          break;
        case 3: {  // repeat a slice: duplicate keys, nested copies
          const size_t n = std::min<size_t>(*rc::gen::inRange<size_t>(1, 60), text.size() - at);
          text.insert(at, text.substr(at, n));
          break;
        }
        default:
          text.insert(at, *rc::gen::arbitrary<std::string>());
          break;
      }
    }
    return text;
  });
}

void CheckScenarioText(const std::string& text) {
  InvariantReport report;
  const absl::Status s = CheckScenarioInvariants(text, &report);
  RC_TAG(report.ran ? "ran" : report.parsed ? "parsed, run stopped" : "refused");
  if (!s.ok()) RC_FAIL(std::string(s.message()));
}

RC_GTEST_PROP(HostileInputProperty, RandomBytesNeverCrashTheParser, (const std::string& bytes)) {
  CheckScenarioText(bytes);
}

RC_GTEST_PROP(HostileInputProperty, MutatedScenariosParseOrFailCleanly, ()) {
  CheckScenarioText(*Mutated());
}

RC_GTEST_PROP(HostileInputProperty, EdgeValuesAreValidatedAndRunWithinBudgets, ()) {
  CheckScenarioText(*EdgeValued());
}

std::string TempFile(const std::string& name, const std::string& text) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string p = std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  return p;
}

RC_GTEST_PROP(HostileInputProperty, InputFilesAreReadWithinTheirLimits, ()) {
  const std::string text = *rc::gen::oneOf(rc::gen::arbitrary<std::string>(), Mutated());
  const size_t max_bytes = *rc::gen::inRange<size_t>(1, 3 * text.size() / 2 + 2);
  const std::string path = TempFile("input.json", text);
  absl::StatusOr<scenario::InputFile> in = scenario::ReadInputFile(path, {.max_bytes = max_bytes});
  if (text.size() > max_bytes) {
    RC_ASSERT(in.status().code() == absl::StatusCode::kResourceExhausted);
    AssertCleanError(in.status());
  } else {
    RC_ASSERT(in.ok());
    RC_ASSERT(in->text == text);
    CheckScenarioText(in->text);
  }
}

RC_GTEST_PROP(HostileInputProperty, ArgvAndFlagfilesParseOrFailCleanly, ()) {
  // Arguments from the CLI's own vocabulary, mixed with garbage, and a
  // flagfile of random lines (which may name itself: nesting is bounded).
  const std::string flagfile = TempFile("flags", "");
  const auto token = rc::gen::oneOf(
      rc::gen::element<std::string>("run", "js", "-", "--", "x.json", "--trace", "--trace=t",
                                    "-trace=t", "--max_callbacks=5", "--max_callbacks=-1",
                                    "--max_callbacks=lots", "--max_callbacks", "--nomax_callbacks",
                                    "--allow_special_files", "--noallow_special_files",
                                    "--allow_special_files=maybe", "--help", "-h", "--frob",
                                    "--flagfile", "--flagfile=/dev/zero", "--flagfile=/nonexistent",
                                    "--flagfile=" + flagfile, "--=", "---", "--\xff",
                                    "--trace=\x1b[2J"),
      rc::gen::arbitrary<std::string>());
  std::string lines;
  for (const std::string& t : *rc::gen::container<std::vector<std::string>>(token)) lines += t + "\n";
  TempFile("flags", lines);
  const std::vector<std::string> args = *rc::gen::container<std::vector<std::string>>(token);
  absl::StatusOr<scenario::CommandLine> cl = scenario::ApplyCommandLine(
      args, {{"run", {"trace", "max_callbacks", "max_input_bytes", "allow_special_files"}},
             {"js", {"max_input_bytes", "allow_special_files"}}});
  if (!cl.ok()) {
    RC_ASSERT(cl.status().code() == absl::StatusCode::kInvalidArgument);
    AssertCleanError(cl.status());
  }
  // Put the flags back for the next case.
  absl::SetFlag(&FLAGS_trace, "");
  absl::SetFlag(&FLAGS_max_callbacks, 0);
  absl::SetFlag(&FLAGS_allow_special_files, false);
}

}  // namespace
}  // namespace proptests
