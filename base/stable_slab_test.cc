#include "base/stable_slab.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace base {
namespace {

TEST(StableSlabTest, ElementsKeepTheirAddressesAsTheSlabGrows) {
  StableSlab<std::string, 4> slab;
  EXPECT_TRUE(slab.empty());
  std::vector<const std::string*> where;
  for (int i = 0; i < 37; ++i) {
    std::string& s = slab.emplace_back();
    EXPECT_TRUE(s.empty()) << "a new element is default-constructed";
    s = std::to_string(i);
    where.push_back(&s);
  }
  EXPECT_EQ(slab.size(), 37u);
  for (int i = 0; i < 37; ++i) {
    EXPECT_EQ(&slab[i], where[i]) << i;
    EXPECT_EQ(slab[i], std::to_string(i));
  }
}

TEST(StableSlabTest, ASlabMadeAfterAnotherIsGoneTakesItsChunksFreshlyBuilt) {
  ReleaseCachedChunks();
  const std::string* chunks[2] = {nullptr, nullptr};
  {
    StableSlab<std::string, 4> gone;
    for (int i = 0; i < 8; ++i) gone.emplace_back() = "kept from before";
    chunks[0] = &gone[0];
    chunks[1] = &gone[4];
  }
  EXPECT_EQ(CachedChunkBytes(), 2 * 4 * sizeof(std::string));
  StableSlab<std::string, 4> slab;
  std::string& s = slab.emplace_back();
  // One of the gone slab's chunks (which, the order its vector freed them
  // in decides).
  EXPECT_TRUE(&s == chunks[0] || &s == chunks[1]);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(CachedChunkBytes(), 4 * sizeof(std::string));
  ReleaseCachedChunks();
}

}  // namespace
}  // namespace base
