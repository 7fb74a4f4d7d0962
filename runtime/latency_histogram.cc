#include "runtime/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace runtime {

int64_t LatencyHistogram::BucketTop(int bucket) {
  if (bucket < kSubBuckets) return bucket;
  const int shift = (bucket - kSubBuckets) / kSubBuckets;
  const int64_t sub = (bucket - kSubBuckets) % kSubBuckets;
  const int64_t low = (int64_t{kSubBuckets} + sub) << shift;
  const int64_t width = int64_t{1} << shift;
  // The last bucket ends at INT64_MAX; low + width would overflow there.
  return low > std::numeric_limits<int64_t>::max() - (width - 1) ? std::numeric_limits<int64_t>::max()
                                                                  : low + (width - 1);
}

int64_t LatencyHistogram::count() const {
  int64_t n = 0;
  for (int64_t c : counts_) n += c;
  return n;
}

base::Duration LatencyHistogram::Percentile(double percent) const {
  const int64_t n = count();
  if (n == 0) return base::Duration::Zero();
  if (percent >= 100) return max();
  // Nearest rank (at least 1): the smallest value with at least percent% at
  // or below it.
  const auto rank = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(percent / 100.0 * static_cast<double>(n))));
  int64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen >= rank) return base::Duration::Nanos(std::min(BucketTop(b), max_ns_));
  }
  return max();
}

}  // namespace runtime
