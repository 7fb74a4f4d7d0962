#include "platform/sim/simulated_platform.h"

#include <algorithm>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"

namespace platform_sim {

absl::StatusOr<std::unique_ptr<SimulatedPlatform>> SimulatedPlatform::Create(
    SimConfig config) {
  if (config.cores < 1 || config.cores > kMaxCores) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cores must be in [1, ", kMaxCores, "], got ", config.cores));
  }
  if (config.pool_size < 1 || config.pool_size > kMaxPoolSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "pool_size must be in [1, ", kMaxPoolSize, "], got ", config.pool_size));
  }
  if (config.idle_poll_cost < base::Duration::Zero()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "idle_poll_cost must be >= 0, got ", config.idle_poll_cost.nanos(), " ns"));
  }
  if (config.max_polls_per_instant < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_polls_per_instant must be >= 1, got ", config.max_polls_per_instant));
  }
  if (config.net_jitter < base::Duration::Zero()) {
    return absl::InvalidArgumentError(
        absl::StrCat("net_jitter must be >= 0, got ", config.net_jitter.nanos(), " ns"));
  }
  if (absl::Status s = SimulatedNetwork::Validate(config.network); !s.ok()) return s;
  if (config.dns_latency < base::Duration::Zero()) {
    return absl::InvalidArgumentError(
        absl::StrCat("dns_latency must be >= 0, got ", config.dns_latency.nanos(), " ns"));
  }
  // splitmix64 of the seed: the disk's draws are not the network's.
  uint64_t z = config.seed + 0x9e3779b97f4a7c15u;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  config.disk.seed = z ^ (z >> 31);
  absl::StatusOr<std::unique_ptr<SimulatedDisk>> disk = SimulatedDisk::Create(config.disk);
  if (!disk.ok()) return disk.status();
  return std::unique_ptr<SimulatedPlatform>(new SimulatedPlatform(config, *std::move(disk)));
}

SimulatedPlatform::SimulatedPlatform(SimConfig config, std::unique_ptr<SimulatedDisk> disk)
    : config_(std::move(config)),
      events_(&clock_),
      cpu_(&events_, config_.cores, [this](absl::Status s) { Fault(std::move(s)); }),
      pool_(&events_, &cpu_, config_.pool_size, config_.trace,
            [this](uint64_t token, absl::Status s, base::Duration queue_wait) {
              Complete(token, std::move(s), queue_wait);
            },
            [this](absl::Status s) { Fault(std::move(s)); }),
      latency_(config_.seed, config_.net_jitter),
      disk_(std::move(disk)),
      // The network draws from its own stream of the seed.
      tcp_(&events_, config_.network, config_.disk.seed ^ 0x6e6574776f726b00u,
           [this](uint64_t token, absl::Status s, int64_t value, std::string data) {
             CompleteNet(token, std::move(s), value, std::move(data));
           },
           [this](absl::Status s) { Fault(std::move(s)); }) {}

void SimulatedPlatform::CompleteNet(uint64_t token, absl::Status status, int64_t value,
                                    std::string data) {
  platform::Completion& c = ready_.emplace_back();
  c.token = token;
  c.status = std::move(status);
  c.result.value = value;
  c.result.data = std::move(data);
  c.time = clock_.Now();
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline void SimulatedPlatform::Complete(
    uint64_t token, absl::Status status, base::Duration queue_wait) {
  // In place: a Completion is big enough (it may carry data) that building
  // one and moving it in shows in the simulator's profile.
  platform::Completion& c = ready_.emplace_back();
  c.token = token;
  c.status = std::move(status);
  c.time = clock_.Now();
  c.queue_wait = queue_wait;
  if (!io_results_.empty()) {
    if (auto it = io_results_.find(token); it != io_results_.end()) {
      if (c.status.ok()) {
        c.status = std::move(it->second.status);
        c.result.value = it->second.value;
        c.result.data = std::move(it->second.data);
      }
      io_results_.erase(it);
    }
  }
}

void SimulatedPlatform::Fault(absl::Status status) {
  if (fault_.ok()) fault_ = std::move(status);
}

absl::Status SimulatedPlatform::Poll(base::Duration timeout,
                                     std::vector<platform::Completion>* out) {
  if (!fault_.ok()) return fault_;
  // Whatever is due at this instant has happened by now.
  events_.RunThrough(clock_.Now());
  if (!fault_.ok()) return fault_;
  if (waker_->Take()) timeout = base::Duration::Zero();
  if (ready_.empty() && timeout == base::Duration::Zero()) {
    if (config_.idle_poll_cost > base::Duration::Zero()) {
      absl::StatusOr<base::Instant> until =
          fakeclock::AddToTime(clock_.Now(), config_.idle_poll_cost, "an empty poll's cost");
      if (!until.ok()) return until.status();
      events_.RunThrough(*until);  // AddToTime checked it
      if (!fault_.ok()) return fault_;
    } else {
      if (clock_.Now() != spin_instant_) {
        spin_instant_ = clock_.Now();
        spins_ = 0;
      }
      if (++spins_ > config_.max_polls_per_instant) {
        const int64_t polls = spins_;
        spins_ = 0;  // the next Run starts afresh
        return absl::ResourceExhaustedError(absl::StrCat(
            "the loop polled ", polls, " times in a row at virtual time ", clock_.Now().nanos(),
            " ns without blocking and without receiving anything, so virtual time never "
            "advanced (an active idle handle, or a very long setImmediate chain?). Give "
            "the loop work that takes time, raise SimConfig::max_polls_per_instant, or "
            "set SimConfig::idle_poll_cost"));
      }
    }
  }
  if (ready_.empty() && timeout != base::Duration::Zero()) {
    const bool forever = timeout == platform::kWaitForever;
    // Past the limit, wait until the limit: an event before it still ends
    // the wait in time; reaching it is the error.
    base::Instant deadline = clock_.Now() + timeout;  // saturating
    const bool past_limit = !forever && deadline > fakeclock::kMaxVirtualTime;
    if (past_limit) deadline = fakeclock::kMaxVirtualTime;
    while (ready_.empty() && fault_.ok()) {
      std::optional<base::Instant> next = events_.NextTime();
      if (!next || (!forever && *next > deadline)) {
        if (forever) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the loop would wait forever: it polls with no timeout and "
              "nothing is scheduled, at virtual time ",
              clock_.Now().nanos(), " ns"));
        }
        if (past_limit) {
          Fault(fakeclock::TimeLimitError(
              absl::StrCat("a poll that waits ", timeout.nanos(), " ns")));
          break;
        }
        const absl::Status advanced = clock_.AdvanceTo(deadline);
        ABSL_RAW_CHECK(advanced.ok(), "a poll deadline is within the time limit");
        break;
      }
      // Run everything at that instant, so all its completions arrive together.
      events_.RunThrough(*next);
    }
    if (!fault_.ok()) return fault_;
  }
  if (!ready_.empty()) spins_ = 0;
  // Events run in time order, so ready_ is sorted by time; order ties by token.
  auto before = [](const platform::Completion& a, const platform::Completion& b) {
    return a.time != b.time ? a.time < b.time : a.token < b.token;
  };
  // Stable: a TCP read's chunks share a token and must keep their order.
  if (!std::is_sorted(ready_.begin(), ready_.end(), before)) {
    std::stable_sort(ready_.begin(), ready_.end(), before);
  }
  if (out->empty()) {
    out->swap(ready_);  // the loop's buffer becomes ours for next time
  } else {
    for (platform::Completion& c : ready_) out->push_back(std::move(c));
  }
  ready_.clear();
  return absl::OkStatus();
}

void SimulatedPlatform::SubmitWork(uint64_t token, platform::PoolWork&& work) {
  pool_.Submit(token, std::move(work));
}

void SimulatedPlatform::SubmitIo(uint64_t token, platform::PoolIo io) {
  platform::PoolWork work;
  work.kind = platform::IsSlowIo(io) ? platform::PoolWork::Kind::kSlowIo
                                     : platform::PoolWork::Kind::kFastIo;
  pool_.Submit(token, std::move(work), [this, token, io = std::move(io)] {
    SimulatedDisk::Result r = RunIo(io);
    const base::Duration cost = r.cost;
    io_results_[token] = std::move(r);
    return cost;
  });
}

SimulatedDisk::Result SimulatedPlatform::RunIo(const platform::PoolIo& io) {
  using Op = platform::PoolIo::Op;
  switch (io.op) {
    case Op::kOpen: return disk_->Open(io.path, io.flags);
    case Op::kRead: return disk_->Read(io.fd, io.offset, io.length);
    case Op::kWrite: return disk_->Write(io.fd, io.offset, io.data);
    case Op::kStat: return disk_->Stat(io.path);
    case Op::kFstat: return disk_->Fstat(io.fd);
    case Op::kClose: return disk_->Close(io.fd);
    case Op::kUnlink: return disk_->Unlink(io.path);
    case Op::kReadFile: return disk_->ReadFile(io.path);
    case Op::kWriteFile: return disk_->WriteFile(io.path, io.data);
    case Op::kLookup: {
      SimulatedDisk::Result r{.cost = config_.dns_latency};
      auto it = config_.hosts.find(io.path);
      if (it == config_.hosts.end()) {
        r.status = platform::ErrnoError("ENOTFOUND", "getaddrinfo", io.path);
      } else {
        r.data = it->second;
        r.value = it->second.find(':') == std::string::npos ? 4 : 6;
      }
      return r;
    }
  }
  return {.status = absl::InternalError("unknown pool I/O operation")};
}

void SimulatedPlatform::SubmitNet(uint64_t token, platform::NetOp&& op) {
  tcp_.Submit(token, std::move(op));
}

void SimulatedPlatform::StartNetwork(uint64_t token, platform::NetworkRoundTrip trip) {
  const base::Duration latency =
      latency_.Draw(std::max(trip.nominal_latency, base::Duration::Zero()));
  absl::StatusOr<fakeclock::EventId> id = events_.ScheduleAfter(latency, this, token);
  if (!id.ok()) {
    Fault(fakeclock::TimeLimitError(
        absl::StrCat("network request ", token, " with a latency of ", latency.nanos(), " ns")));
    return;
  }
  network_.Add(token, *id);
}

void SimulatedPlatform::OnEvent(uint64_t token) {
  network_.Take(token);
  Trace(platform::TraceEventKind::kIoComplete, token);
  Complete(token, absl::OkStatus());
}

absl::Status SimulatedPlatform::Cancel(uint64_t token) {
  if (absl::Status s = tcp_.Cancel(token); !absl::IsNotFound(s)) return s;
  if (std::optional<fakeclock::EventId> event = network_.Take(token)) {
    events_.Cancel(*event);
    Trace(platform::TraceEventKind::kIoCancel, token);
    Complete(token, absl::CancelledError("network round trip cancelled"));
    return absl::OkStatus();
  }
  return pool_.Cancel(token);
}

void SimulatedPlatform::Trace(platform::TraceEventKind event, uint64_t token) {
  if (config_.trace == nullptr) return;
  config_.trace->Record({.t_ns = clock_.Now().nanos(),
                         .thread = "net",
                         .event = event,
                         .id = static_cast<int64_t>(token)});
}

absl::StatusOr<base::Instant> SimulatedPlatform::ConsumeCpu(base::Duration duration) {
  if (!fault_.ok()) return fault_;
  if (duration <= base::Duration::Zero()) return clock_.Now();
  const uint64_t tag = ++loop_cpu_.last_tag;
  absl::Status started = cpu_.Start(duration, &loop_cpu_, tag);
  if (!started.ok()) {
    return fakeclock::TimeLimitError(
        absl::StrCat("the loop thread's CPU work of ", duration.nanos(), " ns"));
  }
  // Time passes while the loop thread computes: pool work progresses and
  // completions pile up for the next poll.
  while (!loop_cpu_.TakeFinished(tag) && fault_.ok() && events_.RunNext()) {
  }
  if (!fault_.ok()) return fault_;
  return clock_.Now();
}

}  // namespace platform_sim
