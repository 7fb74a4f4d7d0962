#include "platform/trace.h"

#include <nlohmann/json.hpp>

namespace platform {

const char* TraceEventName(TraceEventKind kind) {
  switch (kind) {
    case TraceEventKind::kCallbackBegin: return "cb_begin";
    case TraceEventKind::kCallbackEnd: return "cb_end";
    case TraceEventKind::kTimerFire: return "timer_fire";
    case TraceEventKind::kPoll: return "poll";
    case TraceEventKind::kCpuBegin: return "cpu_begin";
    case TraceEventKind::kCpuEnd: return "cpu_end";
    case TraceEventKind::kLog: return "log";
    case TraceEventKind::kError: return "error";
    case TraceEventKind::kPoolEnqueue: return "pool_enqueue";
    case TraceEventKind::kPoolStart: return "pool_start";
    case TraceEventKind::kPoolFinish: return "pool_finish";
    case TraceEventKind::kPoolCancel: return "pool_cancel";
    case TraceEventKind::kIoComplete: return "io_complete";
    case TraceEventKind::kIoCancel: return "io_cancel";
    case TraceEventKind::kClockBackwards: return "clock_backwards";
    case TraceEventKind::kLoopShutdown: return "loop_shutdown";
    case TraceEventKind::kLoopClose: return "loop_close";
  }
  return "?";
}

std::string TraceEventToJson(const TraceEvent& e) {
  nlohmann::ordered_json j;
  j["t"] = e.t_ns;
  j["th"] = e.thread;
  j["ev"] = TraceEventName(e.event);
  if (!e.phase.empty()) j["phase"] = e.phase;
  if (!e.kind.empty()) j["kind"] = e.kind;
  if (e.id >= 0) j["id"] = e.id;
  if (!e.detail.empty()) j["detail"] = e.detail;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void MemoryTraceSink::Record(TraceEvent e) {
  std::lock_guard<std::mutex> lock(mu_);
  events_.push_back(std::move(e));
}

std::vector<TraceEvent> MemoryTraceSink::events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_;
}

std::string MemoryTraceSink::ToJsonLines() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const TraceEvent& e : events_) {
    out += TraceEventToJson(e);
    out += '\n';
  }
  return out;
}

JsonLinesTraceWriter::JsonLinesTraceWriter(LineWriter write_line, const std::string& header_json)
    : write_line_(std::move(write_line)) {
  write_line_(header_json + '\n');
}

void JsonLinesTraceWriter::Record(TraceEvent e) {
  std::string line = TraceEventToJson(e);
  line += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  write_line_(line);
}

TeeTraceSink::TeeTraceSink(std::vector<TraceSink*> sinks) {
  for (TraceSink* s : sinks) {
    if (s != nullptr) sinks_.push_back(s);
  }
}

void TeeTraceSink::Record(TraceEvent e) {
  for (size_t i = 0; i + 1 < sinks_.size(); ++i) sinks_[i]->Record(e);
  if (!sinks_.empty()) sinks_.back()->Record(std::move(e));
}

}  // namespace platform
