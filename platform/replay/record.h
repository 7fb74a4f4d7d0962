// Record: the nondeterministic inputs a loop core saw at the platform seam,
// and the binary format they are kept in (platform/RECORD.md).
//
// platform::Platform is the only way nondeterminism reaches the core, so
// what each call returned is enough to run the same program again exactly:
// every time read, what each poll returned and in what order, each
// completion's status and result, what Cancel and ConsumeCpu answered, the
// pool statistics read. The calls the program made (pool submissions,
// network round trips, poll timeouts, CPU durations) are kept too, so that a
// replay notices the first moment a program asks for something else. Events
// the platform itself traced (pool start and finish, with their thread) are
// kept so that a replay writes the same trace.
//
// RecordWriter encodes inputs as they happen; RecordReader validates a whole
// record, then hands the inputs back one at a time.
//
// Threading: plain objects; one thread at a time.
#ifndef TWINLOOP_PLATFORM_REPLAY_RECORD_H_
#define TWINLOOP_PLATFORM_REPLAY_RECORD_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/time_units.h"
#include "platform/platform.h"
#include "platform/trace.h"

namespace platform_replay {

inline constexpr int kRecordVersion = 2;
// Records larger than this are refused before they are read whole.
inline constexpr int64_t kMaxRecordBytes = int64_t{1} << 30;
// Every time and duration in a record lies in [0, kMaxRecordedNanos] (the
// simulator's virtual time limit, about 31.7 years), so a corrupt record
// cannot feed the loop times its arithmetic was never meant for.
inline constexpr int64_t kMaxRecordedNanos = 1'000'000'000'000'000'000;

struct RecordHeader {
  std::string platform;      // "sim" or "real"
  int cores = 0;
  int pool_size = 0;
  uint64_t seed = 0;
  uint64_t program_hash = 0;  // ProgramHash of the program's text
  std::string program_name;   // a file name, for messages
  std::string program;        // the scenario's text, when twinloop run wrote it

  bool operator==(const RecordHeader&) const = default;
};

// A stable 64-bit hash of a program's text (FNV-1a).
uint64_t ProgramHash(std::string_view text);

// One call at the seam: what the core asked, and what the platform answered.
struct Input {
  enum class Kind : uint8_t {
    kNow = 1,     // answer: time
    kPoll,        // asked: timeout; answer: completions
    kSubmit,      // asked: token, work kind, segments
    kNetwork,     // asked: token, nominal latency
    kCancel,      // asked: token; answer: status
    kCpu,         // asked: duration; answer: time, or status
    kPoolStats,   // answer: stats
    kEvent,       // an event the platform traced (not a call)
    kIo,          // asked: token, the pool I/O call (platform::DescribePoolIo)
    kNet,         // asked: token, the TCP operation (platform::DescribeNetOp)
  };
  Kind kind = Kind::kNow;
  base::Instant time;                          // kNow, kCpu
  base::Duration duration;                     // kPoll (timeout), kNetwork, kCpu
  uint64_t token = 0;                          // kSubmit, kNetwork, kCancel, kIo, kNet
  platform::PoolWork::Kind work_kind = platform::PoolWork::Kind::kCpu;  // kSubmit
  platform::Segments segments;                 // kSubmit
  std::vector<platform::Completion> completions;  // kPoll
  absl::Status status;                         // kCancel, kCpu
  platform::PoolStats stats;                   // kPoolStats
  platform::TraceEvent event;                  // kEvent
  std::string io;                              // kIo, kNet: the call, described

  // One line for reports: `poll(timeout 5 ms) -> [request 3 OK at 105 ms]`.
  std::string Describe() const;
  // What was asked only, for a call the program made that has no answer
  // yet: `now()`, `poll(timeout 5 ms)`.
  std::string DescribeRequest() const;
};

// Whether a replayed call asks for the same as the recorded one (the answers
// are not compared: they are the record's to give).
bool SameRequest(const Input& recorded, const Input& asked);

namespace record_internal {
class Encoder;
}  // namespace record_internal

class RecordWriter {
 public:
  // `write` receives the encoded bytes in chunks; the writer buffers.
  RecordWriter(const RecordHeader& header, std::function<void(std::string_view)> write);
  void Append(const Input& in);
  // The same as Append of a kPoll or kSubmit input, without building one
  // (the recording platform's hot paths).
  void AppendPoll(base::Duration timeout, const platform::Completion* done, size_t n);
  void AppendSubmit(uint64_t token, platform::PoolWork::Kind kind,
                    const platform::Segments& segments);
  void AppendNow(base::Instant t);
  // Writes the trailer (input count and checksum) and flushes. Appending
  // after Finish is an error the writer ignores.
  void Finish();
  int64_t inputs() const { return inputs_; }
  int64_t bytes() const { return bytes_; }

 private:
  friend class record_internal::Encoder;
  // Entries are encoded straight into a fixed block, written out (and
  // hashed) when it passes kFlushBytes; the slack above that holds any
  // entry's numbers, so the hot paths test for room once per number at most.
  static constexpr size_t kFlushBytes = 64 * 1024;
  static constexpr size_t kBlockBytes = kFlushBytes + 4 * 1024;
  void Flush();
  // Bytes that go out whole (the header, long strings), hashed on the way.
  void WriteRaw(std::string_view bytes);
  void PutTime(record_internal::Encoder& e, base::Instant t);
  void PutToken(record_internal::Encoder& e, uint64_t t);
  std::function<void(std::string_view)> write_;
  std::unique_ptr<char[]> block_;
  size_t used_ = 0;
  uint64_t hash_;
  int64_t inputs_ = 0;
  int64_t bytes_ = 0;
  bool finished_ = false;
  base::Instant last_time_;
  uint64_t last_token_ = 0;
};

class RecordReader {
 public:
  // Checks the whole record (magic, version, every input, the trailer and
  // its checksum) before anything runs. Errors are one line, naming the byte
  // offset where the record went wrong.
  static absl::StatusOr<RecordReader> Open(std::string bytes);

  const RecordHeader& header() const { return header_; }
  int64_t size() const { return count_; }
  // The next input, or nullptr at the end. Its index is index() before the
  // call.
  const Input* Next();
  int64_t index() const { return index_; }
  // The input Next would return, without taking it; nullptr at the end.
  const Input* Peek();

 private:
  RecordReader() = default;
  std::string bytes_;
  RecordHeader header_;
  size_t body_ = 0;   // offset of the first input
  size_t pos_ = 0;    // offset of the next undecoded input
  int64_t count_ = 0;
  int64_t index_ = 0;
  bool peeked_ = false;
  Input current_;
  base::Instant last_time_;
  uint64_t last_token_ = 0;
};

}  // namespace platform_replay

#endif  // TWINLOOP_PLATFORM_REPLAY_RECORD_H_
