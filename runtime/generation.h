// NextGeneration: a number unique in the process, never 0.
//
// ImmediateQueue stamps the handles it gives out with one, so a handle
// outlived by its loop is never taken for a handle of a new loop that
// happens to be built at the same address. (A Timer names its TimerLists by
// its block pool, which lives as long as the Timer.) It only identifies; it
// never reaches a trace, so runs stay deterministic.
//
// Threading: any thread.
#ifndef TWINLOOP_RUNTIME_GENERATION_H_
#define TWINLOOP_RUNTIME_GENERATION_H_

#include <atomic>
#include <cstdint>

namespace runtime {

inline uint64_t NextGeneration() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_GENERATION_H_
