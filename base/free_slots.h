// FreeSlots: which slots of a slab are free for reuse.
//
// A slab is a vector or base::StableSlab of slots addressed by 32-bit index
// that never shrinks; the simulator keeps its events and pool tasks in slabs so that
// nothing is allocated or hashed per event. Take gives the slot freed last
// (still warm in the cache), or grows the slab by one.
//
// Threading: none; its owner's.
#ifndef TWINLOOP_BASE_FREE_SLOTS_H_
#define TWINLOOP_BASE_FREE_SLOTS_H_

#include <cstdint>
#include <vector>

#include "absl/base/internal/raw_logging.h"

namespace base {

class FreeSlots {
 public:
  // Indices at or above this are left for their owners' sentinels.
  static constexpr uint32_t kMaxSlots = UINT32_MAX - 1;

  template <typename Slab>
  uint32_t Take(Slab& slab) {
    if (!free_.empty()) {
      const uint32_t slot = free_.back();
      free_.pop_back();
      return slot;
    }
    ABSL_RAW_CHECK(slab.size() < kMaxSlots, "a slab outgrew its 32-bit slot numbers");
    slab.emplace_back();
    return static_cast<uint32_t>(slab.size() - 1);
  }
  void Put(uint32_t slot) { free_.push_back(slot); }

 private:
  std::vector<uint32_t> free_;
};

}  // namespace base

#endif  // TWINLOOP_BASE_FREE_SLOTS_H_
