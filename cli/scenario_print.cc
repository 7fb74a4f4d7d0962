// Writing scenarios: back to JSON, and as the same program for Node.js.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "cli/scenario.h"

namespace scenario {
namespace {

using json = nlohmann::json;

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

std::string JsString(const std::string& s) {
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

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
        absl::StrAppend(out, pad, "out(", JsString(op.label), ");\n");
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


bool HasPoolIo(const std::vector<Op>& ops) {
  for (const Op& op : ops) {
    if ((op.kind == Op::Kind::kPool && op.pool_io) || HasPoolIo(op.body)) return true;
  }
  return false;
}


}  // namespace

std::string ScenarioToJson(const Scenario& s) {
  json j;
  j["version"] = 1;
  j["config"] = {{"cores", s.config.cores}, {"pool_size", s.config.pool_size}, {"seed", s.config.seed}};
  if (s.config.net_jitter_ms > 0) j["config"]["net_jitter_ms"] = s.config.net_jitter_ms;
  j["main"] = OpsToJson(s.main);
  // Labels built in code need not be valid UTF-8; never throw over them.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
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
