#include "cli/scenario.h"

#include <string>

#include <gtest/gtest.h>

namespace scenario {
namespace {

std::string Error(const std::string& json) {
  absl::StatusOr<Scenario> s = ParseScenario(json);
  EXPECT_FALSE(s.ok()) << json;
  return s.ok() ? "" : std::string(s.status().message());
}

std::string Main(const std::string& ops) {
  return R"({"version": 1, "main": )" + ops + "}";
}

TEST(ScenarioTest, ParsesEveryOp) {
  absl::StatusOr<Scenario> s = ParseScenario(R"({
    "version": 1,
    "config": {"cores": 3, "pool_size": 8, "seed": 42},
    "main": [
      {"log": "a"},
      {"timeout": 5, "do": [{"log": "b"}]},
      {"interval": 2.5, "times": 3, "do": []},
      {"immediate": [{"cpu": 1}]},
      {"nextTick": []},
      {"microtask": [{"log": "c"}]},
      {"pool": {"io": 4}, "do": [{"log": "d"}]},
      {"pool": {"cpu": 100}},
      {"net": 50, "do": []}
    ]})");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->config, (Config{.cores = 3, .pool_size = 8, .seed = 42}));
  ASSERT_EQ(s->main.size(), 9u);
  EXPECT_EQ(s->main[0].label, "a");
  EXPECT_EQ(s->main[1].kind, Op::Kind::kTimeout);
  EXPECT_EQ(s->main[1].body[0].label, "b");
  EXPECT_EQ(s->main[2].times, 3);
  EXPECT_EQ(s->main[2].ms, 2.5);
  EXPECT_EQ(s->main[3].body[0].kind, Op::Kind::kCpu);
  EXPECT_TRUE(s->main[6].pool_io);
  EXPECT_FALSE(s->main[7].pool_io);
  EXPECT_EQ(s->main[7].ms, 100);
  EXPECT_EQ(s->main[8].kind, Op::Kind::kNet);
}

TEST(ScenarioTest, ConfigDefaults) {
  absl::StatusOr<Scenario> s = ParseScenario(Main("[]"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->config, (Config{.cores = 2, .pool_size = 4, .seed = 1}));
}

TEST(ScenarioTest, ErrorsNameTheJsonPath) {
  EXPECT_EQ(Error(Main(R"([{"log": "a"}, {"log": "b"}, {"timeout": -1}])")),
            "main[2].timeout: expected a number >= 0");
  EXPECT_EQ(Error(Main(R"([{"timout": 5, "do": []}])")),
            "main[0]: unknown op with keys {\"do\", \"timout\"}; expected one of log, timeout, "
            "interval, immediate, nextTick, microtask, cpu, pool, net, writeFile, readFile, stat, "
            "unlink, listen, connect, onData, onEnd, onClose, write, end, destroy, closeServer");
  EXPECT_EQ(Error(Main(R"([{"timeout": 5, "do": [{"immediate": [{"log": 7}]}]}])")),
            "main[0].do[0].immediate[0].log: expected a string");
  EXPECT_EQ(Error(Main(R"([{"timeout": 5, "doo": []}])")),
            "main[0]: unexpected key \"doo\" in a timeout op");
  EXPECT_EQ(Error(Main(R"([{"timeout": 5, "cpu": 1}])")),
            "main[0]: an op has exactly one of log, timeout, interval, immediate, nextTick, "
            "microtask, cpu, pool, net, writeFile, readFile, stat, unlink, listen, connect, "
            "onData, onEnd, onClose, write, end, destroy, closeServer; found \"timeout\" and "
            "\"cpu\"");
  EXPECT_EQ(Error(Main(R"([{"interval": 5, "do": []}])")), "main[0]: an interval op needs \"times\"");
  EXPECT_EQ(Error(Main(R"([{"interval": 5, "times": 0}])")),
            "main[0].times: expected an integer in [1, 1000000000]");
  EXPECT_EQ(Error(Main(R"([{"interval": 5, "times": 1.5}])")),
            "main[0].times: expected an integer in [1, 1000000000]");
  EXPECT_EQ(Error(Main(R"([{"interval": 5, "times": 2.0}])")),
            "main[0].times: expected an integer in [1, 1000000000], written without a fraction "
            "or exponent; got 2.0");
  EXPECT_EQ(Error(Main(R"([{"pool": {"disk": 5}}])")),
            "main[0].pool: expected {\"cpu\": MS} or {\"io\": MS}");
  EXPECT_EQ(Error(Main(R"([{"pool": {"io": "5"}}])")), "main[0].pool.io: expected a number >= 0");
  EXPECT_EQ(Error(Main(R"([{"cpu": 1e10}])")), "main[0].cpu: expected a number of ms <= 1e+09");
  EXPECT_EQ(Error(Main(R"([{"net": null}])")), "main[0].net: expected a number >= 0");
  EXPECT_EQ(Error(Main(R"([{"immediate": {}}])")), "main[0].immediate: expected an array of ops");
  EXPECT_EQ(Error(Main(R"([7])")),
            "main[0]: expected an op object (one of log, timeout, interval, immediate, nextTick, "
            "microtask, cpu, pool, net, writeFile, readFile, stat, unlink, listen, connect, "
            "onData, onEnd, onClose, write, end, destroy, closeServer)");
  EXPECT_EQ(Error(Main(R"({})")), "main: expected an array of ops");
}

TEST(ScenarioTest, TopLevelAndConfigErrors) {
  EXPECT_EQ(Error(R"({"main": []})"), "version: missing; expected 1");
  EXPECT_EQ(Error(R"({"version": 2, "main": []})"), "version: expected 1, got 2");
  EXPECT_EQ(Error(R"({"version": 1})"), "main: missing; expected an array of ops");
  EXPECT_EQ(Error(R"({"version": 1, "main": [], "extra": 1})"),
            "(root): unknown key \"extra\"; expected version, config, main");
  EXPECT_EQ(Error(R"([1])"), "(root): expected an object with \"version\" and \"main\"");
  EXPECT_EQ(Error(R"({"version": 1, "config": {"pool_size": 0}, "main": []})"),
            "config.pool_size: expected an integer in [1, 1024]");
  EXPECT_EQ(Error(R"({"version": 1, "config": {"pool_size": 1025}, "main": []})"),
            "config.pool_size: expected an integer in [1, 1024]");
  EXPECT_EQ(Error(R"({"version": 1, "config": {"cores": 0}, "main": []})"),
            "config.cores: expected an integer in [1, 1024]");
  EXPECT_EQ(Error(R"({"version": 1, "config": {"seed": -1}, "main": []})"),
            "config.seed: expected an integer in [0, 18446744073709551615]");
  EXPECT_EQ(Error(R"({"version": 1, "config": {"core": 2}, "main": []})"),
            "config: unknown key \"core\"; expected cores, pool_size, seed, net_jitter_ms");
}

TEST(ScenarioTest, InvalidJsonSaysWhere) {
  EXPECT_EQ(Error(R"({"version": 1, "main": [)"),
            "scenario is not valid JSON: parse error at line 1, column 25: syntax error while "
            "parsing value - unexpected end of input; expected '[', '{', or a literal");
  EXPECT_EQ(Error("{\n  \"version\": 1,,\n}"),
            "scenario is not valid JSON: parse error at line 2, column 16: syntax error while "
            "parsing object key - unexpected ','; expected string literal");
}

TEST(ScenarioTest, NumbersTooLargeForADoubleAreAnErrorNotACrash) {
  EXPECT_EQ(Error(Main(R"([{"cpu": 1e400}])")),
            "scenario is not valid JSON: number overflow parsing '1e400'");
}

TEST(ScenarioTest, DeepNestingIsAnErrorNotACrash) {
  std::string ops = "[]";
  for (int i = 0; i < 240; ++i) ops = "[{\"nextTick\": " + ops + "}]";
  const std::string err = Error(Main(ops));
  EXPECT_NE(err.find("ops nested deeper than 200"), std::string::npos) << err;
}

TEST(ScenarioTest, JsonNestingIsLimitedWhileParsing) {
  // 60,000 levels in `version` used to crash printing the value; 50 MB of
  // `[` used to be built in memory before the error.
  EXPECT_EQ(Error(R"({"version": )" + std::string(60'000, '[') + std::string(60'000, ']') +
                  R"(, "main": []})"),
            "version[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
            "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
            + [] {
                std::string rest;
                for (int i = 0; i < 512 - 2 - 55; ++i) rest += "[0]";
                return rest;
              }() + ": JSON nested deeper than 512 levels");
  const std::string err = Error(std::string(50'000'000, '['));
  EXPECT_NE(err.find(": JSON nested deeper than 512 levels"), std::string::npos);
  EXPECT_LT(err.size(), 2000u);
}

TEST(ScenarioTest, ValuesInMessagesAreDescribedNotPrinted) {
  EXPECT_EQ(Error(R"({"version": [[[1]]], "main": []})"), "version: expected 1, got an array");
  EXPECT_EQ(Error(R"({"version": {"a": 1}, "main": []})"), "version: expected 1, got an object");
  EXPECT_EQ(Error(R"({"version": ")" + std::string(100, 'v') + R"(", "main": []})"),
            "version: expected 1, got \"" + std::string(40, 'v') + "…\"");
  EXPECT_EQ(Error(R"({"version": 1.0, "main": []})"), "version: expected 1, got 1.0");
}

TEST(ScenarioTest, DuplicateKeysAreErrorsWithTheirPath) {
  EXPECT_EQ(Error(Main(R"([{"timeout": -1, "timeout": 1}])")),
            "main[0]: duplicate key \"timeout\"");
  EXPECT_EQ(Error(R"({"version": 1, "main": [], "main": []})"), "(root): duplicate key \"main\"");
  EXPECT_EQ(Error(Main(R"([{"log": "a"}, {"pool": {"io": 1, "io": 2}}])")),
            "main[1].pool: duplicate key \"io\"");
  EXPECT_EQ(Error(R"({"version": 1, "config": {"seed": 1, "seed": 2}, "main": []})"),
            "config: duplicate key \"seed\"");
  EXPECT_EQ(Error(Main(R"([{"timeout": 1, "do": [[], {"log": "a", "log": "b"}]}])")),
            "main[0].do[1]: duplicate key \"log\"");
}

TEST(ScenarioTest, ANulByteIsNotTheEndOfTheDocument) {
  EXPECT_EQ(Error(Main("[]") + std::string("\0garbage", 8)),
            "scenario is not valid JSON: a NUL byte at offset 26");
  EXPECT_EQ(Error(Main("[]") + " trailing"),
            "scenario is not valid JSON: parse error at line 1, column 30: syntax error while "
            "parsing value - invalid literal; last read: '\"main\": []} tra'; expected end of "
            "input");
}

TEST(ScenarioTest, OneRuleForIntegers) {
  // Integers are written as integer literals everywhere; durations may have
  // fractions.
  for (const char* bad : {"2.0", "1e3", "2.5", "\"2\""}) {
    EXPECT_NE(Error(std::string(R"({"version": 1, "config": {"cores": )") + bad +
                    R"(}, "main": []})").find("config.cores: expected an integer in [1, 1024]"),
              std::string::npos)
        << bad;
    EXPECT_NE(Error(std::string(R"({"version": 1, "config": {"seed": )") + bad +
                    R"(}, "main": []})").find("config.seed: expected an integer"),
              std::string::npos)
        << bad;
    EXPECT_NE(Error(Main(std::string(R"([{"interval": 1, "times": )") + bad + "}]"))
                  .find("main[0].times: expected an integer in [1, 1000000000]"),
              std::string::npos)
        << bad;
  }
  EXPECT_TRUE(ParseScenario(R"({"version": 1, "config": {"seed": 18446744073709551615},
                                "main": [{"cpu": 1e3}, {"timeout": 2.5}]})").ok());
  EXPECT_EQ(Error(R"({"version": 1, "config": {"seed": 18446744073709551616}, "main": []})"),
            "config.seed: expected an integer in [0, 18446744073709551615]");
}

TEST(ScenarioTest, MessagesEscapeControlCharactersAndCutLongInput) {
  EXPECT_EQ(Error(Main(R"([{"\u001b[2J\u0007x\ny": 1}])")),
            "main[0]: unknown op with keys {\"\\x1b[2J\\x07x\\ny\"}; expected one of log, "
            "timeout, interval, immediate, nextTick, microtask, cpu, pool, net, writeFile, "
            "readFile, stat, unlink, listen, connect, onData, onEnd, onClose, write, end, "
            "destroy, closeServer");
  const std::string big_key(5'000'000, 'k');
  const std::string err = Error(Main(R"([{"log": "a", ")" + big_key + R"(": 1}])"));
  EXPECT_EQ(err, "main[0]: unexpected key \"" + std::string(40, 'k') + "…\" in a log op");
  // Raw bytes a parse error quotes are escaped and cut.
  EXPECT_EQ(Error("{\"version\": 1, \"main\": [\xff\xfe]}"),
            "scenario is not valid JSON: parse error at line 1, column 25: syntax error while "
            "parsing value - invalid literal; last read: '\"main\": [\\xff'");
  const std::string long_string = "{\"version\": \"" + std::string(5'000'000, 's') + "\x01";
  const std::string parse_err = Error(long_string);
  EXPECT_LT(parse_err.size(), 400u) << parse_err.substr(0, 400);
  EXPECT_EQ(parse_err.find('\x01'), std::string::npos);
}

TEST(ScenarioTest, AnOpWithManyUnknownKeysListsAFew) {
  EXPECT_EQ(Error(Main(R"([{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6}])")),
            "main[0]: unknown op with keys {\"a\", \"b\", \"c\", \"d\", … (6 keys)}; expected "
            "one of log, timeout, interval, immediate, nextTick, microtask, cpu, pool, net, "
            "writeFile, readFile, stat, unlink, listen, connect, onData, onEnd, onClose, write, "
            "end, destroy, closeServer");
}

TEST(ScenarioTest, JsonRoundTrip) {
  absl::StatusOr<Scenario> s = ParseScenario(R"({"version": 1, "config": {"cores": 1},
    "main": [{"interval": 3, "times": 2, "do": [{"pool": {"cpu": 1.5}, "do": [{"log": "x"}]}]},
             {"net": 7}]})");
  ASSERT_TRUE(s.ok());
  absl::StatusOr<Scenario> again = ParseScenario(ScenarioToJson(*s));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *s);
}

TEST(ScenarioTest, NodeProgramMatchesTheConformanceStyle) {
  absl::StatusOr<Scenario> s = ParseScenario(Main(
      R"([{"timeout": 5, "do": [{"log": "a"}, {"cpu": 2}]},
          {"interval": 3, "times": 2, "do": [{"immediate": [{"log": "b"}]}]},
          {"pool": {"io": 1}, "do": [{"nextTick": [{"microtask": []}]}]}])"));
  ASSERT_TRUE(s.ok());
  absl::StatusOr<std::string> js = ScenarioToNodeJs(*s);
  ASSERT_TRUE(js.ok());
  // A program with fs reads opens the file they read first.
  EXPECT_NE(js->find("const fd = require('fs').openSync(__filename, 'r');\n"), std::string::npos);
  const std::string body = js->substr(js->find("process.on('exit'"));
  EXPECT_EQ(body,
            "process.on('exit', () => { process.stdout.write(lines.join('\\n') + '\\n'); });\n"
            "setTimeout(() => {\n"
            "  out(\"a\");\n"
            "  spin(2.0);\n"
            "}, 5.0);\n"
            "{ let c = 0; const h = setInterval(() => {\n"
            "  setImmediate(() => {\n"
            "    out(\"b\");\n"
            "  });\n"
            "  if (++c === 2) clearInterval(h);\n"
            "}, 3.0); }\n"
            "require(\"fs\").read(fd, buf, 0, buf.length, 0, () => {\n"
            "  process.nextTick(() => {\n"
            "    queueMicrotask(() => {\n"
            "    });\n"
            "  });\n"
            "});\n");
  absl::StatusOr<Scenario> net = ParseScenario(Main(R"([{"net": 5}])"));
  EXPECT_EQ(ScenarioToNodeJs(*net).status().message(), "a net op has no exact Node.js equivalent");
}

TEST(ScenarioTest, FileAndTcpOps) {
  absl::StatusOr<Scenario> s = ParseScenario(Main(R"([
      {"writeFile": "/tmp/a", "data": "hi", "do": [
        {"readFile": "/tmp/a", "do": [{"log": "read $data"}], "error": [{"log": "$error"}]}]},
      {"stat": "/tmp/a", "do": [{"log": "$size"}]},
      {"unlink": "/tmp/a"},
      {"listen": 0, "connection": [{"onData": [{"write": "$data"}]}, {"closeServer": true}],
       "do": [{"connect": "$port", "do": [{"write": "ping"}, {"end": true},
                                          {"onData": [{"log": "got $data"}]},
                                          {"onClose": [{"log": "closed $error"}]}],
               "error": [{"log": "connect $error"}]}]}])"));
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->main.size(), 4u);
  EXPECT_EQ(s->main[0].kind, Op::Kind::kWriteFile);
  EXPECT_EQ(s->main[0].data, "hi");
  EXPECT_EQ(s->main[0].body[0].on_error[0].label, "$error");
  EXPECT_EQ(s->main[3].kind, Op::Kind::kListen);
  EXPECT_EQ(s->main[3].connection.size(), 2u);
  EXPECT_EQ(s->main[3].body[0].port, kPortOfServer);
  absl::StatusOr<Scenario> again = ParseScenario(ScenarioToJson(*s));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *s);
}

TEST(ScenarioTest, FileAndTcpOpsAreCheckedWhereTheyStand) {
  EXPECT_EQ(Error(Main(R"([{"write": "x"}])")),
            "main[0].write: a socket op belongs inside a connect's do or a listen's connection");
  EXPECT_EQ(Error(Main(R"([{"onData": []}])")),
            "main[0].onData: a socket op belongs inside a connect's do or a listen's connection");
  EXPECT_EQ(Error(Main(R"([{"closeServer": true}])")),
            "main[0].closeServer: closeServer belongs inside a listen's do or connection");
  EXPECT_EQ(Error(Main(R"([{"log": "$data"}])")),
            "main[0].log: $data is bound only inside onData or a readFile's do");
  EXPECT_EQ(Error(Main(R"([{"readFile": "f", "error": [{"log": "$data"}]}])")),
            "main[0].error[0].log: $data is bound only inside onData or a readFile's do");
  EXPECT_EQ(Error(Main(R"([{"connect": "$port"}])")),
            "main[0].connect: $port is bound only inside a listen's do or connection");
  EXPECT_EQ(Error(Main(R"([{"connect": 0}])")), "main[0].connect: expected an integer in [1, 65535]");
  EXPECT_EQ(Error(Main(R"([{"connect": "80"}])")),
            "main[0].connect: expected a port in [1, 65535] or \"$port\"");
  EXPECT_EQ(Error(Main(R"([{"listen": 70000}])")), "main[0].listen: expected an integer in [0, 65535]");
  EXPECT_EQ(Error(Main(R"([{"writeFile": "f"}])")), "main[0]: a writeFile op needs \"data\"");
  EXPECT_EQ(Error(Main(R"([{"readFile": 5}])")), "main[0].readFile: expected a string");
  EXPECT_EQ(Error(Main(R"([{"listen": 0, "connection": [{"end": false}]}])")),
            "main[0].connection[0].end: expected true");
  EXPECT_EQ(Error(Main(R"([{"stat": "f", "data": "x"}])")), "main[0]: unexpected key \"data\" in a stat op");
}

TEST(ScenarioTest, NodeProgramForFilesAndTcp) {
  absl::StatusOr<Scenario> s = ParseScenario(Main(R"([
      {"readFile": "/tmp/a", "do": [{"log": "read $data!"}], "error": [{"log": "$error"}]},
      {"listen": 0, "do": [{"connect": "$port", "do": [{"write": "p"}]}],
       "connection": [{"onData": [{"write": "$data"}]}, {"closeServer": true}]}])"));
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<std::string> js = ScenarioToNodeJs(*s);
  ASSERT_TRUE(js.ok()) << js.status();
  const std::string body = js->substr(js->find("require('fs').readFile"));
  EXPECT_EQ(body,
            "require('fs').readFile(\"/tmp/a\", 'latin1', (err, data) => {\n"
            "  if (err) {\n"
            "    const error = err.code;\n"
            "    out(String(error));\n"
            "  } else {\n"
            "    out(\"read \" + data + \"!\");\n"
            "  }\n"
            "});\n"
            "{\n"
            "  let port = 0;\n"
            "  const server = require('net').createServer((socket) => {\n"
            "    socket.on('error', (err) => { socket.twinloopError = err.code; });\n"
            "    socket.on('data', (data) => {\n"
            "      data = data.toString('latin1');\n"
            "      socket.write(String(data));\n"
            "    });\n"
            "    server.close();\n"
            "  });\n"
            "  server.on('error', (err) => {\n"
            "    const error = err.code;\n"
            "  });\n"
            "  server.listen(0, '127.0.0.1', () => {\n"
            "    port = server.address().port;\n"
            "    {\n"
            "      let connected = false;\n"
            "      const socket = require('net').connect(port, '127.0.0.1', () => {\n"
            "        connected = true;\n"
            "        socket.write(\"p\");\n"
            "      });\n"
            "      socket.on('error', (err) => {\n"
            "        socket.twinloopError = err.code;\n"
            "        if (!connected) {\n"
            "          const error = err.code;\n"
            "        }\n"
            "      });\n"
            "    }\n"
            "  });\n"
            "}\n");
}

}  // namespace
}  // namespace scenario
