#include "proptests/record_invariants.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cli/interpreter.h"
#include "cli/recorded_run.h"
#include "cli/scenario.h"
#include "cli/sim_runner.h"
#include "platform/replay/record.h"

namespace proptests {
namespace {

constexpr char kFallback[] = R"({"version": 1, "main": [
  {"pool": {"cpu": 10}, "do": [{"log": "p"}]},
  {"timeout": 5, "do": [{"log": "t"}, {"cpu": 2}]},
  {"net": 7, "do": [{"log": "n"}]},
  {"immediate": [{"log": "i"}]}]})";

}  // namespace

std::string RecordOf(const std::string& scenario_json) {
  const scenario::Scenario s = scenario::ParseScenario(scenario_json).value();
  std::string bytes;
  platform_replay::RecordWriter writer(
      {.platform = "sim", .cores = s.config.cores, .pool_size = s.config.pool_size,
       .seed = s.config.seed, .program_hash = platform_replay::ProgramHash(scenario_json),
       .program_name = "seed.json", .program = scenario_json},
      [&](std::string_view b) { bytes.append(b); });
  scenario::LogLines lines;
  scenario::RunRecorded(s, [&s](platform::TraceSink* t) { return scenario::MakeSimulatedPlatform(s, t); }, nullptr, &writer, &lines, {})
      .IgnoreError();  // a failing run is recorded like any other
  writer.Finish();
  return bytes;
}

namespace {

absl::Status CheckOne(absl::string_view bytes);

// The bytes with their last 8 replaced by the checksum of the rest, so the
// decoder and the replay see hostile content that passes the checksum.
std::string Resealed(absl::string_view bytes) {
  std::string out(bytes.substr(0, bytes.size() - 8));
  const uint64_t sum = platform_replay::ProgramHash(out);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((sum >> (8 * i)) & 0xff));
  return out;
}

}  // namespace

absl::Status CheckRecordInvariants(absl::string_view bytes) {
  if (absl::Status s = CheckOne(bytes); !s.ok()) return s;
  if (bytes.size() >= 8) return CheckOne(Resealed(bytes));
  return absl::OkStatus();
}

namespace {

absl::Status CheckOne(absl::string_view bytes) {
  absl::StatusOr<platform_replay::RecordReader> reader =
      platform_replay::RecordReader::Open(std::string(bytes));
  if (!reader.ok()) {
    const absl::string_view m = reader.status().message();
    if (m.empty() || m.find('\n') != absl::string_view::npos || m.size() > 300) {
      return absl::InternalError(absl::StrCat("not a one-line error: ", m));
    }
    return absl::OkStatus();
  }
  {
    platform_replay::RecordReader copy = *reader;
    int64_t n = 0;
    while (copy.Next() != nullptr) ++n;
    if (n != reader->size()) {
      return absl::InternalError(
          absl::StrCat("the record said ", reader->size(), " inputs and gave ", n));
    }
  }
  absl::StatusOr<scenario::Scenario> program = scenario::ParseScenario(reader->header().program);
  if (!program.ok()) program = scenario::ParseScenario(kFallback);
  if (!program.ok()) return absl::InternalError("the fallback scenario does not parse");
  scenario::LogLines lines;
  std::optional<platform_replay::Divergence> divergence;
  scenario::RunReplayed(*program, *std::move(reader), nullptr, &lines,
                        {.max_callbacks = 10'000, .max_pending = 10'000}, &divergence)
      .IgnoreError();  // any outcome is fine; crashing and hanging are not
  if (divergence && divergence->Report().empty()) {
    return absl::InternalError("a divergence without a report");
  }
  return absl::OkStatus();
}

}  // namespace

}  // namespace proptests
