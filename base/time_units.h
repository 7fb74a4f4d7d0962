// Duration and Instant: the one way twinloop spells time.
//
// Both hold a count of nanoseconds in an int64_t: exact, totally ordered and
// identical on every machine, which the simulator's arithmetic needs
// (absl::Duration's finer ticks and infinities would make sums inexact to
// reason about). Every constructor names its unit (Duration::Millis(5)), and
// nothing converts from a bare integer, so `loop.ConsumeCpu(5)` does not
// compile. Node-facing calls that take milliseconds as a double
// (`SetTimeout(cb, delay_ms)`) say so in the parameter's name instead.
//
// An Instant is a point on one monotonic clock, in nanoseconds since that
// clock's epoch (the start of a simulation; the real platform's origin).
//
// Arithmetic saturates at the int64 range instead of wrapping, so
// `Instant + Duration` is never undefined behaviour and never runs
// backwards; code with a tighter bound (the simulator's kMaxVirtualTime)
// checks that bound itself.
//
// Threading: plain values.
#ifndef TWINLOOP_BASE_TIME_UNITS_H_
#define TWINLOOP_BASE_TIME_UNITS_H_

#include <compare>
#include <cstdint>
#include <limits>
#include <string>

namespace base {

namespace time_internal {
inline constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

constexpr int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? kMax : kMin;
  return r;
}
constexpr int64_t SaturatingSub(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? kMax : kMin;
  return r;
}
constexpr int64_t SaturatingMul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return (a < 0) != (b < 0) ? kMin : kMax;
  return r;
}
}  // namespace time_internal

class Duration {
 public:
  constexpr Duration() = default;  // zero

  static constexpr Duration Nanos(int64_t ns) { return Duration(ns); }
  static constexpr Duration Micros(int64_t us) {
    return Duration(time_internal::SaturatingMul(us, 1'000));
  }
  static constexpr Duration Millis(int64_t ms) {
    return Duration(time_internal::SaturatingMul(ms, 1'000'000));
  }
  static constexpr Duration Seconds(int64_t s) {
    return Duration(time_internal::SaturatingMul(s, 1'000'000'000));
  }
  // Fractional milliseconds (scenario files), rounded to the nearest
  // nanosecond; saturates out of range, and NaN is zero.
  static Duration MillisRounded(double ms);
  static constexpr Duration Zero() { return Duration(0); }
  static constexpr Duration Max() { return Duration(time_internal::kMax); }

  constexpr int64_t nanos() const { return ns_; }
  // Whole milliseconds, rounded down (toward minus infinity).
  constexpr int64_t millis_floor() const {
    return ns_ >= 0 ? ns_ / 1'000'000 : -((-(ns_ + 1)) / 1'000'000) - 1;
  }
  double millis() const { return static_cast<double>(ns_) / 1e6; }

  friend constexpr auto operator<=>(Duration, Duration) = default;
  friend constexpr Duration operator+(Duration a, Duration b) {
    return Duration(time_internal::SaturatingAdd(a.ns_, b.ns_));
  }
  friend constexpr Duration operator-(Duration a, Duration b) {
    return Duration(time_internal::SaturatingSub(a.ns_, b.ns_));
  }
  friend constexpr Duration operator*(Duration a, int64_t k) {
    return Duration(time_internal::SaturatingMul(a.ns_, k));
  }
  friend constexpr Duration operator*(int64_t k, Duration a) { return a * k; }
  // Truncates toward zero, as integer division does. `k` must not be 0.
  friend constexpr Duration operator/(Duration a, int64_t k) {
    return Duration(a.ns_ == time_internal::kMin && k == -1 ? time_internal::kMax : a.ns_ / k);
  }
  constexpr Duration& operator+=(Duration d) { return *this = *this + d; }
  constexpr Duration& operator-=(Duration d) { return *this = *this - d; }

 private:
  constexpr explicit Duration(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

class Instant {
 public:
  constexpr Instant() = default;  // the clock's epoch

  static constexpr Instant FromNanos(int64_t ns_since_epoch) { return Instant(ns_since_epoch); }
  static constexpr Instant Epoch() { return Instant(0); }
  static constexpr Instant Max() { return Instant(time_internal::kMax); }

  constexpr int64_t nanos() const { return ns_; }  // since the epoch
  constexpr Duration since_epoch() const { return Duration::Nanos(ns_); }
  // Whole milliseconds since the epoch, rounded down (libuv's uv_now).
  constexpr int64_t millis_floor() const { return since_epoch().millis_floor(); }
  double millis() const { return static_cast<double>(ns_) / 1e6; }

  friend constexpr auto operator<=>(Instant, Instant) = default;
  friend constexpr Instant operator+(Instant t, Duration d) {
    return Instant(time_internal::SaturatingAdd(t.ns_, d.nanos()));
  }
  friend constexpr Instant operator-(Instant t, Duration d) {
    return Instant(time_internal::SaturatingSub(t.ns_, d.nanos()));
  }
  friend constexpr Duration operator-(Instant a, Instant b) {
    return Duration::Nanos(time_internal::SaturatingSub(a.ns_, b.ns_));
  }
  constexpr Instant& operator+=(Duration d) { return *this = *this + d; }

 private:
  constexpr explicit Instant(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

// "1.5 ms", "250 ns": for messages.
std::string ToString(Duration d);
// "t=1.500 ms": an instant on the run's clock, for messages.
std::string ToString(Instant t);

}  // namespace base

#endif  // TWINLOOP_BASE_TIME_UNITS_H_
