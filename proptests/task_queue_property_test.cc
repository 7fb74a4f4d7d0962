// nextTick and microtask properties: both queues drain after every
// macrotask, nextTicks before microtasks, each queue FIFO.
// FIFO is checked on run order; a tick queued by a microtask must still wait
// for the microtask queue to empty, which FIFO plus the waiting count cover.
#include <functional>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "proptests/sim_harness.h"

namespace proptests {
namespace {

// A random program: every node is a callback that queues its children.
struct Node {
  enum Kind { kTick, kMicrotask, kImmediate, kTimeout } kind;
  int delay = 0;
  std::vector<Node> children;
};

rc::Gen<std::vector<Node>> GenNodes(int depth) {
  return rc::gen::exec([depth] {
    std::vector<Node> nodes;
    if (depth >= 4) return nodes;
    const int n = *rc::gen::inRange(0, 4);
    for (int i = 0; i < n; ++i) {
      Node node;
      node.kind = static_cast<Node::Kind>(*rc::gen::inRange(0, 4));
      node.delay = *rc::gen::inRange(0, 3);
      node.children = *GenNodes(depth + 1);
      nodes.push_back(std::move(node));
    }
    return nodes;
  });
}

struct Recorder {
  int macrotask = 0;  // index of the macrotask running now
  int seq = 0;
  bool in_microtask = false;
  struct Queued {
    int seq;
    int macrotask;
    bool by_microtask;
  };
  std::vector<Queued> ticks_queued, micros_queued;
  std::vector<int> ticks_run, micros_run;  // seqs, in run order
  std::vector<int> tick_macro, micro_macro;  // macrotask when each ran
  std::vector<int> ticks_queued_before_micro;
};

void Schedule(SimHarness& h, Recorder& r, const std::vector<Node>& nodes) {
  for (const Node& n : nodes) {
    const Node* node = &n;
    switch (n.kind) {
      case Node::kTick: {
        const int seq = r.seq++;
        r.ticks_queued.push_back({seq, r.macrotask, r.in_microtask});
        RC_ASSERT(h.loop->NextTick([&h, &r, node, seq] {
          r.ticks_run.push_back(seq);
          r.tick_macro.push_back(r.macrotask);
          Schedule(h, r, node->children);
        }).ok());
        break;
      }
      case Node::kMicrotask: {
        const int seq = r.seq++;
        r.micros_queued.push_back({seq, r.macrotask, r.in_microtask});
        RC_ASSERT(h.loop->QueueMicrotask([&h, &r, node, seq] {
          r.micros_run.push_back(seq);
          r.micro_macro.push_back(r.macrotask);
          // Ticks still waiting that were not queued by a microtask.
          int waiting = 0;
          for (size_t i = r.ticks_run.size(); i < r.ticks_queued.size(); ++i) {
            waiting += r.ticks_queued[i].by_microtask ? 0 : 1;
          }
          r.ticks_queued_before_micro.push_back(waiting);
          r.in_microtask = true;
          Schedule(h, r, node->children);
          r.in_microtask = false;
        }).ok());
        break;
      }
      case Node::kImmediate:
        RC_ASSERT(h.loop->SetImmediate([&h, &r, node] {
          ++r.macrotask;
          Schedule(h, r, node->children);
        }).ok());
        break;
      case Node::kTimeout:
        RC_ASSERT(h.loop->SetTimeout([&h, &r, node] {
          ++r.macrotask;
          Schedule(h, r, node->children);
        }, node->delay).ok());
        break;
    }
  }
}

RC_GTEST_PROP(TaskQueueProperty, DrainAfterEveryMacrotaskTicksFirstFifo, ()) {
  const std::vector<Node> program = *GenNodes(0);
  SimHarness h;
  Recorder r;
  RC_ASSERT(h.loop->RunScript([&] { Schedule(h, r, program); }).ok());
  RC_ASSERT(h.loop->Run().ok());
  // Everything queued ran, in FIFO order within each queue.
  std::vector<int> want_ticks, want_micros;
  for (const auto& q : r.ticks_queued) want_ticks.push_back(q.seq);
  for (const auto& q : r.micros_queued) want_micros.push_back(q.seq);
  RC_ASSERT(r.ticks_run == want_ticks);
  RC_ASSERT(r.micros_run == want_micros);
  // Each ran before the next macrotask started.
  for (size_t i = 0; i < r.ticks_queued.size(); ++i) {
    RC_ASSERT(r.tick_macro[i] == r.ticks_queued[i].macrotask);
  }
  for (size_t i = 0; i < r.micros_queued.size(); ++i) {
    RC_ASSERT(r.micro_macro[i] == r.micros_queued[i].macrotask);
  }
  // No microtask ran while a nextTick queued outside the microtask queue was
  // waiting. (Ticks queued by microtasks wait until the microtask queue is
  // empty, as V8 drains it completely.)
  for (int waiting : r.ticks_queued_before_micro) RC_ASSERT(waiting == 0);
}

}  // namespace
}  // namespace proptests
