#include "cli/cli_flags.h"

#include "absl/flags/flag.h"
#include "cli/interpreter.h"

ABSL_FLAG(std::string, platform, "sim",
          "where the run happens: sim (virtual time, deterministic) or real (this machine)");
ABSL_FLAG(std::string, trace, "",
          "write the run's trace (JSON lines, platform/TRACE.md) to this file; it appears "
          "only when the run succeeds");
ABSL_FLAG(std::string, trace_chrome, "",
          "write the run as a Chrome trace (Perfetto, chrome://tracing) to this file; it "
          "appears only when the run succeeds");
ABSL_FLAG(std::string, svg, "",
          "write the run as an SVG timeline (a lane for the loop and each pool thread) to "
          "this file; it appears only when the run succeeds");
ABSL_FLAG(int64_t, max_callbacks, scenario::kDefaultMaxCallbacks,
          "stop the run after this many callbacks (0: no limit)");
ABSL_FLAG(int64_t, max_pending, scenario::kDefaultMaxPending,
          "stop the run when more callbacks than this are pending at once (0: no limit)");
ABSL_FLAG(std::string, record, "",
          "record the run's inputs at the platform seam to this file (platform/RECORD.md), "
          "for `twinloop replay`; kept also when the run fails");
ABSL_FLAG(std::string, scenario, "",
          "replay: run this scenario against the record instead of the one it holds");
ABSL_FLAG(bool, metrics, false,
          "print the run's loop metrics (runtime/loop_metrics.h) as one JSON object on "
          "stderr when it ends");
ABSL_FLAG(int64_t, max_input_bytes, 8 << 20, "read at most this many bytes of scenario");
ABSL_FLAG(bool, allow_special_files, false,
          "read a scenario from a FIFO, device or socket, not only a regular file");

namespace scenario {

extern const char kUsageText[] =
    "usage: twinloop run FILE.json [--platform=sim|real] [--trace=TRACE.jsonl]\n"
    "                              [--trace_chrome=TRACE.json] [--svg=PICTURE.svg]\n"
    "                              [--max_callbacks=N] [--max_pending=N] [--metrics]\n"
    "                              [--record=REC]\n"
    "       twinloop replay REC [--scenario=FILE.json] [--trace=TRACE.jsonl]\n"
    "                           [--trace_chrome=TRACE.json] [--svg=PICTURE.svg] [--metrics]\n"
    "       twinloop js FILE.json\n"
    "Runs a scenario on the simulated platform and prints its log lines as it goes,\n"
    "or prints the same program for Node.js. FILE may be - for standard input.\n"
    "\n"
    "flags:\n"
    "  --platform=sim|real      (run) sim: virtual time, the same every run (default);\n"
    "                           real: this machine, threads pinned to config.cores\n"
    "  --trace=FILE             (run, replay) write the run's trace to FILE, which appears\n"
    "                           only when the run succeeds\n"
    "  --trace_chrome=FILE      (run, replay) write the run as a Chrome trace, for\n"
    "                           ui.perfetto.dev or chrome://tracing\n"
    "  --svg=FILE               (run, replay) write the run as an SVG timeline: the\n"
    "                           loop, each pool thread, and the queue\n"
    "  --max_callbacks=N        (run) stop after N callbacks; 0: no limit\n"
    "                           (default 100000000)\n"
    "  --max_pending=N          (run) stop when more than N callbacks are pending at\n"
    "                           once; 0: no limit (default 1000000)\n"
    "  --record=REC             (run) record the run's inputs to REC, which\n"
    "                           `twinloop replay REC` plays back exactly\n"
    "  --scenario=FILE          (replay) replay REC against this scenario instead of\n"
    "                           the one REC holds, to see whether a fix changes the\n"
    "                           schedule\n"
    "  --metrics                (run, replay) print the loop's metrics as one JSON object\n"
    "                           on stderr when the run ends\n"
    "  --max_input_bytes=N      read at most N bytes of scenario (default 8388608)\n"
    "  --allow_special_files    read a FIFO, device or socket, not only a regular file\n"
    "  --flagfile=FILE          read flags from FILE, one per line\n"
    "  --help                   print this and exit\n"
    "\n"
    "exit codes: 0 ok, 1 the scenario, the record or the run failed, 2 bad usage,\n"
    "3 the replayed program diverged from the record.\n";

}  // namespace scenario
