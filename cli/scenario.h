// Scenario: a program described in JSON (format version 1), so that users,
// tests and Node.js can all run the same program. See cli/SCENARIOS.md.
//
// ParseScenario validates everything up front: a malformed file gets one
// error naming the JSON path and what was expected, e.g.
// `main[2].timeout: expected a number >= 0`, and nothing runs. Errors are one
// line: input quoted in them is escaped and cut short (base/printable.h), and
// nesting is limited while parsing, so no input can make the parser or a
// message unbounded.
//
// Threading: plain values; no shared state.
#ifndef TWINLOOP_CLI_SCENARIO_H_
#define TWINLOOP_CLI_SCENARIO_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace scenario {

struct Op {
  enum class Kind {
    kLog, kTimeout, kInterval, kImmediate, kNextTick, kMicrotask, kCpu, kPool, kNet,
    // Files, after Node's fs: `text` is the path.
    kWriteFile, kReadFile, kStat, kUnlink,
    // TCP, after Node's net.
    kListen, kConnect, kOnData, kOnEnd, kOnClose, kWrite, kEnd, kDestroy, kCloseServer,
  };
  Kind kind = Kind::kLog;
  std::string label;      // kLog (may hold placeholders: $data, $error, $size, $port)
  double ms = 0;          // kTimeout, kInterval, kCpu, kPool, kNet
  int64_t times = 0;      // kInterval
  bool pool_io = false;   // kPool: {"io": MS} rather than {"cpu": MS}
  std::vector<Op> body;   // callback ops ("do", or the op's own list)
  std::string text;       // file ops: the path; kWrite: the bytes (placeholders too)
  std::string data;       // kWriteFile: the bytes
  int port = 0;           // kListen (0: any free port), kConnect (kPortOfServer: "$port")
  std::vector<Op> on_error;    // "error": file ops, kListen, kConnect
  std::vector<Op> connection;  // kListen: each accepted connection's ops

  bool operator==(const Op&) const = default;
};

struct Config {
  int cores = 2;
  int pool_size = 4;
  uint64_t seed = 1;
  double net_jitter_ms = 0;  // extension: max extra network latency

  bool operator==(const Config&) const = default;
};

struct Scenario {
  Config config;
  std::vector<Op> main;

  bool operator==(const Scenario&) const = default;
};

inline constexpr double kMaxDurationMs = 1e9;  // ~11.6 days of virtual time
inline constexpr int64_t kMaxTimes = 1'000'000'000;
inline constexpr int kMaxDepth = 200;       // ops inside ops
inline constexpr int kMaxJsonDepth = 512;   // JSON arrays and objects, checked while parsing
// kConnect's port written "$port": the enclosing listen's.
inline constexpr int kPortOfServer = -1;

absl::StatusOr<Scenario> ParseScenario(std::string_view json_text);

// The scenario as JSON (version 1); ParseScenario reads it back unchanged.
std::string ScenarioToJson(const Scenario& s);

// The same program for Node.js, in the style of the conformance files: it
// prints its log labels, one per line, when the process exits. `pool` io ops
// become one fs.read each, `cpu` a busy loop; `pool` cpu and `net` have no exact
// Node equivalent and are rejected.
absl::StatusOr<std::string> ScenarioToNodeJs(const Scenario& s);

}  // namespace scenario

#endif  // TWINLOOP_CLI_SCENARIO_H_
