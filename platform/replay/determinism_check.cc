#include "platform/replay/determinism_check.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/replay/recording_platform.h"
#include "platform/replay/replay_platform.h"

namespace platform_replay {
namespace {

bool SameStatus(const absl::Status& a, const absl::Status& b) {
  return a.code() == b.code() && a.message() == b.message();
}

// Compares each input with the record's next one; keeps the first difference.
class CheckingSink : public InputSink {
 public:
  explicit CheckingSink(RecordReader reader) : reader_(std::move(reader)) {}
  void Append(const Input& in) override {
    if (divergence_) return;
    const Input* want = reader_.Peek();
    if (want == nullptr) {
      Diverge("the end of the first run", in.Describe());
      return;
    }
    if (!SameInput(*want, in)) {
      Diverge(want->Describe(), in.Describe());
      return;
    }
    recent_.Add(*want);
    reader_.Next();
  }
  void Finish() {
    if (divergence_) return;
    if (const Input* want = reader_.Peek(); want != nullptr) {
      Diverge(want->Describe(), "nothing more (the second run ended)");
    }
  }
  const std::optional<Divergence>& divergence() const { return divergence_; }

 private:
  void Diverge(std::string first, std::string second) {
    divergence_ = recent_.At(reader_.index(), std::move(first), std::move(second));
  }
  RecordReader reader_;
  std::optional<Divergence> divergence_;
  RecentInputs recent_;
};

// Runs `run` on a platform from `make`, wrapped to send inputs to `sink`;
// returns the run's own status (or make's error).
absl::StatusOr<absl::Status> RunInto(PlatformFactory make, Program run, InputSink* sink) {
  EventCapture capture(nullptr);
  absl::StatusOr<std::unique_ptr<platform::Platform>> p = make(&capture);
  if (!p.ok()) return p.status();
  RecordingPlatform recording(p->get(), sink, &capture, nullptr);
  return run(recording);
}

}  // namespace

bool SameInput(const Input& a, const Input& b) {
  if (!SameRequest(a, b)) return false;
  switch (a.kind) {
    case Input::Kind::kNow:
      return a.time == b.time;
    case Input::Kind::kPoll: {
      if (a.completions.size() != b.completions.size()) return false;
      for (size_t i = 0; i < a.completions.size(); ++i) {
        const platform::Completion& x = a.completions[i];
        const platform::Completion& y = b.completions[i];
        if (x.token != y.token || !SameStatus(x.status, y.status) ||
            x.result.value != y.result.value || x.result.data != y.result.data ||
            x.time != y.time || x.queue_wait != y.queue_wait || x.deferred != y.deferred) {
          return false;
        }
      }
      return true;
    }
    case Input::Kind::kCancel:
      return SameStatus(a.status, b.status);
    case Input::Kind::kCpu:
      return SameStatus(a.status, b.status) && (!a.status.ok() || a.time == b.time);
    case Input::Kind::kPoolStats:
      return a.stats.queued == b.stats.queued && a.stats.busy == b.stats.busy &&
             a.stats.max_queued == b.stats.max_queued && a.stats.max_busy == b.stats.max_busy;
    case Input::Kind::kEvent:
      return a.event == b.event;
    case Input::Kind::kSubmit:
    case Input::Kind::kNetwork:
    case Input::Kind::kIo:
    case Input::Kind::kNet:
      return true;
  }
  return false;
}

absl::Status CheckDeterminism(PlatformFactory make, Program run) {
  std::string bytes;
  RecordWriter writer({.platform = "sim"}, [&bytes](std::string_view b) { bytes.append(b); });
  WriterSink first(&writer);
  absl::StatusOr<absl::Status> first_status = RunInto(make, run, &first);
  if (!first_status.ok()) return first_status.status();
  writer.Finish();
  absl::StatusOr<RecordReader> reader = RecordReader::Open(std::move(bytes));
  if (!reader.ok()) return reader.status();
  CheckingSink second(*std::move(reader));
  absl::StatusOr<absl::Status> second_status = RunInto(make, run, &second);
  if (!second_status.ok()) return second_status.status();
  second.Finish();
  if (second.divergence()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the two runs differ: ", second.divergence()->Report()));
  }
  if (!SameStatus(*first_status, *second_status)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the two runs saw the same inputs but ended differently: ",
                     first_status->ToString(), " against ", second_status->ToString()));
  }
  return absl::OkStatus();
}

}  // namespace platform_replay
