#include "platform/replay/replay_platform.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"

namespace platform_replay {
namespace {

class NoopWaker : public platform::Waker {
 public:
  void Wake() override {}
};

}  // namespace

std::string Divergence::Report() const {
  std::string out = absl::StrCat("replay diverged at input #", index, "\n  recorded: ", recorded,
                                 "\n  program:  ", program);
  if (!context.empty()) {
    absl::StrAppend(&out, "\n  before it:");
    for (size_t i = 0; i < context.size(); ++i) {
      absl::StrAppend(&out, "\n    #", index - static_cast<int64_t>(context.size() - i), " ",
                      context[i]);
    }
  }
  return out;
}

Divergence RecentInputs::At(int64_t index, std::string recorded, std::string program) const {
  Divergence d{.index = index, .recorded = std::move(recorded), .program = std::move(program)};
  for (size_t i = 0; i < size_; ++i) {
    d.context.push_back(ring_[(next_ + kSize - size_ + i) % kSize].Describe());
  }
  return d;
}

ReplayPlatform::ReplayPlatform(RecordReader reader, platform::TraceSink* trace)
    : reader_(std::move(reader)), trace_(trace), waker_(std::make_shared<NoopWaker>()) {}

void ReplayPlatform::EmitEvents() {
  if (divergence_) return;
  for (const Input* in = reader_.Peek();
       in != nullptr && (in->kind == Input::Kind::kEvent || in->kind == Input::Kind::kPoolStats);
       in = reader_.Peek()) {
    if (in->kind == Input::Kind::kPoolStats) {
      stats_ = in->stats;
    } else if (trace_ != nullptr) {
      trace_->Record(in->event);
    }
    recent_.Add(*in);
    reader_.Next();
  }
}

void ReplayPlatform::Diverge(std::string recorded, std::string program) {
  if (divergence_) return;
  divergence_ = recent_.At(reader_.index(), std::move(recorded), std::move(program));
}

absl::Status ReplayPlatform::DivergedError() const {
  return absl::AbortedError(absl::StrCat("replay diverged at input #", divergence_->index, ": ",
                                         divergence_->program, ", but the record holds ",
                                         divergence_->recorded));
}

const Input* ReplayPlatform::Match(const Input& asked) {
  if (divergence_) return nullptr;
  EmitEvents();
  const Input* next = reader_.Peek();
  if (next == nullptr) {
    Diverge("the end of the record", asked.DescribeRequest());
    return nullptr;
  }
  if (!SameRequest(*next, asked)) {
    Diverge(next->Describe(), asked.DescribeRequest());
    return nullptr;
  }
  recent_.Add(*next);
  return reader_.Next();
}

base::Instant ReplayPlatform::Now() {
  Input asked;
  asked.kind = Input::Kind::kNow;
  const Input* in = Match(asked);
  if (in != nullptr) last_time_ = in->time;
  return last_time_;  // after a divergence the clock stands still
}

absl::Status ReplayPlatform::Poll(base::Duration timeout, std::vector<platform::Completion>* out) {
  Input asked;
  asked.kind = Input::Kind::kPoll;
  asked.duration = timeout;
  const Input* in = Match(asked);
  if (in == nullptr) return DivergedError();
  for (const platform::Completion& c : in->completions) {
    // The body "runs on the pool thread" before its completion is seen.
    auto body = bodies_.find(c.token);
    if (body != bodies_.end()) {
      absl::AnyInvocable<void()> run = std::move(body->second);
      bodies_.erase(body);
      if (run && !absl::IsCancelled(c.status)) {
        try {
          run();
        } catch (...) {
          // The recorded status says what the body's failure was.
        }
      }
    }
    if (c.time > last_time_) last_time_ = c.time;
    out->push_back(c);
  }
  return absl::OkStatus();
}

void ReplayPlatform::SubmitWork(uint64_t token, platform::PoolWork&& work) {
  Input asked;
  asked.kind = Input::Kind::kSubmit;
  asked.token = token;
  asked.work_kind = work.kind;
  asked.segments = work.segments;
  if (Match(asked) != nullptr && work.body) bodies_[token] = std::move(work.body);
}

void ReplayPlatform::SubmitIo(uint64_t token, platform::PoolIo io) {
  // What the call gave is in its recorded completion; nothing runs here.
  Input asked;
  asked.kind = Input::Kind::kIo;
  asked.token = token;
  asked.io = platform::DescribePoolIo(io);
  Match(asked);
}

void ReplayPlatform::SubmitNet(uint64_t token, platform::NetOp&& op) {
  // What the peer sent, and when, is in the recorded completions.
  Input asked;
  asked.kind = Input::Kind::kNet;
  asked.token = token;
  asked.io = platform::DescribeNetOp(op);
  Match(asked);
}

void ReplayPlatform::StartNetwork(uint64_t token, platform::NetworkRoundTrip trip) {
  Input asked;
  asked.kind = Input::Kind::kNetwork;
  asked.token = token;
  asked.duration = trip.nominal_latency;
  Match(asked);
}

absl::Status ReplayPlatform::Cancel(uint64_t token) {
  Input asked;
  asked.kind = Input::Kind::kCancel;
  asked.token = token;
  const Input* in = Match(asked);
  if (in == nullptr) return DivergedError();
  if (in->status.ok()) bodies_.erase(token);
  return in->status;
}

absl::StatusOr<base::Instant> ReplayPlatform::ConsumeCpu(base::Duration duration) {
  Input asked;
  asked.kind = Input::Kind::kCpu;
  asked.duration = duration;
  const Input* in = Match(asked);
  if (in == nullptr) return DivergedError();
  if (!in->status.ok()) return in->status;
  last_time_ = in->time;
  return in->time;
}

platform::PoolStats ReplayPlatform::pool_stats() {
  // An observation, not a request: the latest statistics the record holds
  // up to here (the recorded run wrote them if it read them).
  EmitEvents();
  return stats_;
}

void ReplayPlatform::Finish() {
  EmitEvents();
  if (divergence_) return;
  const Input* next = reader_.Peek();
  if (next != nullptr) Diverge(next->Describe(), "nothing more (the program ended)");
}

}  // namespace platform_replay
