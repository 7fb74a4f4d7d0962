#include "cli/input_file.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace scenario {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

std::string Write(const std::string& name, const std::string& text) {
  const std::string p = TempPath(name);
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

TEST(InputFileTest, ReadsARegularFileWithItsIdentity) {
  const std::string p = Write("ok.json", "{\"version\": 1}");
  absl::StatusOr<InputFile> f = ReadInputFile(p, {});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->text, "{\"version\": 1}");
  struct stat st;
  ASSERT_EQ(stat(p.c_str(), &st), 0);
  EXPECT_EQ(f->device, st.st_dev);
  EXPECT_EQ(f->inode, st.st_ino);
}

TEST(InputFileTest, SizeIsCappedAndNamesTheFlag) {
  const std::string p = Write("big.json", std::string(1001, 'x'));
  EXPECT_TRUE(ReadInputFile(p, {.max_bytes = 1001}).ok());
  absl::StatusOr<InputFile> f = ReadInputFile(p, {.max_bytes = 1000});
  EXPECT_EQ(f.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(f.status().message(),
            "larger than 1000 bytes; raise --max_input_bytes to read it");
}

TEST(InputFileTest, MissingFilesAndDirectoriesGetClearErrors) {
  EXPECT_EQ(ReadInputFile("/nonexistent/x.json", {}).status().message(),
            "cannot read: No such file or directory");
  EXPECT_EQ(ReadInputFile(TempPath(""), {}).status().message(),
            "is a directory, not a scenario file");
}

TEST(InputFileTest, SpecialFilesAreRefusedBeforeAnythingIsRead) {
  // /dev/zero never ends: refused at once, not read for gigabytes.
  EXPECT_EQ(ReadInputFile("/dev/zero", {}).status().message(),
            "is a character device, not a regular file; pass --allow_special_files to read it "
            "anyway");
  // A FIFO with no writer: refused, not waited on.
  const std::string fifo = TempPath("fifo");
  unlink(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(ReadInputFile(fifo, {}).status().message(),
            "is a FIFO, not a regular file; pass --allow_special_files to read it anyway");
  // sun_path holds 108 bytes; the test's own temp dir may be longer.
  const std::string sock = "/tmp/twinloop_input_test_" + std::to_string(getpid()) + ".sock";
  unlink(sock.c_str());
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock.size(), sizeof addr.sun_path);
  sock.copy(addr.sun_path, sock.size());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(ReadInputFile(sock, {}).status().message(),
            "is a socket, not a regular file; pass --allow_special_files to read it anyway");
  close(fd);
  unlink(sock.c_str());
}

TEST(InputFileTest, AllowedSpecialFilesAreStillCapped) {
  absl::StatusOr<InputFile> f =
      ReadInputFile("/dev/zero", {.max_bytes = 100'000, .allow_special_files = true});
  EXPECT_EQ(f.status().message(), "larger than 100000 bytes; raise --max_input_bytes to read it");
}

TEST(InputFileTest, StandardInputIsDash) {
  const std::string p = Write("stdin.json", "from stdin");
  int saved = dup(STDIN_FILENO);
  FILE* in = fopen(p.c_str(), "r");
  ASSERT_NE(in, nullptr);
  ASSERT_GE(dup2(fileno(in), STDIN_FILENO), 0);
  absl::StatusOr<InputFile> f = ReadInputFile("-", {});
  absl::StatusOr<InputFile> capped = [&] {
    lseek(STDIN_FILENO, 0, SEEK_SET);
    return ReadInputFile("-", {.max_bytes = 4});
  }();
  dup2(saved, STDIN_FILENO);
  close(saved);
  fclose(in);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->text, "from stdin");
  EXPECT_EQ(capped.status().code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace scenario
