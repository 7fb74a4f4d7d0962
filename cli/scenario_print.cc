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

const char* OpKey(Op::Kind kind) {
  switch (kind) {
    case Op::Kind::kWriteFile: return "writeFile";
    case Op::Kind::kReadFile: return "readFile";
    case Op::Kind::kStat: return "stat";
    case Op::Kind::kUnlink: return "unlink";
    case Op::Kind::kOnData: return "onData";
    case Op::Kind::kOnEnd: return "onEnd";
    case Op::Kind::kOnClose: return "onClose";
    case Op::Kind::kEnd: return "end";
    case Op::Kind::kDestroy: return "destroy";
    case Op::Kind::kCloseServer: return "closeServer";
    default: return "?";
  }
}

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
    case Op::Kind::kWriteFile:
    case Op::Kind::kReadFile:
    case Op::Kind::kStat:
    case Op::Kind::kUnlink:
      j[OpKey(op.kind)] = op.text;
      if (op.kind == Op::Kind::kWriteFile) j["data"] = op.data;
      j["do"] = OpsToJson(op.body);
      if (!op.on_error.empty()) j["error"] = OpsToJson(op.on_error);
      break;
    case Op::Kind::kListen:
      j["listen"] = op.port;
      j["do"] = OpsToJson(op.body);
      if (!op.connection.empty()) j["connection"] = OpsToJson(op.connection);
      if (!op.on_error.empty()) j["error"] = OpsToJson(op.on_error);
      break;
    case Op::Kind::kConnect:
      if (op.port == kPortOfServer) {
        j["connect"] = "$port";
      } else {
        j["connect"] = op.port;
      }
      j["do"] = OpsToJson(op.body);
      if (!op.on_error.empty()) j["error"] = OpsToJson(op.on_error);
      break;
    case Op::Kind::kOnData:
    case Op::Kind::kOnEnd:
    case Op::Kind::kOnClose:
      j[OpKey(op.kind)] = OpsToJson(op.body);
      break;
    case Op::Kind::kWrite: j["write"] = op.text; break;
    case Op::Kind::kEnd:
    case Op::Kind::kDestroy:
    case Op::Kind::kCloseServer:
      j[OpKey(op.kind)] = true;
      break;
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

// A text with placeholders, as a JavaScript expression: "got " + data.
std::string JsText(const std::string& text) {
  static const char* const kTokens[][2] = {
      {"$data", "data"}, {"$error", "error"}, {"$size", "size"}, {"$port", "String(port)"}};
  std::vector<std::string> parts;
  std::string literal;
  for (size_t i = 0; i < text.size();) {
    bool matched = false;
    for (const auto& t : kTokens) {
      const std::string token = t[0];
      if (text.compare(i, token.size(), token) == 0) {
        if (!literal.empty()) parts.push_back(JsString(literal));
        literal.clear();
        parts.push_back(t[1]);
        i += token.size();
        matched = true;
        break;
      }
    }
    if (!matched) literal += text[i++];
  }
  if (!literal.empty() || parts.empty()) parts.push_back(JsString(literal));
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) absl::StrAppend(&joined, i ? " + " : "", parts[i]);
  return parts.size() == 1 && parts[0][0] != '"' ? absl::StrCat("String(", joined, ")") : joined;
}

absl::Status OpsToJs(const std::vector<Op>& ops, int indent, std::string* out) {
  const std::string pad(indent, ' ');
  for (const Op& op : ops) {
    std::string inner;
    if (op.kind != Op::Kind::kLog && op.kind != Op::Kind::kCpu) {
      // Callbacks that sit inside an if/else or a block go two deeper.
      const bool nested = op.kind == Op::Kind::kWriteFile || op.kind == Op::Kind::kReadFile ||
                          op.kind == Op::Kind::kStat || op.kind == Op::Kind::kUnlink ||
                          op.kind == Op::Kind::kListen || op.kind == Op::Kind::kConnect;
      absl::Status s = OpsToJs(op.body, indent + (nested ? 4 : 2), &inner);
      if (!s.ok()) return s;
    }
    std::string on_error;
    if (absl::Status s = OpsToJs(op.on_error, indent + 4, &on_error); !s.ok()) return s;
    std::string connection;
    if (absl::Status s = OpsToJs(op.connection, indent + 4, &connection); !s.ok()) return s;
    const std::string pad2 = pad + "  ";
    const std::string pad4 = pad + "    ";
    // fs's callback shape: if (err) { error branch } else { do }.
    auto fs_call = [&](const std::string& call, const std::string& args, const std::string& bind) {
      absl::StrAppend(out, pad, "require('fs').", call, "(", JsString(op.text), args, " => {\n",
                      pad2, "if (err) {\n", pad4, "const error = err.code;\n", on_error, pad2,
                      "} else {\n", bind.empty() ? "" : absl::StrCat(pad4, bind, "\n"), inner,
                      pad2, "}\n", pad, "});\n");
    };
    switch (op.kind) {
      case Op::Kind::kWriteFile:
        fs_call("writeFile", absl::StrCat(", ", JsString(op.data), ", (err)"), "");
        break;
      case Op::Kind::kReadFile:
        fs_call("readFile", ", 'latin1', (err, data)", "");
        break;
      case Op::Kind::kStat:
        fs_call("stat", ", (err, st)", "const size = String(st.size);");
        break;
      case Op::Kind::kUnlink:
        fs_call("unlink", ", (err)", "");
        break;
      case Op::Kind::kListen:
        // Every socket gets an 'error' listener (Node throws without one);
        // onClose reads the error it kept.
        absl::StrAppend(
            out, pad, "{\n", pad2, "let port = 0;\n", pad2,
            "const server = require('net').createServer((socket) => {\n", pad4,
            "socket.on('error', (err) => { socket.twinloopError = err.code; });\n", connection,
            pad2, "});\n", pad2, "server.on('error', (err) => {\n", pad4,
            "const error = err.code;\n", on_error, pad2, "});\n", pad2, "server.listen(",
            op.port, ", '127.0.0.1', () => {\n", pad4, "port = server.address().port;\n", inner,
            pad2, "});\n", pad, "}\n");
        break;
      case Op::Kind::kConnect:
        absl::StrAppend(
            out, pad, "{\n", pad2, "let connected = false;\n", pad2,
            "const socket = require('net').connect(",
            op.port == kPortOfServer ? std::string("port") : absl::StrCat(op.port),
            ", '127.0.0.1', () => {\n", pad4, "connected = true;\n", inner, pad2, "});\n", pad2,
            "socket.on('error', (err) => {\n", pad4, "socket.twinloopError = err.code;\n", pad4,
            "if (!connected) {\n", pad4, "  const error = err.code;\n", on_error, pad4, "}\n",
            pad2, "});\n", pad, "}\n");
        break;
      case Op::Kind::kOnData:
        absl::StrAppend(out, pad, "socket.on('data', (data) => {\n", pad2,
                        "data = data.toString('latin1');\n", inner, pad, "});\n");
        break;
      case Op::Kind::kOnEnd:
        // resume(): the socket flows (as Loop::OnEnd starts reading), so
        // 'end' comes even with no 'data' listener.
        absl::StrAppend(out, pad, "socket.on('end', () => {\n", inner, pad, "});\n", pad,
                        "socket.resume();\n");
        break;
      case Op::Kind::kOnClose:
        absl::StrAppend(out, pad, "socket.on('close', () => {\n", pad2,
                        "const error = socket.twinloopError || '';\n", inner, pad, "});\n");
        break;
      case Op::Kind::kWrite:
        absl::StrAppend(out, pad, "socket.write(", JsText(op.text), ");\n");
        break;
      case Op::Kind::kEnd:
        absl::StrAppend(out, pad, "socket.end();\n");
        break;
      case Op::Kind::kDestroy:
        absl::StrAppend(out, pad, "socket.destroy();\n");
        break;
      case Op::Kind::kCloseServer:
        absl::StrAppend(out, pad, "server.close();\n");
        break;
      case Op::Kind::kLog:
        absl::StrAppend(out, pad, "out(", JsText(op.label), ");\n");
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
