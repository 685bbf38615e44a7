// Deduplicates a few texts through the installed public API; exits non-zero when the result is wrong.
#include <neardup/neardup.hpp>

#include <iostream>

int main() {
  neardup::deduplicator dedup;
  dedup.add("simplified", "疫情防控要坚持全国一盘棋，各级党委和政府必须坚决服从党中央统一指挥、统一协调、统一调度。");
  dedup.add("traditional", "疫情防控要堅持全國一盤棋,各級黨委和政府必須堅決服從黨中央統一指揮、統一協調、統一調度!");
  dedup.add("other", "一线天，因两壁夹峙，缝隙所见天空如一条线而得名，游人至此无不仰望惊叹。");
  auto const result = dedup.run();
  std::cout << "neardup " << neardup::version_string << ": " << result.clusters.size() << " cluster(s)\n";
  for (auto const& c : result.clusters)
    for (auto const& m : c.members) std::cout << "  " << dedup.id(m.doc) << " " << m.similarity << "\n";
  bool const ok = result.clusters.size() == 1 && result.clusters[0].members.size() == 2 &&
                  dedup.id(result.clusters[0].members[1].doc) == "traditional";
  std::cout << (ok ? "consumer: ok\n" : "consumer: WRONG RESULT\n");
  return ok ? 0 : 1;
}
