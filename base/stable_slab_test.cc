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
  const std::string* first = nullptr;
  {
    StableSlab<std::string, 4> gone;
    for (int i = 0; i < 8; ++i) gone.emplace_back() = "kept from before";
    first = &gone[4];  // the last chunk freed is the first handed out
  }
  EXPECT_EQ(CachedChunkBytes(), 2 * 4 * sizeof(std::string));
  StableSlab<std::string, 4> slab;
  std::string& s = slab.emplace_back();
  EXPECT_EQ(&s, first);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(CachedChunkBytes(), 4 * sizeof(std::string));
  ReleaseCachedChunks();
}

}  // namespace
}  // namespace base
