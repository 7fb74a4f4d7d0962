// LatencyHistogram: a small fixed histogram of durations, for loop metrics
// (event-loop lag, pool queue wait), in the spirit of HdrHistogram and of
// Node's monitorEventLoopDelay.
//
// Durations below 16 ns get a bucket each; above, every power of two is
// split into 16 equal buckets, so a bucket is never wider than 1/16 of its
// values. 960 counters cover the whole int64 range, recording is a few
// instructions with no allocation, and memory stays fixed however long the
// run. Recording touches one counter and the maximum; count and max are
// exact; a percentile is the upper bound of the bucket holding it, clamped
// to the maximum, so it is never below the true value and at most 6.25%
// above it.
//
// Threading: a plain value; not synchronised.
#ifndef TWINLOOP_RUNTIME_LATENCY_HISTOGRAM_H_
#define TWINLOOP_RUNTIME_LATENCY_HISTOGRAM_H_

#include <array>
#include <cstdint>

#include "base/time_units.h"

namespace runtime {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 4;
  static constexpr int kSubBuckets = 1 << kSubBucketBits;
  static constexpr int kBuckets = kSubBuckets + (63 - kSubBucketBits) * kSubBuckets;

  // Negative durations count as zero.
  void Record(base::Duration d) {
    const int64_t ns = d.nanos() < 0 ? 0 : d.nanos();
    ++counts_[BucketOf(ns)];
    if (ns > max_ns_) max_ns_ = ns;
  }

  // Sums the buckets: for reports, not hot paths.
  int64_t count() const;
  base::Duration max() const { return base::Duration::Nanos(max_ns_); }
  // The value below which `percent` (0..100) of the recorded durations lie
  // (nearest rank), as described above; zero when nothing was recorded.
  base::Duration Percentile(double percent) const;

  static int BucketOf(int64_t ns) {
    if (ns < kSubBuckets) return static_cast<int>(ns);
    const int msb = 63 - __builtin_clzll(static_cast<uint64_t>(ns));
    const int shift = msb - kSubBucketBits;
    const int sub = static_cast<int>((ns >> shift) & (kSubBuckets - 1));
    return kSubBuckets + shift * kSubBuckets + sub;
  }
  // The largest value that falls in `bucket`.
  static int64_t BucketTop(int bucket);

 private:
  std::array<int64_t, kBuckets> counts_{};
  int64_t max_ns_ = 0;
};

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_LATENCY_HISTOGRAM_H_
