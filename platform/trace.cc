#include "platform/trace.h"

#include <nlohmann/json.hpp>

namespace platform {

std::string TraceEventToJson(const TraceEvent& e) {
  nlohmann::ordered_json j;
  j["t"] = e.t_ns;
  j["th"] = e.thread;
  j["ev"] = e.event;
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

}  // namespace platform
