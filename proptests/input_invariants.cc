#include "proptests/input_invariants.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "cli/scenario.h"
#include "cli/sim_runner.h"

namespace proptests {

bool IsCleanLine(absl::string_view m, std::string* why) {
  if (m.empty()) return (*why = "empty"), false;
  if (m.size() > 4000) return (*why = absl::StrCat(m.size(), " bytes")), false;
  for (size_t i = 0; i < m.size();) {
    const auto c = static_cast<uint8_t>(m[i]);
    if (c < 0x20 || c == 0x7f) return (*why = absl::StrCat("control byte ", c)), false;
    const size_t n = c < 0x80 ? 1 : c >= 0xf5 ? 0 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (n == 0 || i + n > m.size()) return (*why = "invalid UTF-8"), false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<uint8_t>(m[i + k]) & 0xc0) != 0x80) return (*why = "invalid UTF-8"), false;
    }
    i += n;
  }
  return true;
}

namespace {

absl::Status CleanError(const absl::Status& s, const char* where) {
  std::string why;
  if (s.ok()) return absl::InternalError(absl::StrCat(where, ": expected an error"));
  if (!IsCleanLine(s.message(), &why)) {
    return absl::InternalError(absl::StrCat(where, ": not a clean one-line message (", why,
                                            "): ", s.message().substr(0, 300)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckScenarioInvariants(absl::string_view text, InvariantReport* report) {
  InvariantReport unused;
  if (report == nullptr) report = &unused;
  absl::StatusOr<scenario::Scenario> s =
      scenario::ParseScenario(std::string_view(text.data(), text.size()));
  if (!s.ok()) return CleanError(s.status(), "ParseScenario");
  report->parsed = true;
  absl::StatusOr<scenario::Scenario> again = scenario::ParseScenario(scenario::ScenarioToJson(*s));
  if (!again.ok() || !(*again == *s)) {
    return absl::InternalError(absl::StrCat("ScenarioToJson does not read back: ",
                                            again.status().ToString()));
  }
  absl::StatusOr<std::string> js = scenario::ScenarioToNodeJs(*s);
  if (!js.ok()) {
    absl::Status c = CleanError(js.status(), "ScenarioToNodeJs");
    if (!c.ok()) return c;
  }
  scenario::LogLines lines;
  const absl::Status run = scenario::RunOnSimulator(
      *s, &lines, nullptr, {.max_callbacks = 5000, .max_pending = 1000});
  if (!run.ok()) return CleanError(run, "RunOnSimulator");
  report->ran = true;
  return absl::OkStatus();
}

}  // namespace proptests
