// A real scheduling bug, and how record and replay pin it down
// (docs/replay.md walks through it).
//
// A handler asks a backend for three things at once and assumes the answers
// come back in the order it asked. Each request is a pool task (a few
// milliseconds of I/O, then a little CPU), so on the real platform the
// answers race: most runs pass, some print BUG. Record runs until one fails,
// replay that one as often as you like, then check a fix against it.
//
//   ./bazelw run //examples:out_of_order -- --runs=50 --record=/tmp/bug.rec
//   ./bazelw run //examples:out_of_order -- --replay=/tmp/bug.rec
//   ./bazelw run //examples:out_of_order -- --replay=/tmp/bug.rec --fix=match_ids
//   ./bazelw run //examples:out_of_order -- --replay=/tmp/bug.rec --fix=one_at_a_time
//
// Exit codes: 0 every run passed; 1 a run printed BUG; 2 bad usage or an
// unreadable record; 3 the replayed program asked for something the record
// does not hold (its report says what and where).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "examples/example_files.h"
#include "platform/real/real_platform.h"
#include "platform/replay/record.h"
#include "platform/replay/recording_platform.h"
#include "platform/replay/replay_platform.h"
#include "runtime/loop.h"

ABSL_FLAG(int, runs, 1, "runs on the real platform (1-1000); stops at the first that fails");
ABSL_FLAG(std::string, record, "", "record each run; the file keeps the last (the failing one)");
ABSL_FLAG(std::string, replay, "", "replay this record instead of running for real");
ABSL_FLAG(std::string, fix, "none",
          "none: the bug; match_ids: put each answer where its request was; one_at_a_time: "
          "ask again only once the previous answer came");

namespace {

constexpr int kRequests = 3;

// One run of the handler on `platform`. Returns false if the bug showed.
bool Handler(platform::Platform* platform, const std::string& fix, std::string* out) {
  runtime::Loop loop(platform);
  const base::Instant start = loop.HrTime().value();
  auto at = [&] { return absl::StrFormat("%8.3f ms", (loop.HrTime().value() - start).millis()); };
  std::vector<int> answers;                 // the bug: in the order they arrive
  std::vector<int> by_id(kRequests, -1);    // the match_ids fix
  std::function<void(int)> ask = [&](int id) {
    platform::PoolWork work;
    work.kind = platform::PoolWork::Kind::kFastIo;
    // The backend takes about 4 ms of I/O (a little more for later items),
    // then 0.3 ms of CPU to serialise.
    work.segments = {{platform::Segment::Kind::kWait, base::Duration::Micros(4000 + 1000 * id)},
                     {platform::Segment::Kind::kCpu, base::Duration::Micros(300)}};
    absl::StrAppend(out, at(), "  ask for item ", id, "\n");
    loop.QueueWork(std::move(work), [&, id](absl::Status s) {
          if (!s.ok()) throw std::runtime_error(std::string(s.message()));
          absl::StrAppend(out, at(), "  answer for item ", id, "\n");
          answers.push_back(id);
          by_id[id] = id;
          if (fix == "one_at_a_time" && id + 1 < kRequests) ask(id + 1);
        }).value();
  };
  loop.RunScript([&] {
        if (fix == "one_at_a_time") {
          ask(0);
        } else {
          for (int id = 0; id < kRequests; ++id) ask(id);
        }
      }).IgnoreError();
  const absl::StatusOr<bool> run = loop.Run();
  if (!run.ok()) {
    absl::StrAppend(out, "run failed: ", run.status().message(), "\n");
    return false;
  }
  const std::vector<int>& used = fix == "match_ids" ? by_id : answers;
  for (int i = 0; i < kRequests; ++i) {
    if (used[i] != i) {
      absl::StrAppend(out, "BUG: slot ", i, " holds the answer for item ", used[i], "\n");
      return false;
    }
  }
  absl::StrAppend(out, "OK: every answer is in its slot\n");
  return true;
}

using examples::UserPath;

int Replay(const std::string& path, const std::string& fix) {
  std::ifstream in(UserPath(path), std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!in) {
    std::cerr << "out_of_order: cannot read " << path << "\n";
    return 2;
  }
  absl::StatusOr<platform_replay::RecordReader> reader =
      platform_replay::RecordReader::Open(bytes.str());
  if (!reader.ok()) {
    std::cerr << "out_of_order: " << path << ": " << reader.status().message() << "\n";
    return 2;
  }
  platform_replay::ReplayPlatform replay(*std::move(reader), nullptr);
  std::string out;
  const bool ok = Handler(&replay, fix, &out);
  replay.Finish();
  std::cout << out;
  if (replay.divergence()) {
    std::cerr << replay.divergence()->Report() << "\n";
    return 3;
  }
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("a scheduling bug found on real threads, pinned down by replay");
  absl::ParseCommandLine(argc, argv);
  const std::string fix = absl::GetFlag(FLAGS_fix);
  if (fix != "none" && fix != "match_ids" && fix != "one_at_a_time") {
    std::cerr << "out_of_order: --fix must be none, match_ids or one_at_a_time\n";
    return 2;
  }
  if (const std::string r = absl::GetFlag(FLAGS_replay); !r.empty()) return Replay(r, fix);
  const int runs = absl::GetFlag(FLAGS_runs);
  if (runs < 1 || runs > 1000) {
    std::cerr << "out_of_order: --runs must be in [1, 1000]\n";
    return 2;
  }
  const std::string record_path = absl::GetFlag(FLAGS_record);
  for (int r = 1; r <= runs; ++r) {
    std::string record;
    platform_replay::RecordWriter writer({.platform = "real", .pool_size = 4},
                                         [&](std::string_view b) { record.append(b); });
    platform_replay::WriterSink sink(&writer);
    platform_replay::EventCapture capture(nullptr);
    auto real = platform_real::RealPlatform::Create({.pool_size = 4, .trace = &capture});
    if (!real.ok()) {
      std::cerr << "out_of_order: " << real.status().message() << "\n";
      return 2;
    }
    platform_replay::RecordingPlatform recording(real->get(), &sink, &capture, nullptr);
    std::string out;
    const bool ok = Handler(&recording, fix, &out);
    writer.Finish();
    if (!record_path.empty()) {
      std::ofstream f(UserPath(record_path), std::ios::binary | std::ios::trunc);
      f << record;
      if (!f) {
        std::cerr << "out_of_order: cannot write " << record_path << "\n";
        return 2;
      }
    }
    if (!ok) {
      std::cout << out << "run " << r << " of " << runs << " failed"
                << (record_path.empty() ? "" : "; its record is in " + record_path) << "\n";
      return 1;
    }
    if (runs == 1) std::cout << out;
  }
  std::cout << "all " << runs << " runs passed\n";
  return 0;
}
