// twinloop: run scenario files on the simulated platform.
//
//   twinloop run FILE.json [--trace=TRACE.jsonl] [--trace_chrome=F] [--svg=F] [--max_callbacks=N]
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
#include "absl/strings/str_split.h"
#include "cli/cli_flags.h"
#include "cli/command_line.h"
#include "cli/input_file.h"
#include "cli/interpreter.h"
#include "cli/metrics_json.h"
#include "cli/output_file.h"
#include "base/printable.h"
#include "cli/process_io.h"
#include "cli/real_runner.h"
#include "cli/recorded_run.h"
#include "cli/scenario.h"
#include "cli/sim_runner.h"
#include "cli/timeline_outputs.h"
#include "platform/replay/record.h"
#include "platform/trace.h"

namespace {

using scenario::Say;
using scenario::Shown;
using scenario::StdoutLines;
using scenario::kUsageText;
using scenario::ReserveStandardDescriptors;

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;
constexpr int kDiverged = 3;
constexpr int64_t kMaxInputBytesLimit = int64_t{1} << 30;


// Set by SIGINT/SIGTERM; the run stops at its next callback.
volatile sig_atomic_t g_signal = 0;

void OnSignal(int sig) { g_signal = sig; }

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
        args, {{"run", {"platform", "trace", "trace_chrome", "svg", "record", "max_callbacks",
                        "max_pending", "metrics", "max_input_bytes", "allow_special_files"}},
               {"replay", {"scenario", "trace", "trace_chrome", "svg", "max_callbacks",
                           "max_pending", "metrics",
                           "max_input_bytes", "allow_special_files"}},
               {"js", {"max_input_bytes", "allow_special_files"}}});
    if (!cl.ok()) return UsageError(std::string(cl.status().message()));
    if (cl->help) {
      stdout_->Write(kUsageText);
      return FinishStdout(kOk);
    }
    const std::vector<std::string>& pos = cl->positional;
    if (pos.empty()) return UsageError("a command is missing");
    if (pos[0] != "run" && pos[0] != "js" && pos[0] != "replay") {
      return UsageError(absl::StrCat("unknown command ", base::Quoted(pos[0])));
    }
    if (pos.size() != 2) {
      return UsageError(absl::StrCat("twinloop ", pos[0], " takes one ",
                                     pos[0] == "replay" ? "record" : "scenario", " file, got ",
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
      return UsageError(absl::StrCat("--platform must be sim or real, got ", base::Quoted(p)));
    }
    if (const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY"); cwd != nullptr && *cwd == '\0') {
      return UsageError(
          "BUILD_WORKING_DIRECTORY is set but empty, so relative paths have no base; unset "
          "it, or set it to the directory they are relative to");
    }
    if (pos[0] == "replay") return Replay(pos[1]);
    path_ = pos[1];
    keep_text_ = pos[0] == "run" && !absl::GetFlag(FLAGS_record).empty();
    if (!Load()) return kFailed;
    return pos[0] == "run" ? Run() : Js();
  }

 private:
  int UsageError(const std::string& message) {
    Say(absl::StrCat(base::Printable(message, base::kMessageChars),
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
    if (keep_text_) program_text_ = std::move(input_.text);
    input_.text.clear();
    input_.text.shrink_to_fit();
    return true;
  }

  // `twinloop replay REC`: the program is --scenario, or the one REC holds.
  int Replay(const std::string& record_path) {
    path_ = record_path;
    what_ = "record";
    absl::StatusOr<scenario::InputFile> in = scenario::ReadInputFile(
        UserPath(path_), {.max_bytes = static_cast<size_t>(platform_replay::kMaxRecordBytes),
                          .allow_special_files = absl::GetFlag(FLAGS_allow_special_files)});
    if (!in.ok()) {
      Say(absl::StrCat(Shown(path_), ": ", in.status().message()));
      return kFailed;
    }
    absl::StatusOr<platform_replay::RecordReader> reader =
        platform_replay::RecordReader::Open(std::move(in->text));
    if (!reader.ok()) {
      Say(absl::StrCat(Shown(path_), ": ", reader.status().message()));
      return kFailed;
    }
    input_ = *std::move(in);
    const platform_replay::RecordHeader& h = reader->header();
    if (const std::string other = absl::GetFlag(FLAGS_scenario); !other.empty()) {
      const std::string record = path_;
      path_ = other;
      keep_text_ = true;
      if (!Load()) return kFailed;
      if (platform_replay::ProgramHash(program_text_) != h.program_hash) {
        Say(absl::StrCat("replaying ", Shown(other), " against a record of another program (",
                         Shown(h.program_name), ")"));
      }
      path_ = record;
    } else {
      if (h.program.empty()) {
        Say(absl::StrCat(Shown(path_), ": the record holds no scenario (it was not made by "
                                       "`twinloop run`); give one with --scenario"));
        return kFailed;
      }
      absl::StatusOr<scenario::Scenario> s = scenario::ParseScenario(h.program);
      if (!s.ok()) {
        Say(absl::StrCat(Shown(path_), ": the scenario it holds: ", s.status().message()));
        return kFailed;
      }
      scenario_ = *std::move(s);
    }
    return Run(*std::move(reader));
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

  // An output file for --trace or --record; it must not be the input.
  std::unique_ptr<scenario::OutputFile> OpenOutput(const char* flag, const std::string& path,
                                                   int* code) {
    struct stat st;
    if (stat(UserPath(path).c_str(), &st) == 0 && st.st_dev == input_.device &&
        st.st_ino == input_.inode) {
      *code = UsageError(absl::StrCat("--", flag, "=", Shown(path), " is the ", what_,
                                      " itself; write the ", flag, " elsewhere"));
      return nullptr;
    }
    absl::StatusOr<std::unique_ptr<scenario::OutputFile>> f =
        scenario::OutputFile::Create(UserPath(path), path);
    if (!f.ok()) {
      Say(absl::StrCat("--", flag, ": ", f.status().message()));
      *code = kFailed;
      return nullptr;
    }
    return *std::move(f);
  }

  // `twinloop run`, and `twinloop replay` when `replay` holds the record.
  int Run(std::optional<platform_replay::RecordReader> replay = std::nullopt) {
    const std::string platform_name =
        replay ? replay->header().platform : absl::GetFlag(FLAGS_platform);
    const std::string trace_path = absl::GetFlag(FLAGS_trace);
    const std::string record_path = replay ? "" : absl::GetFlag(FLAGS_record);
    const std::string chrome_path = absl::GetFlag(FLAGS_trace_chrome);
    const std::string svg_path = absl::GetFlag(FLAGS_svg);
    {
      const std::pair<const char*, const std::string*> outputs[] = {
          {"trace", &trace_path}, {"record", &record_path},
          {"trace_chrome", &chrome_path}, {"svg", &svg_path}};
      for (size_t i = 0; i < std::size(outputs); ++i) {
        for (size_t j = i + 1; j < std::size(outputs); ++j) {
          if (!outputs[i].second->empty() && *outputs[i].second == *outputs[j].second) {
            return UsageError(absl::StrCat("--", outputs[i].first, " and --", outputs[j].first,
                                           " name the same file"));
          }
        }
      }
    }
    int code = kOk;
    std::unique_ptr<scenario::OutputFile> trace_file;
    std::unique_ptr<platform::JsonLinesTraceWriter> trace;
    if (!trace_path.empty()) {
      trace_file = OpenOutput("trace", trace_path, &code);
      if (trace_file == nullptr) return code;
      // A replay writes the recorded run's header, so its trace is the
      // recorded run's, byte for byte.
      nlohmann::ordered_json header;
      header["twinloop_trace"] = platform::kTraceVersion;
      header["platform"] = platform_name;
      header["cores"] = scenario_->config.cores;
      header["pool_size"] = scenario_->config.pool_size;
      header["seed"] = scenario_->config.seed;
      header["scenario"] = replay ? replay->header().program_name : path_;
      scenario::OutputFile* file = trace_file.get();
      trace = std::make_unique<platform::JsonLinesTraceWriter>(
          [file](const std::string& line) { file->Write(line); },
          header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    std::unique_ptr<scenario::OutputFile> record_file;
    std::unique_ptr<platform_replay::RecordWriter> record;
    if (!record_path.empty()) {
      record_file = OpenOutput("record", record_path, &code);
      if (record_file == nullptr) return code;
      scenario::OutputFile* file = record_file.get();
      record = std::make_unique<platform_replay::RecordWriter>(
          platform_replay::RecordHeader{.platform = platform_name,
                                        .cores = scenario_->config.cores,
                                        .pool_size = scenario_->config.pool_size,
                                        .seed = scenario_->config.seed,
                                        .program_hash = platform_replay::ProgramHash(program_text_),
                                        .program_name = path_,
                                        .program = program_text_},
          [file](std::string_view bytes) { file->Write(bytes); });
    }
    std::unique_ptr<scenario::OutputFile> chrome_file, svg_file;
    if (!chrome_path.empty()) {
      chrome_file = OpenOutput("trace_chrome", chrome_path, &code);
      if (chrome_file == nullptr) return code;
    }
    if (!svg_path.empty()) {
      svg_file = OpenOutput("svg", svg_path, &code);
      if (svg_file == nullptr) return code;
    }
    std::string program = replay ? replay->header().program_name : path_;
    program = program.substr(program.find_last_of('/') + 1);  // npos + 1 == 0
    scenario::TimelineOutputs pictures(
        std::move(chrome_file), std::move(svg_file),
        {.process = absl::StrCat("twinloop ", platform_name, replay ? " replay" : "", ": ",
                                 program),
         .title = absl::StrCat(program, replay ? " (replayed)" : "", ": ", platform_name, ", ",
                               scenario_->config.cores, " cores, a pool of ",
                               scenario_->config.pool_size),
         .time_unit = platform_name == "real" ? "ms" : "virtual ms"},
        scenario_->config.pool_size);
    // The trace file and the pictures see the same events.
    platform::TeeTraceSink both({trace.get(), pictures.sink()});
    platform::TraceSink* sink = trace.get();
    if (pictures.wanted()) sink = &both;
    auto abandon = [&] {
      if (trace_file != nullptr) trace_file->Abandon();
      if (record_file != nullptr) record_file->Abandon();
      pictures.Abandon();
    };

    struct sigaction sa {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    StdoutLines lines(stdout_.get(), /*round_to_us=*/platform_name == "real");
    runtime::LoopMetrics metrics;
    const bool want_metrics = absl::GetFlag(FLAGS_metrics);
    scenario::RunOptions options{
        .max_callbacks = absl::GetFlag(FLAGS_max_callbacks),
        .max_callbacks_name = "--max_callbacks",
        .max_pending = absl::GetFlag(FLAGS_max_pending),
        .max_pending_name = "--max_pending",
        .should_stop = [&]() -> absl::Status {
          if (g_signal != 0) {
            return absl::CancelledError(
                absl::StrCat("interrupted by ", g_signal == SIGINT ? "SIGINT" : "SIGTERM"));
          }
          if (!stdout_error_.ok()) return stdout_error_;
          if (!stdout_->status().ok()) return stdout_->status();
          if (trace_file != nullptr && !trace_file->status().ok()) return trace_file->status();
          if (record_file != nullptr && !record_file->status().ok()) return record_file->status();
          return absl::OkStatus();
        },
        .metrics = want_metrics ? &metrics : nullptr};
    const bool real = platform_name == "real";
    auto make = [&](platform::TraceSink* sink) {
      return real ? scenario::MakeRealPlatform(*scenario_, sink)
                  : scenario::MakeSimulatedPlatform(*scenario_, sink);
    };
    std::optional<platform_replay::Divergence> divergence;
    absl::Status run;
    if (replay) {
      run = scenario::RunReplayed(*scenario_, *std::move(replay), sink, &lines,
                                  std::move(options), &divergence);
    } else if (record != nullptr) {
      run = scenario::RunRecorded(*scenario_, make, sink, record.get(), &lines,
                                  std::move(options));
      record->Finish();
    } else {
      absl::StatusOr<std::unique_ptr<platform::Platform>> p = make(sink);
      run = p.ok() ? scenario::RunScenario(*scenario_, **p, &lines, std::move(options)) : p.status();
    }

    code = FinishStdout(kOk);
    // After stdout is flushed, so that a terminal shows them in order.
    if (want_metrics) {
      const std::string text = scenario::MetricsJson(metrics) + "\n";
      if (fwrite(text.data(), 1, text.size(), stderr) == text.size()) fflush(stderr);
    }
    if (g_signal != 0) {
      abandon();
      Say(absl::StrCat(Shown(path_), ": ", run.message(), "; the output so far was flushed"));
      const int sig = g_signal;
      signal(sig, SIG_DFL);
      raise(sig);
      return 128 + sig;
    }
    if (code != kOk) {  // stdout failed: said already
      abandon();
      return code;
    }
    if (divergence) {
      abandon();
      std::vector<std::string> report = absl::StrSplit(divergence->Report(), '\n');
      Say(absl::StrCat(Shown(path_), ": ", report[0]));
      for (size_t i = 1; i < report.size(); ++i) {
        Say(base::Printable(report[i], 2 * base::kMessageChars));
      }
      return kDiverged;
    }
    // A record of a failed run is kept: it is what a replay is for.
    if (record_file != nullptr && (run.ok() || run != record_file->status())) {
      if (absl::Status s = record_file->Commit(); !s.ok()) {
        if (trace_file != nullptr) trace_file->Abandon();
        Say(absl::StrCat("--record: ", s.message()));
        return kFailed;
      }
    }
    if (!run.ok()) {
      abandon();
      // Errors of the outputs themselves name the output, not the run.
      if (trace_file != nullptr && run == trace_file->status()) {
        Say(absl::StrCat("--trace: ", run.message()));
      } else if (record_file != nullptr && run == record_file->status()) {
        Say(absl::StrCat("--record: ", run.message()));
      } else {
        Say(absl::StrCat(Shown(path_), ": run failed: ",
                         base::Printable(run.message(), base::kMessageChars)));
      }
      return kFailed;
    }
    if (trace_file != nullptr) {
      absl::Status s = trace_file->Commit();
      if (!s.ok()) {
        pictures.Abandon();
        Say(absl::StrCat("--trace: ", s.message()));
        return kFailed;
      }
    }
    if (absl::Status s = pictures.Commit(); !s.ok()) {
      Say(std::string(s.message()));
      return kFailed;
    }
    return kOk;
  }

  std::string path_;
  std::string what_ = "scenario file";  // what path_ is, for messages
  bool keep_text_ = false;              // Load keeps the text in program_text_
  std::string program_text_;
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
    Say(absl::StrCat("internal error: ", base::Printable(e.what(), base::kMessageChars)));
  } catch (...) {
    Say("internal error: an exception that is not a std::exception");
  }
  return kFailed;
}
