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

}  // namespace
}  // namespace base
