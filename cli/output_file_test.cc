#include "cli/output_file.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace scenario {
namespace {

std::string Dir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string Read(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  while (dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  closedir(d);
  return out;
}

TEST(OutputFileTest, ARegularFileAppearsOnlyOnCommit) {
  const std::string dir = Dir() + "/commit";
  mkdir(dir.c_str(), 0700);
  const std::string p = dir + "/trace.jsonl";
  std::ofstream(p) << "old contents";
  absl::StatusOr<std::unique_ptr<OutputFile>> f = OutputFile::Create(p, "trace.jsonl");
  ASSERT_TRUE(f.ok()) << f.status();
  (*f)->Write(std::string(200'000, 'x'));  // more than the buffer: some is written
  EXPECT_EQ(Read(p), "old contents");
  EXPECT_EQ(Entries(dir).size(), 2u);  // the file and the temporary one
  ASSERT_TRUE((*f)->Commit().ok());
  EXPECT_EQ(Read(p), std::string(200'000, 'x'));
  EXPECT_EQ(Entries(dir), std::vector<std::string>{"trace.jsonl"});
}

TEST(OutputFileTest, WithoutCommitNothingIsLeftBehind) {
  const std::string dir = Dir() + "/abandon";
  mkdir(dir.c_str(), 0700);
  {
    absl::StatusOr<std::unique_ptr<OutputFile>> f = OutputFile::Create(dir + "/t", "t");
    ASSERT_TRUE(f.ok());
    (*f)->Write(std::string(200'000, 'x'));
  }
  EXPECT_TRUE(Entries(dir).empty());
}

TEST(OutputFileTest, WriteErrorsStickAndAreReported) {
  absl::StatusOr<std::unique_ptr<OutputFile>> f = OutputFile::Create("/dev/full", "/dev/full");
  ASSERT_TRUE(f.ok()) << f.status();
  (*f)->Write("a line\n");
  const absl::Status s = (*f)->Commit();
  EXPECT_EQ(s.message(), "cannot write /dev/full: No space left on device");
  EXPECT_EQ((*f)->status(), s);
}

TEST(OutputFileTest, UnwritableTargetsFailAtCreate) {
  EXPECT_EQ(OutputFile::Create(Dir(), "dir").status().message(), "dir is a directory");
  EXPECT_EQ(OutputFile::Create("/nonexistent/t", "/nonexistent/t").status().message(),
            "cannot create a temporary file next to /nonexistent/t: No such file or directory");
  EXPECT_EQ(OutputFile::Create("", "").status().message(), "an empty file name");
}

TEST(OutputFileTest, AClosedStdoutIsAnError) {
  const int saved = dup(STDOUT_FILENO);
  close(STDOUT_FILENO);
  std::unique_ptr<OutputFile> out = OutputFile::Stdout(false);
  out->Write("lost?\n");
  const absl::Status s = out->Flush();
  dup2(saved, STDOUT_FILENO);
  close(saved);
  EXPECT_EQ(s.message(), "cannot write standard output: Bad file descriptor");
}

}  // namespace
}  // namespace scenario
