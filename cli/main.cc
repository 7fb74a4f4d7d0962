// twinloop: run scenario files on the simulated platform.
//
//   twinloop run FILE.json [--trace=TRACE.jsonl]
//   twinloop js FILE.json
//
// `run` prints one line per executed `log` op on stdout, {"t": <virtual ms>,
// "log": "<label>"}, and nothing else. `js` prints the same program for
// Node.js, to compare against Node. Errors go to stderr with a non-zero exit:
// 1 for a bad scenario or a failed run, 2 for bad usage.
#include <cstdlib>
#include <fstream>
#include <optional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "cli/interpreter.h"
#include "cli/scenario.h"
#include "platform/trace.h"

ABSL_FLAG(std::string, trace, "", "write the run's trace (JSON lines, version 1) to this file");

namespace {

constexpr char kUsage[] =
    "usage: twinloop run FILE.json [--trace=TRACE.jsonl]\n"
    "       twinloop js FILE.json\n"
    "Runs a scenario on the simulated platform and prints its log lines,\n"
    "or prints the same program for Node.js.";

// `bazel run` starts us in the runfiles tree; paths the user typed are
// relative to where they typed them (BUILD_WORKING_DIRECTORY).
std::string UserPath(const std::string& path) {
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || cwd == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

// Reads and validates a scenario file; reports to stderr on failure.
std::optional<scenario::Scenario> Load(const std::string& path) {
  std::ifstream in(UserPath(path), std::ios::binary);
  if (!in) {
    std::cerr << "twinloop: cannot read " << path << "\n";
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<scenario::Scenario> s = scenario::ParseScenario(text.str());
  if (!s.ok()) {
    std::cerr << "twinloop: " << path << ": " << s.status().message() << "\n";
    return std::nullopt;
  }
  return *std::move(s);
}

int Js(const std::string& path) {
  std::optional<scenario::Scenario> s = Load(path);
  if (!s) return 1;
  absl::StatusOr<std::string> js = scenario::ScenarioToNodeJs(*s);
  if (!js.ok()) {
    std::cerr << "twinloop: " << path << ": " << js.status().message() << "\n";
    return 1;
  }
  std::cout << *js;
  return 0;
}

int Run(const std::string& path) {
  std::optional<scenario::Scenario> s = Load(path);
  if (!s) return 1;
  std::ofstream trace_file;
  std::unique_ptr<platform::JsonLinesTraceWriter> trace;
  const std::string trace_path = absl::GetFlag(FLAGS_trace);
  if (!trace_path.empty()) {
    trace_file.open(UserPath(trace_path), std::ios::binary | std::ios::trunc);
    if (!trace_file) {
      std::cerr << "twinloop: cannot write " << trace_path << "\n";
      return 1;
    }
    nlohmann::ordered_json header;
    header["twinloop_trace"] = platform::kTraceVersion;
    header["platform"] = "sim";
    header["cores"] = s->config.cores;
    header["pool_size"] = s->config.pool_size;
    header["seed"] = s->config.seed;
    header["scenario"] = path;
    trace = std::make_unique<platform::JsonLinesTraceWriter>(&trace_file, header.dump());
  }
  absl::StatusOr<std::vector<scenario::LogLine>> lines = scenario::RunOnSimulator(*s, trace.get());
  if (!lines.ok()) {
    std::cerr << "twinloop: " << path << ": run failed: " << lines.status().message() << "\n";
    return 1;
  }
  for (const scenario::LogLine& l : *lines) std::cout << scenario::FormatLogLine(l) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() == 3 && std::string(args[1]) == "run") return Run(args[2]);
  if (args.size() == 3 && std::string(args[1]) == "js") return Js(args[2]);
  std::cerr << kUsage << "\n";
  return 2;
}
