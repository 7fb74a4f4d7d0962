#include "examples/pbkdf2_hasher.h"

#include <openssl/evp.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace examples {
namespace {

base::Duration ThreadCpu() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return base::Duration::Seconds(ts.tv_sec) + base::Duration::Nanos(ts.tv_nsec);
}

}  // namespace

std::string Pbkdf2Hasher::Hash(std::string_view password) const {
  static constexpr char kSalt[] = "twinloop-demo-salt";
  unsigned char key[64];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(kSalt), sizeof kSalt - 1, iterations_,
                    EVP_sha512(), sizeof key, key);
  char hex[9];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", key[0], key[1], key[2], key[3]);
  return hex;
}

base::Duration Pbkdf2Hasher::Measure() const {
  std::array<base::Duration, 5> costs;
  for (base::Duration& c : costs) {
    const base::Duration start = ThreadCpu();
    Hash("calibration");
    c = ThreadCpu() - start;
  }
  std::sort(costs.begin(), costs.end());
  return costs[2];
}

absl::StatusOr<Pbkdf2Hasher> Pbkdf2Hasher::Calibrate(base::Duration target) {
  if (target < base::Duration::Millis(1) || target > base::Duration::Seconds(10)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the hash cost must be in [1 ms, 10 s], got ", target.millis(), " ms"));
  }
  // A small count tells the cost per iteration; one correction then lands
  // within a few percent (PBKDF2's cost is linear in the count).
  Pbkdf2Hasher h(2000);
  // Three rounds: the first ones also warm caches and let the core's clock
  // settle, which a cold first hash would otherwise put into the count.
  for (int round = 0; round < 3; ++round) {
    const base::Duration cost = std::max(h.Measure(), base::Duration::Micros(1));
    const double scale = static_cast<double>(target.nanos()) / static_cast<double>(cost.nanos());
    h.iterations_ = std::clamp(static_cast<int>(h.iterations_ * scale), 1, 1 << 30);
  }
  h.cost_ = h.Measure();
  return h;
}

}  // namespace examples
