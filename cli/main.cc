// twinloop: run scenario files on the simulated platform.
//
//   twinloop run FILE.json [--trace=TRACE.jsonl] [--max_callbacks=N]
//   twinloop js FILE.json
//   twinloop --help
//
// FILE may be `-` for standard input. `run` prints one line per executed
// `log` op on stdout as the run goes, {"t": <virtual ms>, "log": "<label>"},
// and nothing else. `js` prints the same program for Node.js.
//
// Exit codes (cli/SCENARIOS.md): 0 ok; 1 the scenario or the run failed,
// including output that could not be written; 2 bad usage, including every
// flag error. On SIGINT or SIGTERM the output so far is flushed, then the
// process ends by that signal. No exception leaves main.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cli/command_line.h"
#include "cli/input_file.h"
#include "cli/interpreter.h"
#include "cli/metrics_json.h"
#include "cli/output_file.h"
#include "cli/printable.h"
#include "cli/real_runner.h"
#include "cli/scenario.h"
#include "cli/sim_runner.h"
#include "platform/trace.h"

ABSL_FLAG(std::string, platform, "sim",
          "where the run happens: sim (virtual time, deterministic) or real (this machine)");
ABSL_FLAG(std::string, trace, "",
          "write the run's trace (JSON lines, platform/TRACE.md) to this file; it appears "
          "only when the run succeeds");
ABSL_FLAG(int64_t, max_callbacks, scenario::kDefaultMaxCallbacks,
          "stop the run after this many callbacks (0: no limit)");
ABSL_FLAG(int64_t, max_pending, scenario::kDefaultMaxPending,
          "stop the run when more callbacks than this are pending at once (0: no limit)");
ABSL_FLAG(bool, metrics, false,
          "print the run's loop metrics (runtime/loop_metrics.h) as one JSON object on "
          "stderr when it ends");
ABSL_FLAG(int64_t, max_input_bytes, 8 << 20, "read at most this many bytes of scenario");
ABSL_FLAG(bool, allow_special_files, false,
          "read a scenario from a FIFO, device or socket, not only a regular file");

namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;
constexpr int64_t kMaxInputBytesLimit = int64_t{1} << 30;

constexpr char kUsageText[] =
    "usage: twinloop run FILE.json [--platform=sim|real] [--trace=TRACE.jsonl]\n"
    "                              [--max_callbacks=N] [--max_pending=N] [--metrics]\n"
    "       twinloop js FILE.json\n"
    "Runs a scenario on the simulated platform and prints its log lines as it goes,\n"
    "or prints the same program for Node.js. FILE may be - for standard input.\n"
    "\n"
    "flags:\n"
    "  --platform=sim|real      (run) sim: virtual time, the same every run (default);\n"
    "                           real: this machine, threads pinned to config.cores\n"
    "  --trace=FILE             (run) write the run's trace to FILE, which appears\n"
    "                           only when the run succeeds\n"
    "  --max_callbacks=N        (run) stop after N callbacks; 0: no limit\n"
    "                           (default 100000000)\n"
    "  --max_pending=N          (run) stop when more than N callbacks are pending at\n"
    "                           once; 0: no limit (default 1000000)\n"
    "  --metrics                (run) print the loop's metrics as one JSON object\n"
    "                           on stderr when the run ends\n"
    "  --max_input_bytes=N      read at most N bytes of scenario (default 8388608)\n"
    "  --allow_special_files    read a FIFO, device or socket, not only a regular file\n"
    "  --flagfile=FILE          read flags from FILE, one per line\n"
    "  --help                   print this and exit\n"
    "\n"
    "exit codes: 0 ok, 1 the scenario or the run failed, 2 bad usage.\n";

// Set by SIGINT/SIGTERM; the run stops at its next callback.
volatile sig_atomic_t g_signal = 0;

void OnSignal(int sig) { g_signal = sig; }

void Say(const std::string& line) {
  const std::string text = "twinloop: " + line + "\n";
  // Nothing more can be done if stderr is gone; the exit code still tells.
  if (fwrite(text.data(), 1, text.size(), stderr) != text.size()) return;
  fflush(stderr);
}

std::string Shown(const std::string& text) {
  return scenario::Printable(text, scenario::kMessageChars);
}

// Standard descriptors that are closed at start are reserved with
// /dev/null, so files opened later cannot take their numbers; writing to a
// closed stdout is still reported, as if it were closed.
bool ReserveStandardDescriptors() {
  bool stdout_closed = false;
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    if (fd == STDOUT_FILENO) stdout_closed = true;
    const int null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (null >= 0 && null != fd) {
      dup2(null, fd);
      close(null);
    }
  }
  return stdout_closed;
}

class StdoutLines : public scenario::LogSink {
 public:
  // Real time is shown to the microsecond: nanoseconds there are noise.
  StdoutLines(scenario::OutputFile* out, bool round_to_us) : out_(out), round_to_us_(round_to_us) {}
  void Write(const scenario::LogLine& line) override {
    scenario::LogLine shown = line;
    if (round_to_us_) {
      shown.t = base::Instant::FromNanos((line.t.nanos() + 500) / 1000 * 1000);
    }
    std::string text = scenario::FormatLogLine(shown);
    text += '\n';
    out_->Write(text);
  }

 private:
  scenario::OutputFile* out_;
  bool round_to_us_;
};

class Cli {
 public:
  int Main(int argc, char** argv) {
    const bool stdout_closed = ReserveStandardDescriptors();
    signal(SIGPIPE, SIG_IGN);  // a closed pipe is a write error, reported
    stdout_ = scenario::OutputFile::Stdout(isatty(STDOUT_FILENO) == 1);
    if (stdout_closed) {
      stdout_error_ = absl::FailedPreconditionError(
          "cannot write standard output: it is closed");
    }
    std::vector<std::string> args(argv + 1, argv + argc);
    absl::StatusOr<scenario::CommandLine> cl = scenario::ApplyCommandLine(
        args, {{"run", {"platform", "trace", "max_callbacks", "max_pending", "metrics",
                        "max_input_bytes", "allow_special_files"}},
               {"js", {"max_input_bytes", "allow_special_files"}}});
    if (!cl.ok()) return UsageError(std::string(cl.status().message()));
    if (cl->help) {
      stdout_->Write(kUsageText);
      return FinishStdout(kOk);
    }
    const std::vector<std::string>& pos = cl->positional;
    if (pos.empty()) return UsageError("a command is missing");
    if (pos[0] != "run" && pos[0] != "js") {
      return UsageError(absl::StrCat("unknown command ", scenario::Quoted(pos[0])));
    }
    if (pos.size() != 2) {
      return UsageError(absl::StrCat("twinloop ", pos[0], " takes one scenario file, got ",
                                     pos.size() - 1));
    }
    const int64_t max_input = absl::GetFlag(FLAGS_max_input_bytes);
    if (max_input < 1 || max_input > kMaxInputBytesLimit) {
      return UsageError(absl::StrCat("--max_input_bytes must be in [1, ", kMaxInputBytesLimit,
                                     "], got ", max_input));
    }
    for (const auto& [name, value] : {std::pair{"max_callbacks", absl::GetFlag(FLAGS_max_callbacks)},
                                      std::pair{"max_pending", absl::GetFlag(FLAGS_max_pending)}}) {
      if (value < 0) {
        return UsageError(absl::StrCat("--", name, " must be >= 0 (0: no limit), got ", value));
      }
    }
    if (const std::string p = absl::GetFlag(FLAGS_platform); p != "sim" && p != "real") {
      return UsageError(absl::StrCat("--platform must be sim or real, got ", scenario::Quoted(p)));
    }
    if (const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY"); cwd != nullptr && *cwd == '\0') {
      return UsageError(
          "BUILD_WORKING_DIRECTORY is set but empty, so relative paths have no base; unset "
          "it, or set it to the directory they are relative to");
    }
    path_ = pos[1];
    if (!Load()) return kFailed;
    return pos[0] == "run" ? Run() : Js();
  }

 private:
  int UsageError(const std::string& message) {
    Say(absl::StrCat(scenario::Printable(message, scenario::kMessageChars),
                     " (twinloop --help for usage)"));
    return kUsage;
  }

  // `bazel run` starts us in the runfiles tree; paths the user typed are
  // relative to where they typed them (BUILD_WORKING_DIRECTORY).
  static std::string UserPath(const std::string& path) {
    const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
    if (path.empty() || path[0] == '/' || path == "-" || cwd == nullptr) return path;
    return std::string(cwd) + "/" + path;
  }

  bool Load() {
    absl::StatusOr<scenario::InputFile> in = scenario::ReadInputFile(
        UserPath(path_), {.max_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_input_bytes)),
                          .allow_special_files = absl::GetFlag(FLAGS_allow_special_files)});
    if (!in.ok()) {
      Say(absl::StrCat(Shown(path_), ": ", in.status().message()));
      return false;
    }
    input_ = *std::move(in);
    absl::StatusOr<scenario::Scenario> s = scenario::ParseScenario(input_.text);
    if (!s.ok()) {
      Say(absl::StrCat(Shown(path_), ": ", s.status().message()));
      return false;
    }
    scenario_ = *std::move(s);
    input_.text.clear();
    input_.text.shrink_to_fit();
    return true;
  }

  // Flushes stdout; a write error turns `code` into a failure.
  int FinishStdout(int code) {
    absl::Status s = stdout_error_.ok() ? stdout_->Flush() : stdout_error_;
    if (!s.ok()) {
      Say(std::string(s.message()));
      return kFailed;
    }
    return code;
  }

  int Js() {
    absl::StatusOr<std::string> js = scenario::ScenarioToNodeJs(*scenario_);
    if (!js.ok()) {
      Say(absl::StrCat(Shown(path_), ": ", js.status().message()));
      return kFailed;
    }
    if (stdout_error_.ok()) stdout_->Write(*js);
    return FinishStdout(kOk);
  }

  int Run() {
    const std::string trace_path = absl::GetFlag(FLAGS_trace);
    std::unique_ptr<scenario::OutputFile> trace_file;
    std::unique_ptr<platform::JsonLinesTraceWriter> trace;
    if (!trace_path.empty()) {
      struct stat st;
      if (stat(UserPath(trace_path).c_str(), &st) == 0 && st.st_dev == input_.device &&
          st.st_ino == input_.inode) {
        return UsageError(absl::StrCat("--trace=", Shown(trace_path),
                                       " is the scenario file itself; write the trace elsewhere"));
      }
      absl::StatusOr<std::unique_ptr<scenario::OutputFile>> f =
          scenario::OutputFile::Create(UserPath(trace_path), trace_path);
      if (!f.ok()) {
        Say(absl::StrCat("--trace: ", f.status().message()));
        return kFailed;
      }
      trace_file = *std::move(f);
      nlohmann::ordered_json header;
      header["twinloop_trace"] = platform::kTraceVersion;
      header["platform"] = absl::GetFlag(FLAGS_platform);
      header["cores"] = scenario_->config.cores;
      header["pool_size"] = scenario_->config.pool_size;
      header["seed"] = scenario_->config.seed;
      header["scenario"] = path_;
      scenario::OutputFile* file = trace_file.get();
      trace = std::make_unique<platform::JsonLinesTraceWriter>(
          [file](const std::string& line) { file->Write(line); },
          header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }

    struct sigaction sa {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    const bool real = absl::GetFlag(FLAGS_platform) == "real";
    StdoutLines lines(stdout_.get(), /*round_to_us=*/real);
    scenario::OutputFile* trace_out = trace_file.get();
    using Runner = absl::Status (*)(const scenario::Scenario&, scenario::LogSink*,
                                    platform::TraceSink*, scenario::RunOptions);
    const Runner runner = real ? Runner{scenario::RunOnRealPlatform}
                               : Runner{scenario::RunOnSimulator};
    runtime::LoopMetrics metrics;
    const bool want_metrics = absl::GetFlag(FLAGS_metrics);
    const absl::Status run = runner(
        *scenario_, &lines, trace.get(),
        {.max_callbacks = absl::GetFlag(FLAGS_max_callbacks),
         .max_callbacks_name = "--max_callbacks",
         .max_pending = absl::GetFlag(FLAGS_max_pending),
         .max_pending_name = "--max_pending",
         .should_stop = [this, trace_out]() -> absl::Status {
           if (g_signal != 0) {
             return absl::CancelledError(
                 absl::StrCat("interrupted by ", g_signal == SIGINT ? "SIGINT" : "SIGTERM"));
           }
           if (!stdout_error_.ok()) return stdout_error_;
           if (!stdout_->status().ok()) return stdout_->status();
           if (trace_out != nullptr && !trace_out->status().ok()) return trace_out->status();
           return absl::OkStatus();
         },
         .metrics = want_metrics ? &metrics : nullptr});

    const int code = FinishStdout(kOk);
    // After stdout is flushed, so that a terminal shows them in order.
    if (want_metrics) {
      const std::string text = scenario::MetricsJson(metrics) + "\n";
      if (fwrite(text.data(), 1, text.size(), stderr) == text.size()) fflush(stderr);
    }
    if (g_signal != 0) {
      if (trace_file != nullptr) trace_file->Abandon();
      Say(absl::StrCat(Shown(path_), ": ", run.message(), "; the output so far was flushed"));
      const int sig = g_signal;
      signal(sig, SIG_DFL);
      raise(sig);
      return 128 + sig;
    }
    if (code != kOk) return code;  // stdout failed: said already
    if (!run.ok()) {
      if (trace_file != nullptr) trace_file->Abandon();
      // Errors of the outputs themselves name the output, not the run.
      if (trace_file != nullptr && run == trace_file->status()) {
        Say(absl::StrCat("--trace: ", run.message()));
      } else {
        Say(absl::StrCat(Shown(path_), ": run failed: ",
                         scenario::Printable(run.message(), scenario::kMessageChars)));
      }
      return kFailed;
    }
    if (trace_file != nullptr) {
      absl::Status s = trace_file->Commit();
      if (!s.ok()) {
        Say(absl::StrCat("--trace: ", s.message()));
        return kFailed;
      }
    }
    return kOk;
  }

  std::string path_;
  scenario::InputFile input_;
  std::optional<scenario::Scenario> scenario_;
  std::unique_ptr<scenario::OutputFile> stdout_;
  absl::Status stdout_error_;
};

}  // namespace

int main(int argc, char** argv) {
  try {
    Cli cli;
    return cli.Main(argc, argv);
  } catch (const std::exception& e) {
    Say(absl::StrCat("internal error: ", scenario::Printable(e.what(), scenario::kMessageChars)));
  } catch (...) {
    Say("internal error: an exception that is not a std::exception");
  }
  return kFailed;
}
