// Reading scenario files: a checked JSON parse, then validation op by op.
#include "cli/scenario.h"

#include <cmath>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "base/printable.h"

namespace scenario {

using ::base::Printable;
using ::base::Quoted;
using ::base::kMessageChars;
using ::base::kQuoteChars;
namespace {

using json = nlohmann::json;

const char* kOpList =
    "log, timeout, interval, immediate, nextTick, microtask, cpu, pool, net, writeFile, "
    "readFile, stat, unlink, listen, connect, onData, onEnd, onClose, write, end, destroy, "
    "closeServer";

// What the ops at a place in the file may refer to: the socket of an
// enclosing connect or connection, the server of an enclosing listen, and
// the placeholders their callbacks bind.
struct Ctx {
  bool socket = false;
  bool server = false;
  bool data = false;   // $data: onData, readFile's do
  bool error = false;  // $error: an error branch, onClose
  bool size = false;   // $size: stat's do
};

absl::Status Bad(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

// What an input value is, for a message, without printing it whole: a
// 60,000-deep array must not be printed recursively, nor a 50 MB string.
std::string Describe(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return Quoted(v.get_ref<const std::string&>());
    case json::value_t::null: return "null";
    default: return Printable(v.dump(), kQuoteChars);
  }
}

// One rule for every integer in the format: a JSON integer literal, written
// without a fraction or an exponent (`2`, not `2.0` or `2e0`), in [lo, hi].
absl::StatusOr<int64_t> Integer(const json& v, const std::string& path, int64_t lo, int64_t hi) {
  const std::string want = absl::StrCat("expected an integer in [", lo, ", ", hi, "]");
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(hi)) return Bad(path, want);
    const auto n = static_cast<int64_t>(u);
    if (n < lo) return Bad(path, want);
    return n;
  }
  if (v.is_number_integer()) {
    const int64_t n = v.get<int64_t>();
    if (n < lo || n > hi) return Bad(path, want);
    return n;
  }
  if (v.is_number_float()) {
    // 2.0 or 1e3: say why it is refused. (A literal too large for 64 bits
    // also arrives as a float; it is simply out of range.)
    const double d = v.get<double>();
    if (std::trunc(d) == d && d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) {
      return Bad(path, absl::StrCat(want, ", written without a fraction or exponent; got ",
                                    Describe(v)));
    }
  }
  return Bad(path, want);
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

absl::StatusOr<std::vector<Op>> ParseOps(const json& v, const std::string& path, int depth,
                                         const Ctx& ctx);

// Everything one op's parser needs.
struct OpInput {
  const json& object;  // the whole op
  const json& value;   // the value of the op's own key
  const std::string& path;
  const std::string& key_path;  // path + "." + the op's key
  int depth;
  const Ctx& ctx;
};

// An optional list of ops under `key` ("do", "error", "connection").
absl::Status Branch(const OpInput& in, const char* key, const Ctx& ctx, std::vector<Op>* out) {
  if (!in.object.contains(key)) return absl::OkStatus();
  absl::StatusOr<std::vector<Op>> ops =
      ParseOps(in.object.at(key), absl::StrCat(in.path, ".", key), in.depth + 1, ctx);
  if (!ops.ok()) return ops.status();
  *out = std::move(*ops);
  return absl::OkStatus();
}

// An optional "do": the op's callback.
absl::Status Body(const OpInput& in, Op* op) { return Branch(in, "do", in.ctx, &op->body); }

// A text's placeholders must be bound where it is.
absl::Status CheckPlaceholders(const std::string& text, const Ctx& ctx, const std::string& path) {
  struct Token {
    const char* name;
    bool bound;
    const char* where;
  };
  const Token tokens[] = {
      {"$data", ctx.data, "inside onData or a readFile's do"},
      {"$error", ctx.error, "inside an error branch or onClose"},
      {"$size", ctx.size, "inside a stat's do"},
      {"$port", ctx.server, "inside a listen's do or connection"},
  };
  for (const Token& t : tokens) {
    if (!t.bound && text.find(t.name) != std::string::npos) {
      return Bad(path, absl::StrCat(t.name, " is bound only ", t.where));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseLog(const OpInput& in, Op* op) {
  if (!in.value.is_string()) return Bad(in.key_path, "expected a string");
  op->label = in.value.get<std::string>();
  return CheckPlaceholders(op->label, in.ctx, in.key_path);
}

absl::Status String(const json& v, const std::string& path, std::string* out) {
  if (!v.is_string()) return Bad(path, "expected a string");
  *out = v.get<std::string>();
  return absl::OkStatus();
}

// writeFile, readFile, stat, unlink: the value is the path; "do" on
// success, "error" on failure.
absl::Status ParseFile(const OpInput& in, Op* op) {
  if (absl::Status s = String(in.value, in.key_path, &op->text); !s.ok()) return s;
  if (op->kind == Op::Kind::kWriteFile) {
    if (!in.object.contains("data")) return Bad(in.path, "a writeFile op needs \"data\"");
    if (absl::Status s = String(in.object.at("data"), in.path + ".data", &op->data); !s.ok()) {
      return s;
    }
  }
  Ctx ok = in.ctx;
  ok.data = ok.data || op->kind == Op::Kind::kReadFile;
  ok.size = ok.size || op->kind == Op::Kind::kStat;
  Ctx failed = in.ctx;
  failed.error = true;
  if (absl::Status s = Branch(in, "do", ok, &op->body); !s.ok()) return s;
  return Branch(in, "error", failed, &op->on_error);
}

absl::Status ParseListen(const OpInput& in, Op* op) {
  absl::StatusOr<int64_t> port = Integer(in.value, in.key_path, 0, 65535);
  if (!port.ok()) return port.status();
  op->port = static_cast<int>(*port);
  Ctx server = in.ctx;
  server.server = true;
  Ctx connection = server;
  connection.socket = true;
  Ctx failed = in.ctx;
  failed.error = true;
  if (absl::Status s = Branch(in, "do", server, &op->body); !s.ok()) return s;
  if (absl::Status s = Branch(in, "connection", connection, &op->connection); !s.ok()) return s;
  return Branch(in, "error", failed, &op->on_error);
}

absl::Status ParseConnect(const OpInput& in, Op* op) {
  if (in.value.is_string()) {
    if (in.value.get<std::string>() != "$port") {
      return Bad(in.key_path, "expected a port in [1, 65535] or \"$port\"");
    }
    if (!in.ctx.server) return Bad(in.key_path, "$port is bound only inside a listen's do or connection");
    op->port = kPortOfServer;
  } else {
    absl::StatusOr<int64_t> port = Integer(in.value, in.key_path, 1, 65535);
    if (!port.ok()) return port.status();
    op->port = static_cast<int>(*port);
  }
  Ctx connected = in.ctx;
  connected.socket = true;
  Ctx failed = in.ctx;
  failed.error = true;
  if (absl::Status s = Branch(in, "do", connected, &op->body); !s.ok()) return s;
  return Branch(in, "error", failed, &op->on_error);
}

// onData, onEnd, onClose: the value is the handler's ops.
absl::Status ParseSocketHandler(const OpInput& in, Op* op) {
  if (!in.ctx.socket) {
    return Bad(in.key_path, "a socket op belongs inside a connect's do or a listen's connection");
  }
  Ctx ctx = in.ctx;
  ctx.data = ctx.data || op->kind == Op::Kind::kOnData;
  ctx.error = ctx.error || op->kind == Op::Kind::kOnClose;
  absl::StatusOr<std::vector<Op>> body = ParseOps(in.value, in.key_path, in.depth + 1, ctx);
  if (!body.ok()) return body.status();
  op->body = std::move(*body);
  return absl::OkStatus();
}

// write: the bytes; end, destroy, closeServer: true.
absl::Status ParseSocketCall(const OpInput& in, Op* op) {
  if (op->kind == Op::Kind::kCloseServer ? !in.ctx.server : !in.ctx.socket) {
    return Bad(in.key_path, op->kind == Op::Kind::kCloseServer
                                ? "closeServer belongs inside a listen's do or connection"
                                : "a socket op belongs inside a connect's do or a listen's connection");
  }
  if (op->kind == Op::Kind::kWrite) {
    if (absl::Status s = String(in.value, in.key_path, &op->text); !s.ok()) return s;
    return CheckPlaceholders(op->text, in.ctx, in.key_path);
  }
  if (!in.value.is_boolean() || !in.value.get<bool>()) return Bad(in.key_path, "expected true");
  return absl::OkStatus();
}

absl::Status ParseTimer(const OpInput& in, Op* op) {
  // Node clamps any delay outside [1, 2^31-1] to 1 ms; the file must still
  // say something sensible.
  absl::StatusOr<double> ms = Duration(in.value, in.key_path, kMaxDurationMs);
  if (!ms.ok()) return ms.status();
  op->ms = *ms;
  if (op->kind == Op::Kind::kInterval) {
    if (!in.object.contains("times")) return Bad(in.path, "an interval op needs \"times\"");
    absl::StatusOr<int64_t> times = Integer(in.object.at("times"), in.path + ".times", 1, kMaxTimes);
    if (!times.ok()) return times.status();
    op->times = *times;
  }
  return Body(in, op);
}

// immediate, nextTick, microtask: the op's value is its callback.
absl::Status ParseQueued(const OpInput& in, Op* op) {
  absl::StatusOr<std::vector<Op>> body = ParseOps(in.value, in.key_path, in.depth + 1, in.ctx);
  if (!body.ok()) return body.status();
  op->body = std::move(*body);
  return absl::OkStatus();
}

absl::Status ParseCpu(const OpInput& in, Op* op) {
  absl::StatusOr<double> ms = Duration(in.value, in.key_path, kMaxDurationMs);
  if (!ms.ok()) return ms.status();
  op->ms = *ms;
  return absl::OkStatus();
}

absl::Status ParsePool(const OpInput& in, Op* op) {
  const json& v = in.value;
  const bool one_key = v.is_object() && v.size() == 1 && (v.contains("cpu") || v.contains("io"));
  if (!one_key) return Bad(in.key_path, "expected {\"cpu\": MS} or {\"io\": MS}");
  op->pool_io = v.contains("io");
  const char* which = op->pool_io ? "io" : "cpu";
  absl::StatusOr<double> ms =
      Duration(v.at(which), absl::StrCat(in.key_path, ".", which), kMaxDurationMs);
  if (!ms.ok()) return ms.status();
  op->ms = *ms;
  return Body(in, op);
}

absl::Status ParseNet(const OpInput& in, Op* op) {
  absl::Status s = ParseCpu(in, op);  // the same rule: a duration in ms
  if (!s.ok()) return s;
  return Body(in, op);
}

struct OpSpec {
  const char* key;
  Op::Kind kind;
  std::vector<const char*> allowed;  // other keys it may have
  absl::Status (*parse)(const OpInput&, Op*);
};

const std::vector<OpSpec>& Specs() {
  static const auto* specs = new std::vector<OpSpec>{
      {"log", Op::Kind::kLog, {}, ParseLog},
      {"timeout", Op::Kind::kTimeout, {"do"}, ParseTimer},
      {"interval", Op::Kind::kInterval, {"times", "do"}, ParseTimer},
      {"immediate", Op::Kind::kImmediate, {}, ParseQueued},
      {"nextTick", Op::Kind::kNextTick, {}, ParseQueued},
      {"microtask", Op::Kind::kMicrotask, {}, ParseQueued},
      {"cpu", Op::Kind::kCpu, {}, ParseCpu},
      {"pool", Op::Kind::kPool, {"do"}, ParsePool},
      {"net", Op::Kind::kNet, {"do"}, ParseNet},
      {"writeFile", Op::Kind::kWriteFile, {"data", "do", "error"}, ParseFile},
      {"readFile", Op::Kind::kReadFile, {"do", "error"}, ParseFile},
      {"stat", Op::Kind::kStat, {"do", "error"}, ParseFile},
      {"unlink", Op::Kind::kUnlink, {"do", "error"}, ParseFile},
      {"listen", Op::Kind::kListen, {"connection", "do", "error"}, ParseListen},
      {"connect", Op::Kind::kConnect, {"do", "error"}, ParseConnect},
      {"onData", Op::Kind::kOnData, {}, ParseSocketHandler},
      {"onEnd", Op::Kind::kOnEnd, {}, ParseSocketHandler},
      {"onClose", Op::Kind::kOnClose, {}, ParseSocketHandler},
      {"write", Op::Kind::kWrite, {}, ParseSocketCall},
      {"end", Op::Kind::kEnd, {}, ParseSocketCall},
      {"destroy", Op::Kind::kDestroy, {}, ParseSocketCall},
      {"closeServer", Op::Kind::kCloseServer, {}, ParseSocketCall},
  };
  return *specs;
}

// The keys of an unknown op, for the message: a few, each cut short.
std::string SomeKeys(const json& v) {
  std::vector<std::string> keys;
  for (const auto& [k, unused] : v.items()) {
    if (keys.size() == 4) {
      keys.push_back(absl::StrCat("… (", v.size(), " keys)"));
      break;
    }
    keys.push_back(Quoted(k));
  }
  return absl::StrJoin(keys, ", ");
}

absl::StatusOr<Op> ParseOp(const json& v, const std::string& path, int depth, const Ctx& ctx) {
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
    return Bad(path, absl::StrCat("unknown op with keys {", SomeKeys(v), "}; expected one of ",
                                  kOpList));
  }
  for (const auto& [k, unused] : v.items()) {
    if (k == spec->key) continue;
    bool ok = false;
    for (const char* a : spec->allowed) ok = ok || k == a;
    if (!ok) return Bad(path, absl::StrCat("unexpected key ", Quoted(k), " in a ", spec->key, " op"));
  }
  Op op;
  op.kind = spec->kind;
  const std::string key_path = absl::StrCat(path, ".", spec->key);
  absl::Status s = spec->parse({v, v.at(spec->key), path, key_path, depth, ctx}, &op);
  if (!s.ok()) return s;
  return op;
}

absl::StatusOr<std::vector<Op>> ParseOps(const json& v, const std::string& path, int depth,
                                         const Ctx& ctx) {
  if (depth > kMaxDepth) return Bad(path, absl::StrCat("ops nested deeper than ", kMaxDepth));
  if (!v.is_array()) return Bad(path, "expected an array of ops");
  std::vector<Op> ops;
  ops.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    absl::StatusOr<Op> op = ParseOp(v[i], absl::StrCat(path, "[", i, "]"), depth, ctx);
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
      // The whole uint64 range: Integer() stops at INT64_MAX.
      if (value.is_number_unsigned()) {
        c.seed = value.get<uint64_t>();
      } else {
        absl::StatusOr<int64_t> n = Integer(value, path, 0, INT64_MAX);
        if (!n.ok()) {
          std::string why(n.status().message());
          absl::StrReplaceAll({{absl::StrCat(INT64_MAX), absl::StrCat(UINT64_MAX)}}, &why);
          return absl::InvalidArgumentError(why);
        }
        c.seed = static_cast<uint64_t>(*n);
      }
    } else if (k == "net_jitter_ms") {
      absl::StatusOr<double> ms = Duration(value, path, kMaxDurationMs);
      if (!ms.ok()) return ms.status();
      c.net_jitter_ms = *ms;
    } else {
      return Bad("config", absl::StrCat("unknown key ", Quoted(k),
                                        "; expected cores, pool_size, seed, net_jitter_ms"));
    }
  }
  return c;
}

// Thrown by the parser callback to stop parsing at once.
struct Rejected {
  absl::Status status;
};

// Builds the document (with nlohmann's own DOM builder) while watching the
// parse: nesting deeper than kMaxJsonDepth stops it at once (a 50 MB run of
// `[` must not be built first), and a key seen twice in one object is an
// error naming the object's JSON path (nlohmann would keep the last value
// silently). A SAX handler rather than json::parse's callback: in nlohmann
// 3.11.2 the callback parser rescans the enclosing array at every object's
// end, which is quadratic in the length of `main`.
class CheckedDomBuilder {
 public:
  explicit CheckedDomBuilder(json* root) : dom_(*root, /*allow_exceptions=*/true) {}

  bool null() { return Value(dom_.null()); }
  bool boolean(bool v) { return Value(dom_.boolean(v)); }
  bool number_integer(json::number_integer_t v) { return Value(dom_.number_integer(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return Value(dom_.number_unsigned(v)); }
  bool number_float(json::number_float_t v, const json::string_t& s) {
    return Value(dom_.number_float(v, s));
  }
  bool string(json::string_t& v) { return Value(dom_.string(v)); }
  bool binary(json::binary_t& v) { return Value(dom_.binary(v)); }
  bool start_object(std::size_t n) {
    Open(false);
    return dom_.start_object(n);
  }
  bool key(json::string_t& k) {
    Frame& f = frames_.back();
    if (!f.keys.insert(k).second) throw Rejected{Bad(Path(), absl::StrCat("duplicate key ", Quoted(k)))};
    f.key = k;
    return dom_.key(k);
  }
  bool end_object() {
    frames_.pop_back();
    return Value(dom_.end_object());
  }
  bool start_array(std::size_t n) {
    Open(true);
    return dom_.start_array(n);
  }
  bool end_array() {
    frames_.pop_back();
    return Value(dom_.end_array());
  }
  bool parse_error(std::size_t pos, const std::string& token,
                   const nlohmann::detail::exception& e) {
    return dom_.parse_error(pos, token, e);  // throws it
  }

 private:
  struct Frame {
    bool array;
    size_t index = 0;
    std::string key;  // the current key, in an object
    absl::flat_hash_set<std::string> keys;
  };
  void Open(bool array) {
    if (frames_.size() >= static_cast<size_t>(kMaxJsonDepth)) {
      throw Rejected{Bad(Path(), absl::StrCat("JSON nested deeper than ", kMaxJsonDepth, " levels"))};
    }
    frames_.push_back({array});
  }
  // A value ended: the next one in an array has the next index.
  bool Value(bool ok) {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    return ok;
  }
  // The path of the innermost open container, as in other messages.
  std::string Path() const {
    std::string path;
    for (size_t i = 0; i + 1 < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      if (f.array) {
        absl::StrAppend(&path, "[", f.index, "]");
      } else {
        absl::StrAppend(&path, path.empty() ? "" : ".", Printable(f.key));
      }
    }
    return path.empty() ? "(root)" : path;
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::vector<Frame> frames_;
};

// nlohmann's message, with the token it quotes ("last read: '...'") made
// printable and cut short.
std::string ParseErrorMessage(const json::exception& e) {
  std::string what = e.what();
  // Drop the "[json.exception.parse_error.101] " prefix.
  const size_t cut = what.find("] ");
  if (cut != std::string::npos) what = what.substr(cut + 2);
  const std::string marker = "last read: '";
  const size_t begin = what.find(marker);
  if (begin != std::string::npos) {
    const size_t from = begin + marker.size();
    size_t end = what.rfind("'; expected ");
    if (end == std::string::npos || end < from) end = what.rfind('\'');
    if (end != std::string::npos && end >= from) {
      what = absl::StrCat(what.substr(0, from), Printable(what.substr(from, end - from)),
                          what.substr(end));
    }
  }
  return Printable(what, kMessageChars);
}

}  // namespace

absl::StatusOr<Scenario> ParseScenario(std::string_view json_text) {
  // nlohmann stops at a NUL byte as if the input ended there; JSON allows
  // none outside strings (and inside them only escaped).
  if (const size_t nul = json_text.find('\0'); nul != std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario is not valid JSON: a NUL byte at offset ", nul));
  }
  json root;
  try {
    CheckedDomBuilder builder(&root);
    json::sax_parse(json_text.begin(), json_text.end(), &builder);
  } catch (const Rejected& r) {
    return r.status;
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario is not valid JSON: ", ParseErrorMessage(e)));
  }
  if (!root.is_object()) return Bad("(root)", "expected an object with \"version\" and \"main\"");
  for (const auto& [k, unused] : root.items()) {
    if (k != "version" && k != "config" && k != "main") {
      return Bad("(root)", absl::StrCat("unknown key ", Quoted(k), "; expected version, config, main"));
    }
  }
  if (!root.contains("version")) return Bad("version", "missing; expected 1");
  const json& version = root.at("version");
  if (!version.is_number_integer() || version.get<int64_t>() != 1) {
    return Bad("version", absl::StrCat("expected 1, got ", Describe(version)));
  }
  Scenario s;
  if (root.contains("config")) {
    absl::StatusOr<Config> c = ParseConfig(root.at("config"));
    if (!c.ok()) return c.status();
    s.config = *c;
  }
  if (!root.contains("main")) return Bad("main", "missing; expected an array of ops");
  absl::StatusOr<std::vector<Op>> main = ParseOps(root.at("main"), "main", 0, Ctx{});
  if (!main.ok()) return main.status();
  s.main = std::move(*main);
  return s;
}

}  // namespace scenario
