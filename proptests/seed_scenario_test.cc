// The scenario that defines twinloop: a 2-core machine, a pool of 4, password
// hashes of 100 ms of CPU, and network requests that hold no pool thread.
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "proptests/sim_harness.h"

namespace proptests {
namespace {

// Finish times (ms) of `n` concurrent hashes.
std::vector<double> Signups(int n, int cores = 2, int pool = 4) {
  SimHarness h({.cores = cores, .pool_size = pool});
  std::vector<double> done;
  EXPECT_TRUE(h.loop->RunScript([&] {
    for (int i = 0; i < n; ++i) {
      platform::PoolWork hash;
      hash.segments.push_back({platform::Segment::Kind::kCpu, 100 * kMs});
      ASSERT_TRUE(h.loop->QueueWork(std::move(hash), [&](absl::Status s) {
        ASSERT_TRUE(s.ok());
        done.push_back(h.loop->HrTime()->millis());
      }).ok());
    }
  }).ok());
  EXPECT_TRUE(h.loop->Run().ok());
  return done;
}

TEST(SeedScenarioTest, OneOrTwoSignupsFinishAt100) {
  EXPECT_EQ(Signups(1), (std::vector<double>{100}));
  EXPECT_EQ(Signups(2), (std::vector<double>{100, 100}));
}

TEST(SeedScenarioTest, FourShareTwoCoresAndFinishAt200) {
  EXPECT_EQ(Signups(4), (std::vector<double>{200, 200, 200, 200}));
}

TEST(SeedScenarioTest, SixFourAt200ThenTwoAt300) {
  EXPECT_EQ(Signups(6), (std::vector<double>{200, 200, 200, 200, 300, 300}));
}

TEST(SeedScenarioTest, EightFourAt200ThenFourAt400) {
  EXPECT_EQ(Signups(8), (std::vector<double>{200, 200, 200, 200, 400, 400, 400, 400}));
}

// Every one of `n` network requests of 50 ms finishes at exactly 50 ms.
void CheckNetwork(int n, int pool) {
  SimHarness h({.cores = 2, .pool_size = pool}, {}, /*traced=*/false);
  int finished = 0;
  RC_ASSERT(h.loop->RunScript([&] {
    for (int i = 0; i < n; ++i) {
      RC_ASSERT(h.loop->StartNetwork(50 * kMs, [&](absl::Status s) {
        RC_ASSERT(s.ok());
        RC_ASSERT(*h.loop->HrTime() == AtMs(50));
        ++finished;
      }).ok());
    }
  }).ok());
  RC_ASSERT(h.loop->Run().ok());
  RC_ASSERT(finished == n);
  RC_ASSERT(h.sim->Now() == AtMs(50));
}

TEST(SeedScenarioTest, TenThousandRequestsFinishAt50WhateverThePool) {
  CheckNetwork(10'000, 1);
  CheckNetwork(10'000, 4);
  CheckNetwork(10'000, 1024);
}

RC_GTEST_PROP(SeedScenarioProperty, NetworkRequestsAllFinishAtTheirLatency, ()) {
  // Mostly up to 1000 requests, sometimes up to 10,000, so 1000 cases stay
  // quick; the test above pins 10,000 exactly.
  const int n = *rc::gen::weightedOneOf<int>(
      {{9, rc::gen::inRange(1, 1001)}, {1, rc::gen::inRange(1, 10'001)}});
  const int pool = *rc::gen::inRange(1, 1025);
  CheckNetwork(n, pool);
}

}  // namespace
}  // namespace proptests
