// layout_gen — see layout_gen.hpp.
#include "layout_gen.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "corpus_gen.hpp"

namespace neardup::bench {
namespace {

// Short point lines of essays ("1、按时完成作业"): shared by unrelated essays.
constexpr std::string_view points[] = {
    "按时完成作业", "认真听讲",     "加强组织领导", "做好宣传教育", "落实工作责任", "严格排查登记",
    "坚持锻炼身体", "注意个人卫生", "团结同学",     "尊敬师长",     "勤俭节约",     "遵守纪律",
    "提高思想认识", "强化责任担当", "完善工作机制", "加强督促检查", "深入走访群众", "及时总结经验"};

enum class family {
  arabic_dun,
  arabic_dot,
  pian_chinese,
  pian_arabic,
  pian_colon,
  di_pian,
  bracket
};
constexpr std::size_t families = 7;

std::string numeral(det_rng& rng, unsigned n) {
  return rng.chance(0.5) ? chinese_numeral(n) : std::to_string(n);
}

std::string heading(family f, std::string const& title, unsigned n) {
  switch (f) {
    case family::arabic_dun:
      return std::to_string(n) + "、" + title;
    case family::arabic_dot:
      return std::to_string(n) + ". " + title;
    case family::pian_chinese:
      return title + "篇" + chinese_numeral(n);
    case family::pian_arabic:
      return title + "篇" + std::to_string(n);
    case family::pian_colon:
      return title + " 篇" + chinese_numeral(n) + ":";
    case family::di_pian:
      return "第" + std::to_string(n) + "篇：" + title;
    case family::bracket:
      break;
  }
  return "【篇" + chinese_numeral(n) + "】" + title;
}

/// A part of a file: lines and the essays in them (0-based lines within the part).
struct part {
  std::vector<std::string> lines;
  std::vector<planted_essay> essays;
  bool ends_with_button = false;

  void essay(std::vector<std::string> const& body, std::string const* head, std::string group) {
    planted_essay e;
    e.line = lines.size();
    if (head) lines.push_back(*head);
    for (auto const& l : body) lines.push_back(l);
    e.last_line = lines.size() - 1;
    e.group = std::move(group);
    essays.push_back(std::move(e));
  }
};

class generator {
 public:
  generator(layout_gen_options const& o) : o_(o), text_(o.essays_dir), rng_(o.seed) {}

  std::vector<layout_file> run() {
    namespace fs = std::filesystem;
    fs::path const root(o_.out_dir);
    fs::create_directories(root);
    std::ofstream truth(root / "truth.tsv", std::ios::binary | std::ios::trunc);
    if (!truth) throw std::runtime_error("cannot write " + (root / "truth.tsv").string());
    truth << "file\tline\tlast_line\tgroup\tkind\n";
    std::vector<layout_file> out;
    for (std::string_view const kind : layout_kinds) {
      for (std::size_t i = 0; i < o_.files_per_kind; ++i) {
        layout_file f;
        f.kind = std::string(kind);
        f.relative = "txt/" + f.kind + "/" + std::to_string(10000 + i).substr(1) + ".txt";
        std::vector<std::string> lines;
        make(kind, lines, f.essays);
        std::string text;
        for (std::size_t l = 0; l < lines.size(); ++l)
          text += lines[l] + (l + 1 < lines.size() || rng_.chance(0.5) ? "\n" : "");
        f.crlf = rng_.chance(o_.crlf_share);
        f.gb18030 = rng_.chance(o_.gb18030_share);
        if (f.crlf) text = to_crlf(text);
        if (f.gb18030) text = utf8_to_gb18030(text);
        fs::create_directories((root / f.relative).parent_path());
        std::ofstream file(root / f.relative, std::ios::binary | std::ios::trunc);
        file.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!file) throw std::runtime_error("cannot write " + (root / f.relative).string());
        for (auto const& e : f.essays)
          truth << f.relative << '\t' << e.line << '\t' << e.last_line << '\t' << e.group << '\t'
                << kind << '\n';
        out.push_back(std::move(f));
      }
    }
    if (!truth.flush()) throw std::runtime_error("cannot write " + (root / "truth.tsv").string());
    return out;
  }

 private:
  std::vector<std::string> body(std::size_t lo, std::size_t hi, std::size_t max_chars = 600) {
    std::vector<std::string> b;
    for (std::uint64_t k = 0, n = rng_.between(lo, hi); k < n; ++k)
      b.push_back(text_.paragraph(rng_, max_chars));
    return b;
  }

  std::string new_group() {
    std::string g = std::to_string(++groups_);
    g.insert(g.begin(), 'g');
    return g;
  }

  /// An essay's body and group: now and then a copy of an earlier essay (a planted duplicate).
  std::pair<std::vector<std::string>, std::string> essay_body(std::vector<std::string> b) {
    if (!copies_.empty() && rng_.chance(o_.copy_share)) {
      auto const& [body, group] = copies_[rng_.below(copies_.size())];
      return {body, group};
    }
    if (rng_.chance(o_.copy_share)) {
      std::string const group = new_group();
      copies_.emplace_back(b, group);
      return {std::move(b), group};
    }
    return {std::move(b), std::string()};
  }

  /// A list of numbered points inside an essay: short point lines, a short paragraph under each.
  void point_list(std::vector<std::string>& b) {
    bool const dot = rng_.chance(0.3);
    for (unsigned k = 1, n = static_cast<unsigned>(rng_.between(3, 6)); k <= n; ++k) {
      b.push_back(std::to_string(k) + (dot ? ". " : "、") +
                  std::string(points[rng_.below(std::size(points))]));
      for (std::uint64_t p = 0, m = rng_.between(1, 2); p < m; ++p)
        b.push_back(text_.paragraph(rng_, 200));
    }
  }

  /// A collection of one heading family, with or without a collection title and an editor's note.
  part collection(family f, bool lists, bool own_numbering) {
    part p;
    unsigned const n = static_cast<unsigned>(rng_.between(3, 9));
    std::string const topic = text_source::title(rng_);
    if (rng_.chance(0.3)) p.lines.push_back(topic + std::to_string(n) + "篇");
    if (rng_.chance(0.3))
      p.lines.push_back("以下是小编为大家收集的" + topic + "范文，仅供参考，欢迎大家阅读。");
    bool const blank = rng_.chance(0.3);
    for (unsigned k = 1; k <= n; ++k) {
      std::string title = text_source::title(rng_);
      if (own_numbering) {  // the source's own numbering, in any order, repeated
        constexpr std::string_view after[] = {"", ":", "：", " "};
        title += std::string(rng_.chance(0.3) ? " " : "") + "篇" +
                 numeral(rng_, static_cast<unsigned>(rng_.between(1, 12))) +
                 std::string(after[rng_.below(std::size(after))]);
      }
      std::vector<std::string> b = body(2, 6);
      if (lists && rng_.chance(0.6)) {
        std::vector<std::string> intro(b.begin(), b.begin() + 1);
        point_list(intro);
        intro.insert(intro.end(), b.begin() + 1, b.end());
        b = std::move(intro);
      }
      auto [text, group] = essay_body(std::move(b));
      std::string const h = heading(f, title, k);
      p.essay(text, &h, group);
      if (blank && k < n) p.lines.emplace_back();
    }
    if (rng_.chance(0.2)) {
      p.lines.push_back("一键复制");
      p.ends_with_button = true;
    }
    return p;
  }

  static void append(std::vector<std::string>& lines, std::vector<planted_essay>& essays,
                     part const& p, bool glued) {
    // Glued: the part's first line (a heading) ends the file's last line, as `cat` joins files
    // without a final line break. The essay then starts on its body's first line, unless the line
    // glued to is a button (the line is then the heading).
    bool const heading_first = !p.essays.empty() && p.essays.front().line == 0;
    glued = glued && !lines.empty() && heading_first;
    bool const after_button = glued && lines.back() == "一键复制";
    std::size_t const base = lines.size() - (glued ? 1 : 0);
    for (std::size_t i = 0; i < p.lines.size(); ++i) {
      if (i == 0 && glued)
        lines.back() += p.lines[0];
      else
        lines.push_back(p.lines[i]);
    }
    for (std::size_t k = 0; k < p.essays.size(); ++k) {
      planted_essay e = p.essays[k];
      bool const glued_head = glued && k == 0 && !after_button;
      e.line = base + e.line + 1 + (glued_head ? 1 : 0);
      e.last_line = base + e.last_line + 1;
      if (glued_head && !essays.empty()) essays.back().last_line = base + 1;
      essays.push_back(std::move(e));
    }
  }

  void make(std::string_view kind, std::vector<std::string>& lines,
            std::vector<planted_essay>& essays) {
    auto any_family = [&] { return static_cast<family>(rng_.below(families)); };
    if (kind == "collection") {
      append(lines, essays, collection(any_family(), false, false), false);
    } else if (kind == "mixed_families") {
      std::uint64_t const parts = rng_.between(2, 3);
      family last = any_family();
      for (std::uint64_t k = 0; k < parts; ++k) {
        family f;
        do f = any_family();
        while (k > 0 && f == last);
        last = f;
        append(lines, essays, collection(f, false, false), rng_.chance(0.5));
      }
    } else if (kind == "own_numbering") {
      append(lines, essays,
             collection(rng_.chance(0.5) ? family::arabic_dun : family::arabic_dot, false, true),
             false);
    } else if (kind == "points_in_collection") {
      append(lines, essays, collection(any_family(), true, false), false);
    } else if (kind == "points_essay") {
      part p;
      std::vector<std::string> b = body(1, 2);
      point_list(b);
      for (auto const& c : body(1, 2)) b.push_back(c);
      std::string const title = text_source::title(rng_);
      p.essay(b, rng_.chance(0.7) ? &title : nullptr, {});
      append(lines, essays, p, false);
    } else if (kind == "blank_separated") {
      part p;
      for (std::uint64_t k = 0, n = rng_.between(2, 8); k < n; ++k) {
        auto [text, group] = essay_body(body(2, 6));
        p.essay(text, nullptr, group);
        if (k + 1 < n) p.lines.emplace_back();
      }
      append(lines, essays, p, false);
    } else if (kind == "unheaded_first") {
      // A file of one unheaded essay joined with a collection (`cat essay.txt collection.txt`).
      part p;
      auto [text, group] = essay_body(body(2, 6));
      p.essay(text, nullptr, group);
      append(lines, essays, p, false);
      append(lines, essays, collection(any_family(), rng_.chance(0.3), false), rng_.chance(0.5));
    } else {  // concatenated: one collection twice, the copies planted duplicates
      part p = collection(any_family(), rng_.chance(0.3), false);
      for (auto& e : p.essays)
        if (e.group.empty()) e.group = new_group();
      append(lines, essays, p, false);
      append(lines, essays, p, rng_.chance(0.6));
    }
  }

  layout_gen_options const& o_;
  text_source text_;
  det_rng rng_;
  std::vector<std::pair<std::vector<std::string>, std::string>> copies_;
  std::size_t groups_ = 0;
};

}  // namespace

std::vector<layout_file> generate_layouts(layout_gen_options const& options) {
  return generator(options).run();
}

}  // namespace neardup::bench
