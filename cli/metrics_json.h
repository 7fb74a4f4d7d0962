// MetricsJson: a run's runtime::LoopMetrics as one JSON object, the form
// `twinloop run --metrics` prints on stderr (cli/SCENARIOS.md, "Metrics").
//
// Durations are milliseconds as numbers with nanosecond precision
// (`idle_ms`, and the `*_ms` distributions); counts are integers.
//
// Threading: a pure function.
#ifndef TWINLOOP_CLI_METRICS_JSON_H_
#define TWINLOOP_CLI_METRICS_JSON_H_

#include <string>

#include "runtime/loop_metrics.h"

namespace scenario {

// One line, no trailing newline.
std::string MetricsJson(const runtime::LoopMetrics& m);

}  // namespace scenario

#endif  // TWINLOOP_CLI_METRICS_JSON_H_
