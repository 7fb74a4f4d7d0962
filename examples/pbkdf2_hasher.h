// Pbkdf2Hasher: hashes passwords with PBKDF2-HMAC-SHA512 (OpenSSL's
// PKCS5_PBKDF2_HMAC, the primitive under Node's crypto.pbkdf2), with an
// iteration count calibrated on this machine so that one hash costs about a
// chosen amount of CPU time: the "100 ms signup hash" of twinloop's
// defining scenario, for real.
//
// Calibration measures the calling thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID), not wall time, so a busy machine changes the
// count less; it takes about 15 hashes' time (1.5 s for 100 ms hashes).
//
// Threading: Hash may be called from any number of threads at once.
#ifndef TWINLOOP_EXAMPLES_PBKDF2_HASHER_H_
#define TWINLOOP_EXAMPLES_PBKDF2_HASHER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/time_units.h"

namespace examples {

class Pbkdf2Hasher {
 public:
  // An iteration count whose hash costs about `target` (1 ms .. 10 s) of CPU.
  static absl::StatusOr<Pbkdf2Hasher> Calibrate(base::Duration target);
  // A fixed count (>= 1), for tests against known keys.
  static Pbkdf2Hasher WithIterations(int iterations) { return Pbkdf2Hasher(iterations); }

  // The first 8 hex digits of the 64-byte derived key.
  std::string Hash(std::string_view password) const;
  int iterations() const { return iterations_; }
  // What one hash cost when calibration last measured it (median of 5).
  base::Duration cost() const { return cost_; }

 private:
  explicit Pbkdf2Hasher(int iterations) : iterations_(iterations) {}
  base::Duration Measure() const;

  int iterations_;
  base::Duration cost_;
};

}  // namespace examples

#endif  // TWINLOOP_EXAMPLES_PBKDF2_HASHER_H_
