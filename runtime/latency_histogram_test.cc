#include "runtime/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace runtime {
namespace {

using base::Duration;

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.Percentile(99), Duration::Zero());
  EXPECT_EQ(h.max(), Duration::Zero());
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int ns = 0; ns < 16; ++ns) h.Record(Duration::Nanos(ns));
  EXPECT_EQ(h.Percentile(50), Duration::Nanos(7));  // rank 8 of 16
  EXPECT_EQ(h.Percentile(100), Duration::Nanos(15));
  EXPECT_EQ(h.Percentile(0), Duration::Zero());
}

TEST(LatencyHistogramTest, PercentilesAreClampedToTheMax) {
  // 98 zero waits and two of exactly 100 ms (the 5th and 6th signup).
  LatencyHistogram h;
  for (int i = 0; i < 98; ++i) h.Record(Duration::Zero());
  h.Record(Duration::Millis(100));
  h.Record(Duration::Millis(100));
  EXPECT_EQ(h.Percentile(50), Duration::Zero());
  EXPECT_EQ(h.Percentile(99), Duration::Millis(100));
  EXPECT_EQ(h.max(), Duration::Millis(100));
  EXPECT_EQ(h.count(), 100);
}

TEST(LatencyHistogramTest, BucketTopIsTheLastValueOfItsBucket) {
  // 100 ms = 100'000'000 ns: msb 26, buckets 2^22 wide; it lies in the one
  // covering [23 * 2^22, 24 * 2^22).
  EXPECT_EQ(LatencyHistogram::BucketTop(LatencyHistogram::BucketOf(100'000'000)),
            24 * (int64_t{1} << 22) - 1);
  EXPECT_EQ(LatencyHistogram::BucketOf(16), 16);
  EXPECT_EQ(LatencyHistogram::BucketTop(16), 16);
  EXPECT_EQ(LatencyHistogram::BucketOf(std::numeric_limits<int64_t>::max()),
            LatencyHistogram::kBuckets - 1);
  EXPECT_EQ(LatencyHistogram::BucketTop(LatencyHistogram::kBuckets - 1),
            std::numeric_limits<int64_t>::max());
}

TEST(LatencyHistogramTest, EveryValueIsWithinItsBucketAndBucketsAreContiguous) {
  for (int b = 1; b < LatencyHistogram::kBuckets; ++b) {
    const int64_t first = LatencyHistogram::BucketTop(b - 1) + 1;
    ASSERT_EQ(LatencyHistogram::BucketOf(first), b) << first;
    ASSERT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketTop(b)), b);
  }
}

TEST(LatencyHistogramTest, PercentileIsNeverBelowTheTruthAndAtMostOneSixteenthAbove) {
  std::mt19937_64 rng(42);
  std::vector<int64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 10'000; ++i) {
    const int64_t v = static_cast<int64_t>((rng() >> 1) >> (rng() % 60));
    values.push_back(v);
    h.Record(Duration::Nanos(v));
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 25.0, 50.0, 90.0, 99.0, 99.9}) {
    const int64_t truth = values[static_cast<size_t>(std::ceil(p / 100 * values.size())) - 1];
    const int64_t got = h.Percentile(p).nanos();
    EXPECT_GE(got, truth) << p;
    EXPECT_LE(static_cast<double>(got), static_cast<double>(truth) * (1 + 1.0 / 16) + 1) << p;
  }
  EXPECT_EQ(h.max().nanos(), values.back());
  EXPECT_EQ(h.count(), 10'000);
}

TEST(LatencyHistogramTest, NegativeDurationsCountAsZero) {
  LatencyHistogram h;
  h.Record(Duration::Nanos(-5));
  EXPECT_EQ(h.max(), Duration::Zero());
  EXPECT_EQ(h.count(), 1);
}

}  // namespace
}  // namespace runtime
