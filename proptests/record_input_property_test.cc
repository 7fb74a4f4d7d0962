// Hostile records: random bytes, and valid records cut, flipped, spliced
// and grown, all go through the record invariants (record_invariants.h):
// a one-line refusal or a replay that ends, never a crash. The libFuzzer
// target record_fuzzer.cc checks the same invariants for longer in .ci/run.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "platform/replay/record.h"
#include "proptests/record_invariants.h"

namespace proptests {
namespace {

const std::string& Seed() {
  static const std::string* seed = new std::string(RecordOf(R"({"version": 1,
    "config": {"cores": 2, "pool_size": 2, "net_jitter_ms": 3},
    "main": [
      {"pool": {"cpu": 30}, "do": [{"log": "a"}, {"immediate": [{"log": "b"}]}]},
      {"pool": {"io": 10}, "do": [{"log": "c"}]},
      {"interval": 10, "times": 3, "do": [{"cpu": 4}, {"log": "d"}]},
      {"net": 25, "do": [{"nextTick": [{"log": "e"}]}]}]})"));
  return *seed;
}

TEST(RecordInputTest, TheSeedRecordReplaysCleanly) {
  EXPECT_TRUE(CheckRecordInvariants(Seed()).ok());
}

RC_GTEST_PROP(RecordInputProperty, RandomBytes, ()) {
  const auto bytes = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  const bool with_magic = *rc::gen::arbitrary<bool>();
  const std::string input = with_magic ? "twinloop-record\n" + bytes : bytes;
  const absl::Status s = CheckRecordInvariants(input);
  RC_ASSERT(s.ok());
}

RC_GTEST_PROP(RecordInputProperty, MutatedRecords, ()) {
  std::string r = Seed();
  const int edits = *rc::gen::inRange(1, 6);
  for (int i = 0; i < edits && !r.empty(); ++i) {
    const size_t at = *rc::gen::inRange<size_t>(0, r.size());
    switch (*rc::gen::inRange(0, 4)) {
      case 0:
        r[at] = *rc::gen::arbitrary<char>();
        break;
      case 1:
        r.erase(at, *rc::gen::inRange<size_t>(1, 16));
        break;
      case 2:
        r.insert(at, *rc::gen::container<std::string>(rc::gen::arbitrary<char>()));
        break;
      default:
        r.resize(at);
        break;
    }
  }
  RC_ASSERT(CheckRecordInvariants(r).ok());
}

// Well-formed records with hostile content: any inputs in any order, with
// any tokens, times, statuses and results, replayed against a scenario.
RC_GTEST_PROP(RecordInputProperty, AnyInputsReplayWithoutCrashing, ()) {
  using platform_replay::Input;
  std::string bytes;
  platform_replay::RecordWriter w(
      {.platform = *rc::gen::element<std::string>("sim", "real"),
       .program = *rc::gen::element<std::string>("", R"({"version": 1, "main": [{"pool": {"cpu": 5}}, {"timeout": 3}]})")},
      [&](std::string_view b) { bytes.append(b); });
  const int n = *rc::gen::inRange(0, 40);
  const auto ns = rc::gen::inRange<int64_t>(0, 1'000'000'000);
  for (int i = 0; i < n; ++i) {
    Input in;
    in.kind = static_cast<Input::Kind>(*rc::gen::inRange(1, 11));
    in.time = base::Instant::FromNanos(*ns);
    in.duration = base::Duration::Nanos(*ns);
    in.token = static_cast<uint64_t>(*rc::gen::inRange(0, 8));
    in.status = absl::Status(static_cast<absl::StatusCode>(*rc::gen::inRange(0, 17)),
                             *rc::gen::arbitrary<std::string>());
    if (in.kind == Input::Kind::kPoll) {
      const int k = *rc::gen::inRange(0, 4);
      for (int c = 0; c < k; ++c) {
        platform::Completion done;
        done.token = static_cast<uint64_t>(*rc::gen::inRange(0, 8));
        done.status = absl::Status(static_cast<absl::StatusCode>(*rc::gen::inRange(0, 17)), "x");
        done.time = base::Instant::FromNanos(*ns);
        done.deferred = *rc::gen::arbitrary<bool>();
        in.completions.push_back(done);
      }
    }
    if (in.kind == Input::Kind::kSubmit) {
      in.segments.push_back({platform::Segment::Kind::kCpu, base::Duration::Nanos(*ns)});
    }
    if (in.kind == Input::Kind::kIo || in.kind == Input::Kind::kNet) in.io = *rc::gen::arbitrary<std::string>();
    if (in.kind == Input::Kind::kEvent) {
      in.event = {.t_ns = *ns, .thread = *rc::gen::element<std::string>("loop", "pool-0", "x"),
                  .event = platform::TraceEventKind::kPoolStart, .id = *rc::gen::inRange(-1, 9)};
    }
    w.Append(in);
  }
  w.Finish();
  RC_ASSERT(CheckRecordInvariants(bytes).ok());
}

}  // namespace
}  // namespace proptests
