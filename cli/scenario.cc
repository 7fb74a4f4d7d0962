#include "cli/scenario.h"

#include <cmath>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace scenario {
namespace {

using json = nlohmann::json;

struct OpSpec {
  const char* key;
  Op::Kind kind;
  std::vector<const char*> allowed;  // other keys it may have
};

const std::vector<OpSpec>& Specs() {
  static const auto* specs = new std::vector<OpSpec>{
      {"log", Op::Kind::kLog, {}},
      {"timeout", Op::Kind::kTimeout, {"do"}},
      {"interval", Op::Kind::kInterval, {"times", "do"}},
      {"immediate", Op::Kind::kImmediate, {}},
      {"nextTick", Op::Kind::kNextTick, {}},
      {"microtask", Op::Kind::kMicrotask, {}},
      {"cpu", Op::Kind::kCpu, {}},
      {"pool", Op::Kind::kPool, {"do"}},
      {"net", Op::Kind::kNet, {"do"}},
  };
  return *specs;
}

const char* kOpList = "log, timeout, interval, immediate, nextTick, microtask, cpu, pool, net";

absl::Status Bad(const std::string& path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

// A finite number >= 0, at most `max`.
absl::StatusOr<double> Duration(const json& v, const std::string& path, double max) {
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0) {
    return Bad(path, "expected a number >= 0");
  }
  const double d = v.get<double>();
  if (d > max) return Bad(path, absl::StrCat("expected a number of ms <= ", max));
  return d;
}

// An integer (2 and 2.0 both count) in [lo, hi].
absl::StatusOr<int64_t> Integer(const json& v, const std::string& path, int64_t lo, int64_t hi) {
  const std::string want = absl::StrCat("expected an integer in [", lo, ", ", hi, "]");
  if (!v.is_number()) return Bad(path, want);
  const double d = v.get<double>();
  if (!std::isfinite(d) || std::trunc(d) != d || d < static_cast<double>(lo) ||
      d > static_cast<double>(hi)) {
    return Bad(path, want);
  }
  if (v.is_number_unsigned()) return static_cast<int64_t>(v.get<uint64_t>());
  if (v.is_number_integer()) return v.get<int64_t>();
  return static_cast<int64_t>(d);
}

absl::StatusOr<std::vector<Op>> ParseOps(const json& v, const std::string& path, int depth);

absl::StatusOr<Op> ParseOp(const json& v, const std::string& path, int depth) {
  if (!v.is_object()) return Bad(path, absl::StrCat("expected an op object (one of ", kOpList, ")"));
  const OpSpec* spec = nullptr;
  for (const OpSpec& s : Specs()) {
    if (!v.contains(s.key)) continue;
    if (spec != nullptr) {
      return Bad(path, absl::StrCat("an op has exactly one of ", kOpList, "; found \"",
                                    spec->key, "\" and \"", s.key, "\""));
    }
    spec = &s;
  }
  if (spec == nullptr) {
    std::vector<std::string> keys;
    for (const auto& [k, unused] : v.items()) keys.push_back(absl::StrCat("\"", k, "\""));
    return Bad(path, absl::StrCat("unknown op with keys {", absl::StrJoin(keys, ", "),
                                  "}; expected one of ", kOpList));
  }
  for (const auto& [k, unused] : v.items()) {
    if (k == spec->key) continue;
    bool ok = false;
    for (const char* a : spec->allowed) ok = ok || k == a;
    if (!ok) return Bad(path, absl::StrCat("unexpected key \"", k, "\" in a ", spec->key, " op"));
  }
  Op op;
  op.kind = spec->kind;
  const std::string key_path = absl::StrCat(path, ".", spec->key);
  const json& main_value = v.at(spec->key);
  auto body_from = [&](const char* key) -> absl::Status {
    if (!v.contains(key)) return absl::OkStatus();
    absl::StatusOr<std::vector<Op>> body = ParseOps(v.at(key), absl::StrCat(path, ".", key), depth + 1);
    if (!body.ok()) return body.status();
    op.body = std::move(*body);
    return absl::OkStatus();
  };
  switch (op.kind) {
    case Op::Kind::kLog:
      if (!main_value.is_string()) return Bad(key_path, "expected a string");
      op.label = main_value.get<std::string>();
      break;
    case Op::Kind::kTimeout:
    case Op::Kind::kInterval: {
      // Node clamps any delay outside [1, 2^31-1] to 1 ms; the file must
      // still say something sensible.
      absl::StatusOr<double> ms = Duration(main_value, key_path, kMaxDurationMs);
      if (!ms.ok()) return ms.status();
      op.ms = *ms;
      if (op.kind == Op::Kind::kInterval) {
        if (!v.contains("times")) return Bad(path, "an interval op needs \"times\"");
        absl::StatusOr<int64_t> times = Integer(v.at("times"), path + ".times", 1, kMaxTimes);
        if (!times.ok()) return times.status();
        op.times = *times;
      }
      absl::Status s = body_from("do");
      if (!s.ok()) return s;
      break;
    }
    case Op::Kind::kImmediate:
    case Op::Kind::kNextTick:
    case Op::Kind::kMicrotask: {
      absl::StatusOr<std::vector<Op>> body = ParseOps(main_value, key_path, depth + 1);
      if (!body.ok()) return body.status();
      op.body = std::move(*body);
      break;
    }
    case Op::Kind::kCpu: {
      absl::StatusOr<double> ms = Duration(main_value, key_path, kMaxDurationMs);
      if (!ms.ok()) return ms.status();
      op.ms = *ms;
      break;
    }
    case Op::Kind::kPool: {
      const bool one_key = main_value.is_object() && main_value.size() == 1 &&
                           (main_value.contains("cpu") || main_value.contains("io"));
      if (!one_key) return Bad(key_path, "expected {\"cpu\": MS} or {\"io\": MS}");
      op.pool_io = main_value.contains("io");
      const char* which = op.pool_io ? "io" : "cpu";
      absl::StatusOr<double> ms =
          Duration(main_value.at(which), absl::StrCat(key_path, ".", which), kMaxDurationMs);
      if (!ms.ok()) return ms.status();
      op.ms = *ms;
      absl::Status s = body_from("do");
      if (!s.ok()) return s;
      break;
    }
    case Op::Kind::kNet: {
      absl::StatusOr<double> ms = Duration(main_value, key_path, kMaxDurationMs);
      if (!ms.ok()) return ms.status();
      op.ms = *ms;
      absl::Status s = body_from("do");
      if (!s.ok()) return s;
      break;
    }
  }
  return op;
}

absl::StatusOr<std::vector<Op>> ParseOps(const json& v, const std::string& path, int depth) {
  if (depth > kMaxDepth) return Bad(path, absl::StrCat("ops nested deeper than ", kMaxDepth));
  if (!v.is_array()) return Bad(path, "expected an array of ops");
  std::vector<Op> ops;
  ops.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    absl::StatusOr<Op> op = ParseOp(v[i], absl::StrCat(path, "[", i, "]"), depth);
    if (!op.ok()) return op.status();
    ops.push_back(std::move(*op));
  }
  return ops;
}

absl::StatusOr<Config> ParseConfig(const json& v) {
  if (!v.is_object()) return Bad("config", "expected an object");
  Config c;
  for (const auto& [k, value] : v.items()) {
    const std::string path = absl::StrCat("config.", k);
    if (k == "cores" || k == "pool_size") {
      absl::StatusOr<int64_t> n = Integer(value, path, 1, 1024);
      if (!n.ok()) return n.status();
      (k == "cores" ? c.cores : c.pool_size) = static_cast<int>(*n);
    } else if (k == "seed") {
      if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0)) {
        return Bad(path, "expected an integer >= 0");
      }
      c.seed = value.get<uint64_t>();
    } else if (k == "net_jitter_ms") {
      absl::StatusOr<double> ms = Duration(value, path, kMaxDurationMs);
      if (!ms.ok()) return ms.status();
      c.net_jitter_ms = *ms;
    } else {
      return Bad("config", absl::StrCat("unknown key \"", k,
                                        "\"; expected cores, pool_size, seed, net_jitter_ms"));
    }
  }
  return c;
}

json OpsToJson(const std::vector<Op>& ops);

json OpToJson(const Op& op) {
  json j = json::object();
  switch (op.kind) {
    case Op::Kind::kLog: j["log"] = op.label; break;
    case Op::Kind::kTimeout: j["timeout"] = op.ms; j["do"] = OpsToJson(op.body); break;
    case Op::Kind::kInterval:
      j["interval"] = op.ms;
      j["times"] = op.times;
      j["do"] = OpsToJson(op.body);
      break;
    case Op::Kind::kImmediate: j["immediate"] = OpsToJson(op.body); break;
    case Op::Kind::kNextTick: j["nextTick"] = OpsToJson(op.body); break;
    case Op::Kind::kMicrotask: j["microtask"] = OpsToJson(op.body); break;
    case Op::Kind::kCpu: j["cpu"] = op.ms; break;
    case Op::Kind::kPool:
      j["pool"] = {{op.pool_io ? "io" : "cpu", op.ms}};
      j["do"] = OpsToJson(op.body);
      break;
    case Op::Kind::kNet: j["net"] = op.ms; j["do"] = OpsToJson(op.body); break;
  }
  return j;
}

json OpsToJson(const std::vector<Op>& ops) {
  json a = json::array();
  for (const Op& op : ops) a.push_back(OpToJson(op));
  return a;
}

std::string JsNumber(double ms) { return json(ms).dump(); }

absl::Status OpsToJs(const std::vector<Op>& ops, int indent, std::string* out) {
  const std::string pad(indent, ' ');
  for (const Op& op : ops) {
    std::string inner;
    if (op.kind != Op::Kind::kLog && op.kind != Op::Kind::kCpu) {
      absl::Status s = OpsToJs(op.body, indent + 2, &inner);
      if (!s.ok()) return s;
    }
    switch (op.kind) {
      case Op::Kind::kLog:
        absl::StrAppend(out, pad, "out(", json(op.label).dump(), ");\n");
        break;
      case Op::Kind::kTimeout:
        absl::StrAppend(out, pad, "setTimeout(() => {\n", inner, pad, "}, ", JsNumber(op.ms), ");\n");
        break;
      case Op::Kind::kInterval:
        absl::StrAppend(out, pad, "{ let c = 0; const h = setInterval(() => {\n", inner, pad,
                        "  if (++c === ", op.times, ") clearInterval(h);\n", pad, "}, ",
                        JsNumber(op.ms), "); }\n");
        break;
      case Op::Kind::kImmediate:
        absl::StrAppend(out, pad, "setImmediate(() => {\n", inner, pad, "});\n");
        break;
      case Op::Kind::kNextTick:
        absl::StrAppend(out, pad, "process.nextTick(() => {\n", inner, pad, "});\n");
        break;
      case Op::Kind::kMicrotask:
        absl::StrAppend(out, pad, "queueMicrotask(() => {\n", inner, pad, "});\n");
        break;
      case Op::Kind::kCpu:
        absl::StrAppend(out, pad, "spin(", JsNumber(op.ms), ");\n");
        break;
      case Op::Kind::kPool:
        if (!op.pool_io) {
          return absl::UnimplementedError("a pool cpu op has no exact Node.js equivalent");
        }
        // One fs.read is one pool request, as the op is. fs.readFile would be
        // four (open, fstat, read, close), each completing in its own poll
        // phase, so its callback would come loop iterations later.
        absl::StrAppend(out, pad, "require(\"fs\").read(fd, buf, 0, buf.length, 0, () => {\n",
                        inner, pad, "});\n");
        break;
      case Op::Kind::kNet:
        return absl::UnimplementedError("a net op has no exact Node.js equivalent");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Scenario> ParseScenario(std::string_view json_text) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {
    // e.what() starts with "[json.exception.parse_error.101] " (or
    // out_of_range.406 for a number too large for a double); keep the rest.
    std::string what = e.what();
    const size_t cut = what.find("] ");
    return absl::InvalidArgumentError(absl::StrCat(
        "scenario is not valid JSON: ", cut == std::string::npos ? what : what.substr(cut + 2)));
  }
  if (!root.is_object()) return Bad("(root)", "expected an object with \"version\" and \"main\"");
  for (const auto& [k, unused] : root.items()) {
    if (k != "version" && k != "config" && k != "main") {
      return Bad("(root)", absl::StrCat("unknown key \"", k, "\"; expected version, config, main"));
    }
  }
  if (!root.contains("version")) return Bad("version", "missing; expected 1");
  const json& version = root.at("version");
  if (!version.is_number() || version.get<double>() != 1) {
    return Bad("version", absl::StrCat("expected 1, got ", version.dump()));
  }
  Scenario s;
  if (root.contains("config")) {
    absl::StatusOr<Config> c = ParseConfig(root.at("config"));
    if (!c.ok()) return c.status();
    s.config = *c;
  }
  if (!root.contains("main")) return Bad("main", "missing; expected an array of ops");
  absl::StatusOr<std::vector<Op>> main = ParseOps(root.at("main"), "main", 0);
  if (!main.ok()) return main.status();
  s.main = std::move(*main);
  return s;
}

std::string ScenarioToJson(const Scenario& s) {
  json j;
  j["version"] = 1;
  j["config"] = {{"cores", s.config.cores}, {"pool_size", s.config.pool_size}, {"seed", s.config.seed}};
  if (s.config.net_jitter_ms > 0) j["config"]["net_jitter_ms"] = s.config.net_jitter_ms;
  j["main"] = OpsToJson(s.main);
  return j.dump();
}

bool HasPoolIo(const std::vector<Op>& ops) {
  for (const Op& op : ops) {
    if ((op.kind == Op::Kind::kPool && op.pool_io) || HasPoolIo(op.body)) return true;
  }
  return false;
}

absl::StatusOr<std::string> ScenarioToNodeJs(const Scenario& s) {
  std::string body;
  absl::Status st = OpsToJs(s.main, 0, &body);
  if (!st.ok()) return st;
  return absl::StrCat(
      "'use strict';\n",
      HasPoolIo(s.main) ? "const fd = require('fs').openSync(__filename, 'r');\n"
                          "const buf = Buffer.alloc(64);\n"
                        : "",
      "const lines = [];\n"
      "function out(l) { lines.push(l); }\n"
      "function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); "
      "while (process.hrtime.bigint() < e); }\n"
      "process.on('exit', () => { process.stdout.write(lines.join('\\n') + '\\n'); });\n",
      body);
}

}  // namespace scenario
