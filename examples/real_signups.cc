#include "examples/real_signups.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/real/real_platform.h"
#include "runtime/loop.h"

namespace examples {

absl::StatusOr<std::vector<double>> RunRealSignups(int n, int pool_size,
                                                   const Pbkdf2Hasher& hasher,
                                                   platform::TraceSink* trace) {
  absl::StatusOr<std::unique_ptr<platform_real::RealPlatform>> real =
      platform_real::RealPlatform::Create({.pool_size = pool_size, .trace = trace});
  if (!real.ok()) return real.status();
  runtime::Loop loop(real->get());
  std::vector<double> done;
  base::Instant start;
  absl::Status failed;
  absl::Status script = loop.RunScript([&] {
    start = *loop.HrTime();
    for (int i = 0; i < n; ++i) {
      platform::PoolWork work;  // no modelled cost: the body is the real hash
      work.kind = platform::PoolWork::Kind::kCpu;
      work.body = [&hasher, i] { hasher.Hash(absl::StrCat("password", i)); };
      absl::StatusOr<runtime::RequestId> id =
          loop.QueueWork(std::move(work), [&, i](absl::Status s) {
            if (!s.ok() && failed.ok()) failed = s;
            done.push_back((*loop.HrTime() - start).millis());
            if (trace != nullptr) loop.Log(absl::StrCat("signup ", i + 1)).IgnoreError();
          });
      if (!id.ok()) throw std::runtime_error(std::string(id.status().message()));
    }
  });
  if (!script.ok()) return script;
  absl::StatusOr<bool> run = loop.Run();
  if (!run.ok()) return run.status();
  if (!failed.ok()) return failed;
  return done;
}

std::vector<double> MedianByRank(const std::vector<std::vector<double>>& runs) {
  std::vector<double> out;
  if (runs.empty()) return out;
  for (size_t k = 0; k < runs[0].size(); ++k) {
    std::vector<double> at;
    for (const std::vector<double>& r : runs) {
      if (k < r.size()) at.push_back(r[k]);
    }
    std::sort(at.begin(), at.end());
    const size_t m = at.size() / 2;
    out.push_back(at.size() % 2 == 1 ? at[m] : (at[m - 1] + at[m]) / 2);
  }
  return out;
}

}  // namespace examples
