#include "platform/replay/record.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace platform_replay {
namespace {

// "twinloop-record\n": readable with `head -c 16`, and not valid JSON, so a
// trace or a scenario given by mistake is told apart at once.
constexpr absl::string_view kMagic = "twinloop-record\n";
constexpr uint8_t kEndMarker = 0;
constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

uint64_t Fnv(uint64_t h, absl::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

uint64_t Zig(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t Unzig(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// Differences of int64 values, computed without overflow (wrapping is
// undone by the reader's wrapping sum).
int64_t Delta(int64_t now, int64_t last) {
  return static_cast<int64_t>(static_cast<uint64_t>(now) - static_cast<uint64_t>(last));
}
int64_t Undelta(int64_t delta, int64_t last) {
  return static_cast<int64_t>(static_cast<uint64_t>(last) + static_cast<uint64_t>(delta));
}

// Thread names the platforms use are "loop" and "pool-N"; N, or -1 for
// any other name (kept whole in the record).
int64_t PoolThreadNumber(const std::string& thread) {
  if (thread.size() <= 5 || thread.size() > 9 || thread.compare(0, 5, "pool-") != 0 ||
      (thread[5] == '0' && thread.size() > 6)) {
    return -1;
  }
  int64_t n = 0;
  for (size_t i = 5; i < thread.size(); ++i) {
    if (thread[i] < '0' || thread[i] > '9') return -1;
    n = n * 10 + (thread[i] - '0');
  }
  return n;
}

class Cursor {
 public:
  Cursor(absl::string_view bytes, size_t pos) : bytes_(bytes), pos_(pos) {}
  size_t pos() const { return pos_; }
  bool ok() const { return error_.ok(); }
  const absl::Status& error() const { return error_; }
  size_t left() const { return bytes_.size() - pos_; }

  void Fail(absl::string_view what) {
    if (error_.ok()) {
      error_ = absl::DataLossError(absl::StrCat("the record is corrupt at byte ", pos_, ": ", what));
    }
  }
  uint8_t Byte() {
    if (!ok()) return 0;
    if (pos_ >= bytes_.size()) {
      Truncated();
      return 0;
    }
    return static_cast<uint8_t>(bytes_[pos_++]);
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && ok(); shift += 7) {
      const uint8_t b = Byte();
      if (shift == 63 && (b & 0x7e) != 0) {
        Fail("a number does not fit in 64 bits");
        return 0;
      }
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    Fail("a number does not fit in 64 bits");
    return 0;
  }
  int64_t Signed() { return Unzig(Varint()); }
  // A non-negative int64.
  int64_t Count(absl::string_view what, uint64_t max) {
    const uint64_t v = Varint();
    if (ok() && v > max) {
      Fail(absl::StrCat(what, " ", v, " is out of range (at most ", max, ")"));
      return 0;
    }
    return static_cast<int64_t>(v);
  }
  // A count of items of at least `item_bytes` each: more than the bytes
  // left can hold means the record was cut (or, for an absurd count, is
  // corrupt).
  int64_t Items(absl::string_view what, size_t item_bytes) {
    const uint64_t v = Varint();
    if (ok() && v > left() / item_bytes) {
      if (v <= (1u << 20)) {
        Truncated(what);
      } else {
        Fail(absl::StrCat(what, " ", v, " is more than the record can hold"));
      }
      return 0;
    }
    return static_cast<int64_t>(v);
  }
  std::string String(absl::string_view what) {
    const uint64_t n = Varint();
    if (!ok()) return {};
    if (n > left()) {
      Truncated(what);
      return {};
    }
    std::string s(bytes_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  uint64_t Fixed64() {
    uint64_t v = 0;
    for (int i = 0; i < 8 && ok(); ++i) v |= static_cast<uint64_t>(Byte()) << (8 * i);
    return v;
  }
  void Truncated(absl::string_view what = "") {
    if (error_.ok()) {
      error_ = absl::DataLossError(absl::StrCat(
          "the record is truncated at byte ", pos_, what.empty() ? "" : " (in ", what,
          what.empty() ? "" : ")", "; was the recording interrupted?"));
    }
  }

 private:
  absl::string_view bytes_;
  size_t pos_;
  absl::Status error_;
};

absl::Status StatusFrom(int64_t code, std::string message) {
  return absl::Status(static_cast<absl::StatusCode>(code), message);
}

bool ValidCode(uint64_t code) { return code <= 16; }

// Exact milliseconds: "1.234567 ms", "105 ms".
std::string MsText(int64_t ns) {
  const bool negative = ns < 0;
  const uint64_t abs_ns = negative ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  std::string out = absl::StrCat(negative ? "-" : "", abs_ns / 1'000'000);
  if (const uint64_t frac = abs_ns % 1'000'000; frac != 0) {
    std::string digits = absl::StrFormat("%06u", frac);
    digits.erase(digits.find_last_not_of('0') + 1);
    absl::StrAppend(&out, ".", digits);
  }
  return out + " ms";
}
std::string Ms(base::Duration d) { return MsText(d.nanos()); }
std::string At(base::Instant t) { return MsText(t.nanos()); }

const char* WorkKindName(platform::PoolWork::Kind k) {
  switch (k) {
    case platform::PoolWork::Kind::kCpu: return "cpu";
    case platform::PoolWork::Kind::kFastIo: return "fast-io";
    case platform::PoolWork::Kind::kSlowIo: return "slow-io";
  }
  return "?";
}

}  // namespace

uint64_t ProgramHash(std::string_view text) {
  return Fnv(kFnvOffset, absl::string_view(text.data(), text.size()));
}

std::string Input::Describe() const {
  switch (kind) {
    case Kind::kNow: return absl::StrCat("now() -> ", At(time));
    case Kind::kPoll: {
      std::vector<std::string> done;
      for (const platform::Completion& c : completions) {
        done.push_back(absl::StrCat("request ", c.token, " ",
                                    absl::StatusCodeToString(c.status.code()), " at ", At(c.time),
                                    c.deferred ? " (deferred)" : ""));
      }
      return absl::StrCat("poll(timeout ",
                          duration == platform::kWaitForever ? "forever" : Ms(duration), ") -> [",
                          absl::StrJoin(done, ", "), "]");
    }
    case Kind::kSubmit: {
      std::vector<std::string> segs;
      for (const platform::Segment& s : segments) {
        segs.push_back(absl::StrCat(s.kind == platform::Segment::Kind::kCpu ? "cpu " : "wait ",
                                    Ms(s.duration)));
      }
      return absl::StrCat("submit pool work ", token, " (", WorkKindName(work_kind), ": ",
                          absl::StrJoin(segs, ", "), ")");
    }
    case Kind::kNetwork:
      return absl::StrCat("start network round trip ", token, " of ", Ms(duration));
    case Kind::kIo:
      return absl::StrCat("submit pool I/O ", token, " (", io, ")");
    case Kind::kNet:
      return absl::StrCat("submit TCP ", token, " (", io, ")");
    case Kind::kCancel:
      return absl::StrCat("cancel request ", token, " -> ", absl::StatusCodeToString(status.code()));
    case Kind::kCpu:
      return absl::StrCat("compute ", Ms(duration), " on the loop thread -> ",
                          status.ok() ? At(time) : status.ToString());
    case Kind::kPoolStats:
      return absl::StrCat("pool stats -> queued ", stats.queued, ", busy ", stats.busy);
    case Kind::kEvent:
      return absl::StrCat("platform event ", platform::TraceEventName(event.event), " on ",
                          event.thread, " id ", event.id, " at ",
                          At(base::Instant::FromNanos(event.t_ns)));
  }
  return "?";
}

std::string Input::DescribeRequest() const {
  switch (kind) {
    case Kind::kNow: return "now()";
    case Kind::kPoll:
      return absl::StrCat("poll(timeout ",
                          duration == platform::kWaitForever ? "forever" : Ms(duration), ")");
    case Kind::kCancel: return absl::StrCat("cancel request ", token);
    case Kind::kCpu: return absl::StrCat("compute ", Ms(duration), " on the loop thread");
    case Kind::kPoolStats: return "pool stats";
    case Kind::kSubmit:
    case Kind::kNetwork:
    case Kind::kEvent:
    case Kind::kIo:
    case Kind::kNet:
      return Describe();
  }
  return "?";
}

bool SameRequest(const Input& r, const Input& a) {
  if (r.kind != a.kind) return false;
  switch (r.kind) {
    case Input::Kind::kPoll:
      return r.duration == a.duration;
    case Input::Kind::kSubmit: {
      if (r.token != a.token || r.work_kind != a.work_kind ||
          r.segments.size() != a.segments.size()) {
        return false;
      }
      for (size_t i = 0; i < r.segments.size(); ++i) {
        if (r.segments[i].kind != a.segments[i].kind ||
            r.segments[i].duration != a.segments[i].duration) {
          return false;
        }
      }
      return true;
    }
    case Input::Kind::kNetwork:
      return r.token == a.token && r.duration == a.duration;
    case Input::Kind::kIo:
    case Input::Kind::kNet:
      return r.token == a.token && r.io == a.io;
    case Input::Kind::kCancel:
      return r.token == a.token;
    case Input::Kind::kCpu:
      return r.duration == a.duration;
    case Input::Kind::kNow:
    case Input::Kind::kPoolStats:
    case Input::Kind::kEvent:
      return true;
  }
  return false;
}

// --- Writing -------------------------------------------------------------------

namespace record_internal {

// Writes an entry straight into the writer's block.
class Encoder {
 public:
  explicit Encoder(RecordWriter* w) : w_(w), p_(w->block_.get() + w->used_) {}
  ~Encoder() { Sync(); }
  void Byte(uint8_t b) {
    Room(1);
    *p_++ = static_cast<char>(b);
  }
  void Varint(uint64_t v) {
    Room(10);
    while (v >= 0x80) {
      *p_++ = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    *p_++ = static_cast<char>(v);
  }
  void Fixed64(uint64_t v) {
    Room(8);
    for (int i = 0; i < 8; ++i) *p_++ = static_cast<char>((v >> (8 * i)) & 0xff);
  }
  void String(absl::string_view s) {
    Varint(s.size());
    Raw(s);
  }
  // Bytes without a length.
  void Raw(absl::string_view s) {
    if (s.empty()) return;  // the usual case: no data, no message
    if (s.size() <= 256) {
      Room(s.size());
      std::memcpy(p_, s.data(), s.size());
      p_ += s.size();
      return;
    }
    Sync();
    w_->Flush();
    w_->WriteRaw(std::string_view(s.data(), s.size()));
    p_ = w_->block_.get();
  }

 private:
  void Sync() { w_->used_ = static_cast<size_t>(p_ - w_->block_.get()); }
  void Room(size_t n) {
    if (p_ + n > w_->block_.get() + RecordWriter::kBlockBytes) {
      Sync();
      w_->Flush();
      p_ = w_->block_.get();
    }
  }
  RecordWriter* w_;
  char* p_;
};

}  // namespace record_internal

using record_internal::Encoder;

RecordWriter::RecordWriter(const RecordHeader& header, std::function<void(std::string_view)> write)
    : write_(std::move(write)), block_(new char[kBlockBytes]), hash_(kFnvOffset) {
  Encoder e(this);
  e.Raw(kMagic);
  e.Varint(kRecordVersion);
  e.String(header.platform);
  e.Varint(static_cast<uint64_t>(header.cores));
  e.Varint(static_cast<uint64_t>(header.pool_size));
  e.Varint(header.seed);
  e.Fixed64(header.program_hash);
  e.String(header.program_name);
  e.String(header.program);
}

void RecordWriter::PutTime(Encoder& e, base::Instant t) {
  e.Varint(Zig(Delta(t.nanos(), last_time_.nanos())));
  last_time_ = t;
}

void RecordWriter::PutToken(Encoder& e, uint64_t t) {
  e.Varint(Zig(Delta(static_cast<int64_t>(t), static_cast<int64_t>(last_token_))));
  last_token_ = t;
}

void RecordWriter::AppendPoll(base::Duration timeout, const platform::Completion* done, size_t n) {
  if (finished_) return;
  ++inputs_;
  {
    Encoder e(this);
    e.Byte(static_cast<uint8_t>(Input::Kind::kPoll));
    e.Varint(timeout == platform::kWaitForever
                 ? 0
                 : 1 + static_cast<uint64_t>(std::max<int64_t>(0, timeout.nanos())));
    e.Varint(n);
    for (size_t i = 0; i < n; ++i) {
      const platform::Completion& c = done[i];
      PutToken(e, c.token);
      e.Varint((static_cast<uint64_t>(c.status.code()) << 1) | (c.deferred ? 1 : 0));
      if (!c.status.ok()) e.String(c.status.message());
      e.Varint(Zig(c.result.value));
      e.String(c.result.data);
      PutTime(e, c.time);
      e.Varint(Zig(c.queue_wait.nanos()));
    }
  }
  if (used_ >= kFlushBytes) Flush();
}

void RecordWriter::AppendSubmit(uint64_t token, platform::PoolWork::Kind kind,
                                const platform::Segments& segments) {
  if (finished_) return;
  ++inputs_;
  {
    Encoder e(this);
    e.Byte(static_cast<uint8_t>(Input::Kind::kSubmit));
    PutToken(e, token);
    e.Byte(static_cast<uint8_t>(kind));
    e.Varint(segments.size());
    for (const platform::Segment& s : segments) {
      e.Byte(static_cast<uint8_t>(s.kind));
      e.Varint(Zig(s.duration.nanos()));
    }
  }
  if (used_ >= kFlushBytes) Flush();
}

void RecordWriter::AppendNow(base::Instant t) {
  if (finished_) return;
  ++inputs_;
  {
    Encoder e(this);
    e.Byte(static_cast<uint8_t>(Input::Kind::kNow));
    PutTime(e, t);
  }
  if (used_ >= kFlushBytes) Flush();
}

void RecordWriter::Append(const Input& in) {
  if (in.kind == Input::Kind::kNow) {
    AppendNow(in.time);
    return;
  }
  if (in.kind == Input::Kind::kPoll) {
    AppendPoll(in.duration, in.completions.data(), in.completions.size());
    return;
  }
  if (in.kind == Input::Kind::kSubmit) {
    AppendSubmit(in.token, in.work_kind, in.segments);
    return;
  }
  if (finished_) return;
  ++inputs_;
  {
    Encoder e(this);
    e.Byte(static_cast<uint8_t>(in.kind));
    auto status = [&](const absl::Status& s) {
      e.Varint(static_cast<uint64_t>(s.code()));
      if (!s.ok()) e.String(s.message());
    };
    switch (in.kind) {
      case Input::Kind::kNow:
        PutTime(e, in.time);
        break;
      case Input::Kind::kPoll:
      case Input::Kind::kSubmit:
        break;  // above
      case Input::Kind::kNetwork:
        PutToken(e, in.token);
        e.Varint(Zig(in.duration.nanos()));
        break;
      case Input::Kind::kIo:
      case Input::Kind::kNet:
        PutToken(e, in.token);
        e.String(in.io);
        break;
      case Input::Kind::kCancel:
        PutToken(e, in.token);
        status(in.status);
        break;
      case Input::Kind::kCpu:
        e.Varint(Zig(in.duration.nanos()));
        status(in.status);
        if (in.status.ok()) PutTime(e, in.time);
        break;
      case Input::Kind::kPoolStats:
        e.Varint(Zig(in.stats.queued));
        e.Varint(Zig(in.stats.busy));
        e.Varint(Zig(in.stats.max_queued));
        e.Varint(Zig(in.stats.max_busy));
        break;
      case Input::Kind::kEvent: {
        const platform::TraceEvent& ev = in.event;
        const uint8_t flags = (ev.phase.empty() ? 0 : 1) | (ev.kind.empty() ? 0 : 2) |
                              (ev.detail.empty() ? 0 : 4);
        e.Byte(static_cast<uint8_t>(static_cast<uint8_t>(ev.event) | (flags << 5)));
        const int64_t pool = PoolThreadNumber(ev.thread);
        if (ev.thread == "loop") {
          e.Varint(0);
        } else if (pool >= 0) {
          e.Varint(2 + static_cast<uint64_t>(pool));
        } else {
          e.Varint(1);
          e.String(ev.thread);
        }
        e.Varint(Zig(ev.id));
        PutTime(e, base::Instant::FromNanos(ev.t_ns));
        if (flags & 1) e.String(ev.phase);
        if (flags & 2) e.String(ev.kind);
        if (flags & 4) e.String(ev.detail);
        break;
      }
    }
  }
  if (used_ >= kFlushBytes) Flush();
}

void RecordWriter::Flush() {
  if (used_ == 0) return;
  const std::string_view bytes(block_.get(), used_);
  hash_ = Fnv(hash_, absl::string_view(bytes.data(), bytes.size()));
  bytes_ += static_cast<int64_t>(used_);
  write_(bytes);
  used_ = 0;
}

void RecordWriter::WriteRaw(std::string_view bytes) {
  hash_ = Fnv(hash_, absl::string_view(bytes.data(), bytes.size()));
  bytes_ += static_cast<int64_t>(bytes.size());
  write_(bytes);
}

void RecordWriter::Finish() {
  if (finished_) return;
  {
    Encoder e(this);
    e.Byte(kEndMarker);
    e.Varint(static_cast<uint64_t>(inputs_));
  }
  Flush();
  // The checksum covers every byte before it, so it goes out after them.
  char sum[8];
  for (int i = 0; i < 8; ++i) sum[i] = static_cast<char>((hash_ >> (8 * i)) & 0xff);
  bytes_ += 8;
  write_(std::string_view(sum, sizeof sum));
  finished_ = true;
}

// --- Reading -------------------------------------------------------------------

namespace {

// Decodes one input at `c` (the kind byte already read). Returns false with
// c's error set on bad bytes.
bool DecodeInput(Cursor& c, uint8_t kind_byte, Input& in, base::Instant& last_time,
                 uint64_t& last_token) {
  in = Input();
  if (kind_byte < static_cast<uint8_t>(Input::Kind::kNow) ||
      kind_byte > static_cast<uint8_t>(Input::Kind::kNet)) {
    c.Fail(absl::StrCat("unknown input kind ", kind_byte));
    return false;
  }
  in.kind = static_cast<Input::Kind>(kind_byte);
  auto in_range = [&](int64_t ns, const char* what) {
    if (c.ok() && (ns < 0 || ns > kMaxRecordedNanos)) {
      c.Fail(absl::StrCat(what, " ", ns, " ns is outside [0, 10^18] ns"));
    }
    return ns;
  };
  auto time = [&]() {
    last_time = base::Instant::FromNanos(
        in_range(Undelta(c.Signed(), last_time.nanos()), "a time of"));
    return last_time;
  };
  auto duration = [&](const char* what) { return base::Duration::Nanos(in_range(c.Signed(), what)); };
  auto token = [&]() {
    last_token = static_cast<uint64_t>(Undelta(c.Signed(), static_cast<int64_t>(last_token)));
    return last_token;
  };
  auto status = [&]() -> absl::Status {
    const uint64_t code = c.Varint();
    if (!c.ok()) return absl::OkStatus();
    if (!ValidCode(code)) {
      c.Fail(absl::StrCat("status code ", code, " is not one of absl's"));
      return absl::OkStatus();
    }
    if (code == 0) return absl::OkStatus();
    return StatusFrom(static_cast<int64_t>(code), c.String("a status message"));
  };
  switch (in.kind) {
    case Input::Kind::kNow:
      in.time = time();
      break;
    case Input::Kind::kPoll: {
      const uint64_t timeout = c.Varint();
      in.duration = timeout == 0 ? platform::kWaitForever
                                 : base::Duration::Nanos(in_range(
                                       static_cast<int64_t>((timeout - 1) & INT64_MAX), "a poll timeout of"));
      // Each completion takes at least 6 bytes: no count can pass what is left.
      const int64_t n = c.Items("a poll's completions", 6);
      for (int64_t i = 0; i < n && c.ok(); ++i) {
        platform::Completion& done = in.completions.emplace_back();
        done.token = token();
        const uint64_t flags = c.Varint();
        if (!ValidCode(flags >> 1)) {
          c.Fail(absl::StrCat("status code ", flags >> 1, " is not one of absl's"));
          return false;
        }
        if ((flags >> 1) != 0) done.status = StatusFrom(static_cast<int64_t>(flags >> 1), c.String("a status message"));
        done.deferred = (flags & 1) != 0;
        done.result.value = c.Signed();
        done.result.data = c.String("a completion's data");
        done.time = time();
        done.queue_wait = duration("a queue wait of");
      }
      break;
    }
    case Input::Kind::kSubmit: {
      in.token = token();
      const uint8_t k = c.Byte();
      if (c.ok() && k > static_cast<uint8_t>(platform::PoolWork::Kind::kSlowIo)) {
        c.Fail(absl::StrCat("unknown pool work kind ", k));
        return false;
      }
      in.work_kind = static_cast<platform::PoolWork::Kind>(k);
      const int64_t n = c.Items("a pool work's segments", 2);
      for (int64_t i = 0; i < n && c.ok(); ++i) {
        const uint8_t sk = c.Byte();
        if (c.ok() && sk > static_cast<uint8_t>(platform::Segment::Kind::kWait)) {
          c.Fail(absl::StrCat("unknown segment kind ", sk));
          return false;
        }
        in.segments.push_back({static_cast<platform::Segment::Kind>(sk), duration("a segment of")});
      }
      break;
    }
    case Input::Kind::kNetwork:
      in.token = token();
      in.duration = duration("a latency of");
      break;
    case Input::Kind::kIo:
      in.token = token();
      in.io = c.String("a pool I/O call");
      break;
    case Input::Kind::kNet:
      in.token = token();
      in.io = c.String("a TCP operation");
      break;
    case Input::Kind::kCancel:
      in.token = token();
      in.status = status();
      break;
    case Input::Kind::kCpu:
      in.duration = duration("a CPU duration of");
      in.status = status();
      if (c.ok() && in.status.ok()) in.time = time();
      break;
    case Input::Kind::kPoolStats:
      in.stats.queued = c.Signed();
      in.stats.busy = c.Signed();
      in.stats.max_queued = c.Signed();
      in.stats.max_busy = c.Signed();
      break;
    case Input::Kind::kEvent: {
      const uint8_t b = c.Byte();
      const uint8_t ev = b & 0x1f;
      if (c.ok() && ev > static_cast<uint8_t>(platform::TraceEventKind::kLoopClose)) {
        c.Fail(absl::StrCat("unknown trace event kind ", ev));
        return false;
      }
      in.event.event = static_cast<platform::TraceEventKind>(ev);
      const uint64_t thread = c.Varint();
      if (thread == 0) {
        in.event.thread = "loop";
      } else if (thread == 1) {
        in.event.thread = c.String("a thread name");
      } else {
        in.event.thread = absl::StrCat("pool-", thread - 2);
      }
      in.event.id = c.Signed();
      in.event.t_ns = time().nanos();
      if (b & 0x20) in.event.phase = c.String("an event's phase");
      if (b & 0x40) in.event.kind = c.String("an event's kind");
      if (b & 0x80) in.event.detail = c.String("an event's detail");
      break;
    }
  }
  return c.ok();
}

}  // namespace

absl::StatusOr<RecordReader> RecordReader::Open(std::string bytes) {
  if (bytes.empty()) return absl::InvalidArgumentError("the record is empty");
  if (static_cast<int64_t>(bytes.size()) > kMaxRecordBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the record is larger than ", kMaxRecordBytes, " bytes"));
  }
  if (absl::string_view(bytes).substr(0, kMagic.size()) != kMagic) {
    return absl::InvalidArgumentError(
        "not a twinloop record (it does not start with \"twinloop-record\")");
  }
  RecordReader r;
  r.bytes_ = std::move(bytes);
  Cursor c(r.bytes_, kMagic.size());
  const uint64_t version = c.Varint();
  if (c.ok() && version != kRecordVersion) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the record has format version ", version, "; this twinloop reads version ", kRecordVersion));
  }
  r.header_.platform = c.String("the header");
  r.header_.cores = static_cast<int>(c.Count("the core count", 1 << 20));
  r.header_.pool_size = static_cast<int>(c.Count("the pool size", 1 << 20));
  r.header_.seed = c.Varint();
  r.header_.program_hash = c.Fixed64();
  r.header_.program_name = c.String("the header");
  r.header_.program = c.String("the header");
  if (!c.ok()) return c.error();
  if (r.header_.platform != "sim" && r.header_.platform != "real") {
    return absl::DataLossError(absl::StrCat("the record is corrupt: its platform is not sim or real"));
  }
  r.body_ = c.pos();
  // The trailer's checksum covers every byte before it.
  if (r.bytes_.size() < r.body_ + 8) {
    c.Truncated("the trailer");
    return c.error();
  }
  // Validate every input once, so a bad record fails before anything runs.
  Input in;
  base::Instant last_time;
  uint64_t last_token = 0;
  int64_t n = 0;
  for (;;) {
    const uint8_t kind = c.Byte();
    if (!c.ok()) return c.error();
    if (kind == kEndMarker) break;
    if (!DecodeInput(c, kind, in, last_time, last_token)) return c.error();
    ++n;
  }
  const int64_t count = c.Count("the input count", UINT64_MAX >> 1);
  if (!c.ok()) return c.error();
  if (count != n) {
    return absl::DataLossError(absl::StrCat("the record is corrupt: its trailer counts ", count,
                                            " inputs, but it holds ", n));
  }
  const size_t sum_at = c.pos();
  const uint64_t sum = c.Fixed64();
  if (!c.ok()) return c.error();
  if (c.left() != 0) {
    return absl::DataLossError(absl::StrCat("the record is corrupt: ", c.left(),
                                            " bytes follow its end"));
  }
  if (sum != Fnv(kFnvOffset, absl::string_view(r.bytes_).substr(0, sum_at))) {
    return absl::DataLossError("the record is corrupt: its checksum does not match");
  }
  r.count_ = n;
  r.pos_ = r.body_;
  return r;
}

const Input* RecordReader::Peek() {
  if (peeked_) return &current_;
  if (index_ >= count_) return nullptr;
  Cursor c(bytes_, pos_);
  const uint8_t kind = c.Byte();
  const bool ok = DecodeInput(c, kind, current_, last_time_, last_token_);
  ABSL_RAW_CHECK(ok, "an input that Open validated failed to decode");
  pos_ = c.pos();
  peeked_ = true;
  return &current_;
}

const Input* RecordReader::Next() {
  const Input* in = Peek();
  if (in == nullptr) return nullptr;
  peeked_ = false;
  ++index_;
  return in;
}

}  // namespace platform_replay
