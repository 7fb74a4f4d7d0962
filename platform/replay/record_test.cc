#include "platform/replay/record.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace platform_replay {
namespace {

using base::Duration;
using base::Instant;

RecordHeader Header() {
  return {.platform = "real", .cores = 2, .pool_size = 4, .seed = 7,
          .program_hash = ProgramHash("{}"), .program_name = "x.json", .program = "{}"};
}

std::vector<Input> SomeInputs() {
  std::vector<Input> v;
  Input now;
  now.kind = Input::Kind::kNow;
  now.time = Instant::FromNanos(1'234'567);
  v.push_back(now);
  Input submit;
  submit.kind = Input::Kind::kSubmit;
  submit.token = 3;
  submit.work_kind = platform::PoolWork::Kind::kSlowIo;
  submit.segments = {{platform::Segment::Kind::kCpu, Duration::Millis(100)},
                     {platform::Segment::Kind::kWait, Duration::Millis(5)}};
  v.push_back(submit);
  Input ev;
  ev.kind = Input::Kind::kEvent;
  ev.event = {.t_ns = 2'000'000, .thread = "pool-3", .event = platform::TraceEventKind::kPoolStart, .id = 3};
  v.push_back(ev);
  Input poll;
  poll.kind = Input::Kind::kPoll;
  poll.duration = platform::kWaitForever;
  platform::Completion c;
  c.token = 3;
  c.status = absl::InternalError("pool work threw: boom");
  c.result.value = -4;
  c.result.data = std::string("a\0b", 3);
  c.time = Instant::FromNanos(105'000'000);
  c.queue_wait = Duration::Micros(40);
  c.deferred = true;
  poll.completions.push_back(c);
  v.push_back(poll);
  Input cpu;
  cpu.kind = Input::Kind::kCpu;
  cpu.duration = Duration::Millis(3);
  cpu.time = Instant::FromNanos(108'000'000);
  v.push_back(cpu);
  Input cancel;
  cancel.kind = Input::Kind::kCancel;
  cancel.token = 1;
  cancel.status = absl::FailedPreconditionError("pool work 1 already started or finished");
  v.push_back(cancel);
  Input stats;
  stats.kind = Input::Kind::kPoolStats;
  stats.stats = {.queued = 1, .busy = 4, .max_queued = 2, .max_busy = 4};
  v.push_back(stats);
  Input net;
  net.kind = Input::Kind::kNetwork;
  net.token = 9;
  net.duration = Duration::Millis(50);
  v.push_back(net);
  return v;
}

std::string Encode(const std::vector<Input>& inputs) {
  std::string bytes;
  RecordWriter w(Header(), [&](std::string_view b) { bytes.append(b); });
  for (const Input& in : inputs) w.Append(in);
  w.Finish();
  EXPECT_EQ(w.bytes(), static_cast<int64_t>(bytes.size()));
  return bytes;
}

TEST(RecordTest, RoundTripsEveryKindOfInput) {
  const std::vector<Input> inputs = SomeInputs();
  absl::StatusOr<RecordReader> r = RecordReader::Open(Encode(inputs));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->header(), Header());
  ASSERT_EQ(r->size(), static_cast<int64_t>(inputs.size()));
  for (const Input& want : inputs) {
    const Input* got = r->Next();
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->Describe(), want.Describe());
    EXPECT_TRUE(SameRequest(*got, want)) << want.Describe();
  }
  EXPECT_EQ(r->Next(), nullptr);
  // The poll's completion in full.
  absl::StatusOr<RecordReader> again = RecordReader::Open(Encode(inputs));
  for (int i = 0; i < 3; ++i) again->Next();
  const Input* poll = again->Next();
  const platform::Completion& c = poll->completions.at(0);
  EXPECT_EQ(c.status, absl::InternalError("pool work threw: boom"));
  EXPECT_EQ(c.result.value, -4);
  EXPECT_EQ(c.result.data, std::string("a\0b", 3));
  EXPECT_EQ(c.time, Instant::FromNanos(105'000'000));
  EXPECT_EQ(c.queue_wait, Duration::Micros(40));
  EXPECT_TRUE(c.deferred);
  EXPECT_EQ(poll->duration, platform::kWaitForever);
}

TEST(RecordTest, DescribesInputsForReports) {
  const std::vector<Input> v = SomeInputs();
  EXPECT_EQ(v[0].Describe(), "now() -> 1.234567 ms");
  EXPECT_EQ(v[1].Describe(), "submit pool work 3 (slow-io: cpu 100 ms, wait 5 ms)");
  EXPECT_EQ(v[2].Describe(), "platform event pool_start on pool-3 id 3 at 2 ms");
  EXPECT_EQ(v[3].Describe(), "poll(timeout forever) -> [request 3 INTERNAL at 105 ms (deferred)]");
  EXPECT_EQ(v[4].Describe(), "compute 3 ms on the loop thread -> 108 ms");
  EXPECT_EQ(v[5].Describe(), "cancel request 1 -> FAILED_PRECONDITION");
  EXPECT_EQ(v[7].Describe(), "start network round trip 9 of 50 ms");
}

TEST(RecordTest, BadRecordsGetOneLineErrors) {
  const std::string good = Encode(SomeInputs());
  auto err = [](std::string bytes) {
    absl::StatusOr<RecordReader> r = RecordReader::Open(std::move(bytes));
    return r.ok() ? std::string("ok") : std::string(r.status().message());
  };
  EXPECT_EQ(err(""), "the record is empty");
  EXPECT_EQ(err("{\"version\": 1}"), "not a twinloop record (it does not start with \"twinloop-record\")");
  std::string v1 = good;
  v1[16] = 1;  // the core before version 2 read the clock before every waiting poll
  EXPECT_EQ(err(v1), "the record has format version 1; this twinloop reads version 2");
  std::string v3 = good;
  v3[16] = 3;
  EXPECT_EQ(err(v3), "the record has format version 3; this twinloop reads version 2");
  EXPECT_EQ(err(good.substr(0, good.size() - 20)).rfind("the record is truncated at byte ", 0), 0u);
  std::string flipped = good;
  flipped[flipped.size() - 12] ^= 0x01;
  const std::string e = err(flipped);
  EXPECT_TRUE(e.rfind("the record is corrupt", 0) == 0) << e;
  EXPECT_EQ(err(good + "x"), "the record is corrupt: 1 bytes follow its end");
  std::string sum = good;
  sum.back() ^= 0x01;
  EXPECT_EQ(err(sum), "the record is corrupt: its checksum does not match");
  EXPECT_EQ(err(good), "ok");
}

TEST(RecordTest, EveryTruncationAndEveryByteFlipIsRefusedOrReadable) {
  // No prefix of a record is a record, and no single corrupted byte passes
  // the checksum; none of them crashes the reader.
  const std::string good = Encode(SomeInputs());
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(RecordReader::Open(good.substr(0, n)).ok()) << n;
  }
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      EXPECT_FALSE(RecordReader::Open(bad).ok()) << i << ":" << bit;
    }
  }
}

TEST(RecordTest, InputsAreSmall) {
  // A poll-and-timer workload's common inputs: time reads, polls of one
  // completion, submissions of one segment, pool events.
  std::string bytes;
  RecordWriter w({.platform = "sim"}, [&](std::string_view b) { bytes.append(b); });
  const int64_t header = static_cast<int64_t>(bytes.size());
  for (int i = 0; i < 1000; ++i) {
    Input now;
    now.kind = Input::Kind::kNow;
    now.time = Instant::FromNanos(int64_t{i} * 1'000'000 + 12'345);
    w.Append(now);
    Input submit;
    submit.kind = Input::Kind::kSubmit;
    submit.token = static_cast<uint64_t>(i + 1);
    submit.segments = {{platform::Segment::Kind::kCpu, Duration::Millis(1)}};
    w.Append(submit);
    Input poll;
    poll.kind = Input::Kind::kPoll;
    poll.duration = Duration::Millis(1);
    platform::Completion c;
    c.token = static_cast<uint64_t>(i + 1);
    c.time = Instant::FromNanos(int64_t{i} * 1'000'000 + 500'000);
    poll.completions.push_back(c);
    w.Append(poll);
  }
  w.Finish();
  const double per_input = static_cast<double>(w.bytes() - header) / static_cast<double>(w.inputs());
  EXPECT_LT(per_input, 16.0);
}

}  // namespace
}  // namespace platform_replay
