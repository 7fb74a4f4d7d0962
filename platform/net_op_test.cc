#include "platform/net_op.h"

#include "gtest/gtest.h"
#include "platform/pool_io.h"

namespace platform {
namespace {

TEST(NetOpTest, DescribesEachOperationInOneLine) {
  EXPECT_EQ(DescribeNetOp({.op = NetOp::Op::kListen, .host = "127.0.0.1", .port = 0}),
            "listen 127.0.0.1:0");
  EXPECT_EQ(DescribeNetOp({.op = NetOp::Op::kConnect, .host = "::1", .port = 80}),
            "connect [::1]:80");
  EXPECT_EQ(DescribeNetOp({.op = NetOp::Op::kConnect, .host = "h", .port = 1,
                           .timeout = base::Duration::Millis(5)}),
            "connect h:1 timeout 5000000 ns");
  EXPECT_EQ(DescribeNetOp({.op = NetOp::Op::kWrite, .stream = 3, .data = "hi"}),
            "write stream 3 (2 bytes, fnv 08ba5f07b55ec3da)");
  EXPECT_EQ(DescribeNetOp({.op = NetOp::Op::kClose, .stream = 4}), "close stream 4");
}

TEST(NetOpTest, ErrorsInNodesNetWords) {
  EXPECT_EQ(NetError("ECONNREFUSED", "connect", "127.0.0.1:9"),
            absl::UnavailableError("connect ECONNREFUSED 127.0.0.1:9"));
  EXPECT_EQ(NetError("EADDRINUSE", "listen", "127.0.0.1:80"),
            absl::AlreadyExistsError("listen EADDRINUSE: address already in use 127.0.0.1:80"));
  EXPECT_EQ(NetError("ECONNRESET", "read", ""), absl::UnavailableError("read ECONNRESET"));
  EXPECT_EQ(NetError("ETIMEDOUT", "connect", "10.0.0.1:80").code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(ErrnoName(NetError("EPIPE", "write", "")), "EPIPE");
  EXPECT_EQ(ErrnoName(NetError("ECONNREFUSED", "connect", "127.0.0.1:9")), "ECONNREFUSED");
}

}  // namespace
}  // namespace platform
