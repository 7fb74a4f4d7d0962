#include "platform/trace.h"

#include <sstream>

#include <gtest/gtest.h>

namespace platform {
namespace {

TEST(TraceTest, JsonLeavesOutEmptyFieldsAndKeepsFieldOrder) {
  TraceEvent e{.t_ns = 1500000, .thread = "loop", .event = TraceEventKind::kCallbackBegin,
               .phase = "timers", .kind = "timeout", .id = 3};
  EXPECT_EQ(TraceEventToJson(e),
            R"({"t":1500000,"th":"loop","ev":"cb_begin","phase":"timers","kind":"timeout","id":3})");
  TraceEvent log{.t_ns = 0, .thread = "loop", .event = TraceEventKind::kLog, .detail = "a\"b"};
  EXPECT_EQ(TraceEventToJson(log), R"({"t":0,"th":"loop","ev":"log","detail":"a\"b"})");
}

TEST(TraceTest, WriterPutsHeaderFirstThenOneLinePerEvent) {
  std::string out;
  JsonLinesTraceWriter w([&](const std::string& line) { out += line; }, R"({"twinloop_trace":1})");
  w.Record({.t_ns = 5, .thread = "pool-0", .event = TraceEventKind::kPoolStart, .id = 1});
  EXPECT_EQ(out,
            "{\"twinloop_trace\":1}\n{\"t\":5,\"th\":\"pool-0\",\"ev\":\"pool_start\",\"id\":1}\n");
}

TEST(TraceTest, InvalidUtf8NeverThrows) {
  // A label or message from outside may not be valid UTF-8.
  TraceEvent e{.t_ns = 0, .thread = "loop", .event = TraceEventKind::kLog, .detail = "bad \xff byte"};
  EXPECT_EQ(TraceEventToJson(e), "{\"t\":0,\"th\":\"loop\",\"ev\":\"log\",\"detail\":\"bad \xef\xbf\xbd byte\"}");
}

TEST(TraceTest, EveryEventKindHasItsName) {
  EXPECT_STREQ(TraceEventName(TraceEventKind::kCallbackBegin), "cb_begin");
  EXPECT_STREQ(TraceEventName(TraceEventKind::kIoCancel), "io_cancel");
  EXPECT_STREQ(TraceEventName(TraceEventKind::kLoopClose), "loop_close");
  for (int k = 0; k <= static_cast<int>(TraceEventKind::kLoopClose); ++k) {
    EXPECT_STRNE(TraceEventName(static_cast<TraceEventKind>(k)), "?") << k;
  }
}

TEST(TraceTest, MemorySinkKeepsOrder) {
  MemoryTraceSink sink;
  sink.Record({.t_ns = 2, .thread = "loop", .event = TraceEventKind::kPoll});
  sink.Record({.t_ns = 1, .thread = "loop", .event = TraceEventKind::kLog});
  ASSERT_EQ(sink.events().size(), 2u);
  EXPECT_EQ(sink.events()[1].event, TraceEventKind::kLog);
  EXPECT_EQ(sink.ToJsonLines(),
            "{\"t\":2,\"th\":\"loop\",\"ev\":\"poll\"}\n{\"t\":1,\"th\":\"loop\",\"ev\":\"log\"}\n");
}

TEST(TraceTest, TeeGivesEverySinkEveryEventInOrder) {
  MemoryTraceSink a, b;
  TeeTraceSink tee({&a, nullptr, &b});
  tee.Record({.t_ns = 1, .thread = "loop", .event = TraceEventKind::kLog, .detail = "x"});
  tee.Record({.t_ns = 2, .thread = "pool-0", .event = TraceEventKind::kPoolStart, .id = 3});
  EXPECT_EQ(a.ToJsonLines(), b.ToJsonLines());
  EXPECT_EQ(a.ToJsonLines(),
            "{\"t\":1,\"th\":\"loop\",\"ev\":\"log\",\"detail\":\"x\"}\n"
            "{\"t\":2,\"th\":\"pool-0\",\"ev\":\"pool_start\",\"id\":3}\n");
  TeeTraceSink none({});
  none.Record({});  // no sinks: nothing to do, and no crash
}

}  // namespace
}  // namespace platform
