#include "cli/command_line.h"

#include <algorithm>
#include <utility>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/input_file.h"
#include "base/printable.h"

namespace scenario {

using ::base::Printable;
using ::base::Quoted;
using ::base::kMessageChars;
namespace {

constexpr size_t kMaxFlagfileBytes = 1 << 20;
constexpr int kMaxFlagfileDepth = 8;

struct Setting {
  std::string name;
  std::string value;
  absl::CommandLineFlag* flag;
};

absl::Status Usage(absl::string_view what) {
  return absl::InvalidArgumentError(std::string(what));
}

class Walker {
 public:
  absl::Status Walk(const std::vector<std::string>& args, int depth, bool in_flagfile) {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      if (only_positional_ || arg == "-" || arg.empty() || arg[0] != '-') {
        if (in_flagfile) {
          return Usage(absl::StrCat("a flagfile holds only flags, one per line; found ",
                                    Quoted(arg)));
        }
        out_.positional.push_back(arg);
        continue;
      }
      if (arg == "--") {
        only_positional_ = true;
        continue;
      }
      absl::string_view body = arg;
      absl::ConsumePrefix(&body, "-");
      absl::ConsumePrefix(&body, "-");
      const size_t eq = body.find('=');
      const std::string name(body.substr(0, eq));
      const bool has_value = eq != absl::string_view::npos;
      std::string value = has_value ? std::string(body.substr(eq + 1)) : "";
      if (name == "help" || name == "h" || name == "helpfull") {
        out_.help = true;
        continue;
      }
      if (name == "flagfile") {
        if (!has_value) {
          if (i + 1 == args.size()) return Usage("--flagfile needs a file name");
          value = args[++i];
        }
        absl::Status s = Flagfile(value, depth);
        if (!s.ok()) return s;
        continue;
      }
      absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
      if (flag == nullptr && !has_value && absl::StartsWith(name, "no")) {
        absl::CommandLineFlag* negated = absl::FindCommandLineFlag(name.substr(2));
        if (negated != nullptr && negated->IsOfType<bool>()) {
          settings_.push_back({name.substr(2), "false", negated});
          continue;
        }
      }
      if (flag == nullptr || flag->IsRetired()) {
        return Usage(absl::StrCat("unknown flag --", Printable(name)));
      }
      if (!has_value) {
        if (flag->IsOfType<bool>()) {
          value = "true";
        } else if (i + 1 == args.size()) {
          return Usage(absl::StrCat("--", name, " needs a value"));
        } else {
          value = args[++i];
        }
      }
      settings_.push_back({name, std::move(value), flag});
    }
    return absl::OkStatus();
  }

  absl::Status Flagfile(const std::string& path, int depth) {
    const std::string shown = Printable(path, kMessageChars);
    if (depth == kMaxFlagfileDepth) {
      return Usage(absl::StrCat("--flagfile=", shown, ": flagfiles nested more than ",
                                kMaxFlagfileDepth, " deep"));
    }
    absl::StatusOr<InputFile> file =
        ReadInputFile(path, {.max_bytes = kMaxFlagfileBytes, .max_bytes_flag = "(the flagfile limit)"});
    if (!file.ok()) {
      return Usage(absl::StrCat("--flagfile=", shown, ": ", file.status().message()));
    }
    std::vector<std::string> lines;
    for (absl::string_view line : absl::StrSplit(file->text, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (line.empty() || line[0] == '#') continue;
      lines.emplace_back(line);
    }
    absl::Status s = Walk(lines, depth + 1, /*in_flagfile=*/true);
    if (!s.ok() && !absl::StartsWith(s.message(), "--flagfile=")) {
      return Usage(absl::StrCat("--flagfile=", shown, ": ", s.message()));
    }
    return s;
  }

  CommandLine& out() { return out_; }
  const std::vector<Setting>& settings() const { return settings_; }

 private:
  CommandLine out_;
  std::vector<Setting> settings_;
  bool only_positional_ = false;
};

}  // namespace

absl::StatusOr<CommandLine> ApplyCommandLine(const std::vector<std::string>& args,
                                             const FlagsByCommand& flags_by_command) {
  Walker w;
  absl::Status s = w.Walk(args, 0, false);
  if (!s.ok()) return s;
  CommandLine& cl = w.out();
  if (cl.help) return cl;
  if (!cl.positional.empty()) {
    const auto it = flags_by_command.find(cl.positional[0]);
    if (it != flags_by_command.end()) {
      for (const Setting& set : w.settings()) {
        if (std::find(it->second.begin(), it->second.end(), set.name) == it->second.end()) {
          return Usage(absl::StrCat("twinloop ", cl.positional[0], " does not take --", set.name));
        }
      }
    }
  }
  for (const Setting& set : w.settings()) {
    std::string error;
    if (!set.flag->ParseFrom(set.value, &error)) {
      // Roll back what was set: each flag to its default.
      for (const Setting& done : w.settings()) {
        if (&done == &set) break;
        std::string ignored;
        done.flag->ParseFrom(done.flag->DefaultValue(), &ignored);
      }
      return Usage(absl::StrCat("--", set.name, ": ", Printable(error, kMessageChars)));
    }
    cl.flags.push_back(set.name);
  }
  return cl;
}

}  // namespace scenario
