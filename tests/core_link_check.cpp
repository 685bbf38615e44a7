// Links neardup_core alone (no simdjson, no corpus layer) and runs its one-call API: two copies
// of a text, one in Traditional script, must come out as one cluster.
#include <cstdio>

#include "neardup/deduplicator.hpp"

int main() {
  neardup::deduplicator dedup;
  dedup.add("a", "疫情防控要坚持全国一盘棋，各地区各部门要服从党中央统一指挥、统一协调、统一调度。");
  dedup.add("b", "疫情防控要堅持全國一盤棋，各地區各部門要服從黨中央統一指揮、統一協調、統一調度。");
  dedup.add("c", "春天来了，小草从土里探出头来，柳树抽出了新的枝条，燕子从南方飞回来了。");
  auto const result = dedup.run();
  if (result.clusters.size() != 1 || result.clusters[0].members.size() != 2) {
    std::fprintf(stderr, "core_link_check: expected one cluster of two, got %zu clusters\n",
                 result.clusters.size());
    return 1;
  }
  std::puts("core_link_check: neardup_core clusters the Traditional copy with its original");
  return 0;
}
