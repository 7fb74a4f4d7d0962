#include "cli/metrics_json.h"

#include <nlohmann/json.hpp>

namespace scenario {
namespace {

double Ms(base::Duration d) { return d.millis(); }

nlohmann::ordered_json Summary(const runtime::LatencySummary& s) {
  nlohmann::ordered_json j;
  j["count"] = s.count;
  j["p50"] = Ms(s.p50);
  j["p99"] = Ms(s.p99);
  j["max"] = Ms(s.max);
  return j;
}

}  // namespace

std::string MetricsJson(const runtime::LoopMetrics& m) {
  nlohmann::ordered_json j;
  j["iterations"] = m.iterations;
  nlohmann::ordered_json callbacks;
  for (int p = 0; p < runtime::kPhaseCount; ++p) {
    callbacks[runtime::PhaseName(static_cast<runtime::Phase>(p))] = m.callbacks[p];
  }
  j["callbacks"] = callbacks;
  j["next_ticks"] = m.next_ticks;
  j["microtasks"] = m.microtasks;
  j["idle_ms"] = Ms(m.idle);
  j["elapsed_ms"] = Ms(m.elapsed);
  j["utilization"] = m.utilization;
  j["timer_lag_ms"] = Summary(m.timer_lag);
  nlohmann::ordered_json pool;
  pool["queued"] = m.pool.queued;
  pool["busy"] = m.pool.busy;
  pool["max_queued"] = m.pool.max_queued;
  pool["max_busy"] = m.pool.max_busy;
  j["pool"] = pool;
  j["queue_wait_ms"] = Summary(m.queue_wait);
  return j.dump();
}

}  // namespace scenario
