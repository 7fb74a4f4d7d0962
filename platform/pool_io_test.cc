#include "platform/pool_io.h"

#include "gtest/gtest.h"

namespace platform {
namespace {

TEST(OpenFlagsTest, ParsesNodeFlagStrings) {
  EXPECT_EQ(*ParseOpenFlags("r"), (OpenFlags{.read = true}));
  EXPECT_EQ(*ParseOpenFlags("r+"), (OpenFlags{.read = true, .write = true}));
  EXPECT_EQ(*ParseOpenFlags("w"),
            (OpenFlags{.read = false, .write = true, .create = true, .truncate = true}));
  EXPECT_EQ(*ParseOpenFlags("xw"), *ParseOpenFlags("wx"));
  EXPECT_TRUE(ParseOpenFlags("wx")->exclusive);
  EXPECT_EQ(*ParseOpenFlags("a+"),
            (OpenFlags{.read = true, .write = true, .create = true, .append = true}));
  for (const char* name : {"r", "r+", "w", "wx", "w+", "wx+", "a", "ax", "a+", "ax+"}) {
    EXPECT_EQ(OpenFlagsName(*ParseOpenFlags(name)), name);
  }
}

TEST(OpenFlagsTest, RefusesAnythingElseInNodesWords) {
  EXPECT_EQ(ParseOpenFlags("rw").status(),
            absl::InvalidArgumentError(
                "ERR_INVALID_ARG_VALUE: The argument 'flags' is invalid. Received 'rw'"));
  EXPECT_EQ(ParseOpenFlags(std::string("r\0", 2)).status().message(),
            "ERR_INVALID_ARG_VALUE: The argument 'flags' is invalid. Received 'r\\000'");
  EXPECT_FALSE(ParseOpenFlags("").ok());
}

TEST(PoolIoTest, DescribesEachCallInOneLine) {
  EXPECT_EQ(DescribePoolIo({.op = PoolIo::Op::kOpen, .path = "a.txt", .flags = *ParseOpenFlags("w")}),
            "open 'a.txt' w");
  EXPECT_EQ(DescribePoolIo({.op = PoolIo::Op::kRead, .fd = 3, .offset = 0, .length = 10}),
            "read fd 3 at 0 up to 10 bytes");
  EXPECT_EQ(DescribePoolIo({.op = PoolIo::Op::kWrite, .fd = 3, .offset = -1, .data = "hi"}),
            "write fd 3 at -1 (2 bytes, fnv 08ba5f07b55ec3da)");
  EXPECT_EQ(DescribePoolIo({.op = PoolIo::Op::kLookup, .path = "localhost"}), "lookup 'localhost'");
  EXPECT_EQ(DescribePoolIo({.op = PoolIo::Op::kUnlink, .path = "a\nb"}), "unlink 'a\\nb'");
  // Different data, different description: a replay notices it.
  EXPECT_NE(DescribePoolIo({.op = PoolIo::Op::kWriteFile, .path = "f", .data = "ab"}),
            DescribePoolIo({.op = PoolIo::Op::kWriteFile, .path = "f", .data = "ba"}));
  EXPECT_TRUE(IsSlowIo({.op = PoolIo::Op::kLookup}));
  EXPECT_FALSE(IsSlowIo({.op = PoolIo::Op::kReadFile}));
}

TEST(ErrnoErrorTest, NodesWordsAndAMatchingCode) {
  EXPECT_EQ(ErrnoError("ENOENT", "open", "a.txt"),
            absl::NotFoundError("ENOENT: no such file or directory, open 'a.txt'"));
  EXPECT_EQ(ErrnoError("EBADF", "read", ""),
            absl::FailedPreconditionError("EBADF: bad file descriptor, read"));
  EXPECT_EQ(ErrnoError("ECONNREFUSED", "connect", "127.0.0.1:1").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrnoError("EWHAT", "open", "x"),
            absl::UnknownError("EWHAT: unknown error, open 'x'"));
  EXPECT_EQ(ErrnoError("ENOTFOUND", "getaddrinfo", "nosuch.invalid"),
            absl::NotFoundError("getaddrinfo ENOTFOUND nosuch.invalid"));
}

TEST(ErrnoErrorTest, ErrnoNameReadsItBack) {
  EXPECT_EQ(ErrnoName(ErrnoError("ENOENT", "open", "a")), "ENOENT");
  EXPECT_EQ(ErrnoName(ErrnoError("ENOTFOUND", "getaddrinfo", "h")), "ENOTFOUND");
  EXPECT_EQ(ErrnoName(ErrnoError("EAI_AGAIN", "temporary failure", "getaddrinfo", "h")), "EAI_AGAIN");
  EXPECT_EQ(ErrnoName(absl::OkStatus()), "");
  EXPECT_EQ(ErrnoName(absl::InternalError("Everything broke")), "");
  EXPECT_EQ(ErrnoName(absl::InternalError("EOF")), "");
}

}  // namespace
}  // namespace platform
