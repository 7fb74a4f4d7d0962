// RealSignups: the defining scenario on the machine. `n` signups are queued
// at once on a RealPlatform's pool; each hashes a password for real with a
// calibrated Pbkdf2Hasher on a pool thread. Used by //examples:signup
// --platform=real to hold the simulation's prediction against the machine.
//
// Threading: the calling thread runs the loop; hashes run on pool threads.
#ifndef TWINLOOP_EXAMPLES_REAL_SIGNUPS_H_
#define TWINLOOP_EXAMPLES_REAL_SIGNUPS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "examples/pbkdf2_hasher.h"
#include "platform/trace.h"

namespace examples {

// Each signup's finish time in wall milliseconds since they were queued,
// in the order they finished. `trace`, when given, gets the run's events
// (for a picture of it).
absl::StatusOr<std::vector<double>> RunRealSignups(int n, int pool_size,
                                                   const Pbkdf2Hasher& hasher,
                                                   platform::TraceSink* trace = nullptr);

// The median, rank by rank, of several runs' finish times (each in finish
// order): the k-th value is the median of every run's k-th finish.
std::vector<double> MedianByRank(const std::vector<std::vector<double>>& runs);

}  // namespace examples

#endif  // TWINLOOP_EXAMPLES_REAL_SIGNUPS_H_
