#include "proptests/scenario_gen.h"

#include <string>
#include <utility>

namespace proptests {

using scenario::Op;

namespace {

rc::Gen<Op> GenOp(GenOptions o, int depth) {
  return rc::gen::exec([o, depth] {
    std::vector<Op::Kind> kinds(o.kinds.begin(), o.kinds.end());
    const bool leaf = depth >= o.max_depth;
    if (leaf) {
      std::vector<Op::Kind> leaves;
      for (Op::Kind k : kinds) {
        if (k == Op::Kind::kLog || k == Op::Kind::kCpu) leaves.push_back(k);
      }
      kinds = leaves.empty() ? std::vector<Op::Kind>{Op::Kind::kLog} : leaves;
    }
    Op op;
    op.kind = *rc::gen::elementOf(kinds);
    auto body = [&] { return *GenOps(o, depth + 1); };
    switch (op.kind) {
      case Op::Kind::kLog:
        break;
      case Op::Kind::kTimeout:
        op.ms = *rc::gen::inRange(0, o.max_delay_ms + 1);
        op.body = body();
        break;
      case Op::Kind::kInterval:
        op.ms = *rc::gen::inRange(1, o.max_delay_ms + 1);
        op.times = *rc::gen::inRange(1, o.max_times + 1);
        op.body = body();
        break;
      case Op::Kind::kImmediate:
      case Op::Kind::kNextTick:
      case Op::Kind::kMicrotask:
        op.body = body();
        break;
      case Op::Kind::kCpu:
        // Whole and fractional milliseconds.
        op.ms = *rc::gen::inRange(0, o.max_cpu_ms * 4 + 1) / 4.0;
        break;
      case Op::Kind::kPool:
        op.pool_io = *rc::gen::arbitrary<bool>();
        op.ms = *rc::gen::inRange(0, o.max_delay_ms + 1);
        op.body = body();
        break;
      case Op::Kind::kNet:
        op.ms = *rc::gen::inRange(0, o.max_delay_ms + 1);
        op.body = body();
        break;
      default:
        // File and TCP ops are not generated here: their order depends on
        // a disk and a network (proptests/net_property_test.cc covers TCP).
        break;
    }
    return op;
  });
}

void Number(std::vector<Op>* ops, int* next) {
  for (Op& op : *ops) {
    if (op.kind == Op::Kind::kLog) op.label = "L" + std::to_string((*next)++);
    Number(&op.body, next);
  }
}

}  // namespace

rc::Gen<std::vector<Op>> GenOps(GenOptions o, int depth) {
  return rc::gen::exec([o, depth] {
    const int n = *rc::gen::inRange(depth == 0 ? 1 : 0, o.max_ops + 1);
    std::vector<Op> ops;
    for (int i = 0; i < n; ++i) ops.push_back(*GenOp(o, depth));
    return ops;
  });
}

void NumberLabels(std::vector<Op>* ops) {
  int next = 0;
  Number(ops, &next);
}

rc::Gen<scenario::Scenario> GenScenario(GenOptions o) {
  return rc::gen::exec([o] {
    scenario::Scenario s;
    s.config.cores = *rc::gen::inRange(1, 5);
    s.config.pool_size = *rc::gen::inRange(1, 7);
    s.config.seed = *rc::gen::arbitrary<uint32_t>();
    s.config.net_jitter_ms = *rc::gen::inRange(0, 3);
    s.main = *GenOps(o);
    NumberLabels(&s.main);
    return s;
  });
}

}  // namespace proptests
