// End-to-end tests of dedup --format html: the bundled essays' page, hostile file names and essays,
// and the page loaded in headless Chromium (marks where the file put them, no injected script ran,
// the on-demand rendering of a cluster beyond --html-full-texts, a screenshot).
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <regex>

#include "cli_helpers.hpp"
#include "html_page.hpp"
#include "random_text.hpp"

namespace fs = std::filesystem;

using cli::quote;
using cli::run_dedup;
using cli::slurp;
using cli::temp_dir;
using cli::write_file;

namespace {

std::size_t count(std::string const& text, std::string const& what) {
  std::size_t n = 0;
  for (std::size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += what.size()) ++n;
  return n;
}

/// Essays that try to add markup, in files whose names try too (one name is not UTF-8).
void write_hostile_corpus(fs::path const& dir) {
  std::string const body =
      "各地区各部门必须增强大局意识和全局观念，坚决服从中央应对疫情工作领导小组的指挥，做到令行禁止"
      "、守土有责。"
      "<script>document.body.setAttribute('data-pwned','1')</script>"
      "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\"></textarea></script>"
      "\"'` \x01\x1b "
      "春天来了，小草从地下探出头来，柳树发芽了，燕子从南方飞回来了，孩子们在田野里奔跑。\n";
  write_file(dir / "<img src=x onerror=alert(1)>.txt", body);
  write_file(dir / "\"quoted' & </script>.txt", body + "又加了一句话。\n");
  write_file(dir / "bad\xff\xfe name.txt",
             "开头不同的引子写在这里。" + body.substr(0, 150) + "后面另有内容。\n");
}

/// The chromium program, or empty where it is not installed.
std::string chromium() {
  for (char const* name : {"chromium", "chromium-browser"})
    if (std::system(("command -v " + std::string(name) + " >/dev/null 2>&1").c_str()) == 0)
      return name;
  return {};
}

/// `page` (a file URL, with a fragment if any) loaded in headless Chromium: the DOM after its
/// script ran, or a screenshot to `screenshot`.
std::string browse(std::string const& browser, std::string const& url,
                   std::string const& screenshot = {}) {
  temp_dir profile;
  fs::path const dom = profile.path / "dom.html";
  std::string const what = screenshot.empty()
                               ? "--dump-dom"
                               : "--screenshot=" + quote(screenshot) + " --window-size=1280,900";
  std::string const cmd = "timeout 120 " + browser +
                          " --headless --no-sandbox --disable-gpu --no-first-run " +
                          "--user-data-dir=" + quote((profile.path / "profile").string()) + " " +
                          what + " " + quote(url) + " >" + quote(dom.string()) + " 2>/dev/null";
  int const status = std::system(cmd.c_str());
  INFO(cmd);
  REQUIRE(status == 0);
  return slurp(dom);
}

}  // namespace

TEST_CASE(
    "dedup --format html on the bundled essays: clusters, passage pairs, marks, --no-passages",
    "[html][dedup]") {
  temp_dir out;
  std::string const page = (out.path / "report.html").string();
  auto const r = run_dedup("--format html -o " + quote(page) + " " + quote(NEARDUP_ESSAYS_DIR));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("Summary") != std::string::npos);  // the summary goes to standard error too
  std::string const html = slurp(page);
  CHECK(count(html, "<section class=\"item cluster\"") == 1);
  CHECK(count(html, "<section class=\"item pair\"") >= 2);  // passages are on by default
  CHECK(count(html, "<mark ") >= 6);
  CHECK(html_page::foreign_markup(html).empty());
  auto const clusters_only = run_dedup("--format html --no-passages " + quote(NEARDUP_ESSAYS_DIR));
  REQUIRE(clusters_only.exit_code == 0);
  CHECK(count(clusters_only.out, "<section class=\"item cluster\"") == 1);
  CHECK(count(clusters_only.out, "<section class=\"item pair\"") == 0);
  CHECK(
      run_dedup("--format html --passages --no-passages " + quote(NEARDUP_ESSAYS_DIR)).exit_code ==
      2);
  // The page is the same on any number of threads, but for the summary's times.
  auto without_times = [](std::string const& text) {
    std::string const lines = std::regex_replace(text, std::regex("(bytes|time): [^\n]*\n"), "");
    return std::regex_replace(lines, std::regex("; [0-9.]+ s\n"), "\n");  // the passages' seconds
  };
  auto const one = run_dedup("--format html -j 1 " + quote(NEARDUP_ESSAYS_DIR));
  auto const three = run_dedup("--format html -j 3 " + quote(NEARDUP_ESSAYS_DIR));
  CHECK(without_times(one.out) == without_times(three.out));
  auto const help = run_dedup("--help");
  CHECK(help.out.find("--html-full-texts") != std::string::npos);
  CHECK(help.out.find("unless --no-passages") != std::string::npos);
}

TEST_CASE("dedup --format html: hostile essays and file names add no markup", "[html][dedup]") {
  temp_dir dir;
  write_hostile_corpus(dir.path / "in");
  auto const r = run_dedup("--format html " + quote((dir.path / "in").string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto const foreign = html_page::foreign_markup(r.out);
  CAPTURE(foreign);
  CHECK(foreign.empty());
  CHECK(count(r.out, "<script") == 2);
  CHECK(count(r.out, "</script") == 2);
  CHECK(r.out.find("<img") == std::string::npos);
  CHECK(r.out.find("&lt;img src=x onerror=alert(1)&gt;.txt") != std::string::npos);
  CHECK(count(r.out, "<section class=\"item cluster\"") == 1);
  CHECK(count(r.out, "<section class=\"item pair\"") >= 1);
  // The summary names each skipped file and why, its name escaped.
  write_file(dir.path / "in" / "<i>empty.txt", "");
  auto const skipped = run_dedup("--format html " + quote((dir.path / "in").string()));
  REQUIRE(skipped.exit_code == 0);
  CHECK(skipped.out.find("files:     3 read, 1 skipped") != std::string::npos);
  CHECK(skipped.out.find("&lt;i&gt;empty.txt: ") != std::string::npos);
  CHECK(html_page::foreign_markup(skipped.out).empty());
}

TEST_CASE(
    "the HTML report in headless Chromium: marks on the passages, no injected script, items opened "
    "on demand",
    "[html][browser]") {
  std::string const browser = chromium();
  if (browser.empty()) {
    WARN(
        "not tested: chromium is not installed here (bash scripts/install-deps.sh --html installs "
        "it)");
    return;
  }
  temp_dir dir;
  write_hostile_corpus(dir.path / "in");
  std::string const page = (dir.path / "report.html").string();
  auto const r = run_dedup("--format html -o " + quote(page) + " " +
                           quote((dir.path / "in").string()) + " " + quote(NEARDUP_ESSAYS_DIR));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string const html = slurp(page);
  // Each section loads the page once (Catch runs the code outside sections for each of them).
  SECTION("the script ran and nothing else did; the marks are where the file put them") {
    std::string const dom = browse(browser, "file://" + page);
    // The script ran (it renders the lists and says how many items it indexed).
    std::smatch rendered;
    REQUIRE(std::regex_search(dom, rendered, std::regex("<body data-rendered=\"([0-9]+)\"")));
    CHECK(std::stoi(rendered[1]) >= 4);
    // No injected script ran: the essays' text says data-pwned, but only as text.
    CHECK(dom.find("data-pwned=") == std::string::npos);
    CHECK(count(dom, "<script") == 2);
    CHECK(dom.find("<img") == std::string::npos);
    CHECK(count(dom, "<tr><td class=\"num\"><a href=\"#c") >= 2);  // the clusters' list
    // The browser read the marks where the file put them: the same marks, with the same texts.
    auto marks = [](std::string const& text) {
      std::vector<std::string> out;
      for (auto const& e : html_page::elements(text))
        if (e.name == "mark")
          out.push_back(e.attribute("data-p") + ":" + html_page::unescape(e.text));
      return out;
    };
    auto const in_file = marks(html), in_dom = marks(dom);
    CHECK(in_file.size() >= 8);
    CHECK(in_dom == in_file);
    // The bundled essays' copied run is marked: essay 4 of the first file shares it with 1 and 7.
    CHECK(html.find("<mark class=\"m0\" data-p=\"0\">") != std::string::npos);
  }

  SECTION("beyond --html-full-texts the lists are data, and an item opens from its address") {
    std::string const lean = (dir.path / "lean.html").string();
    REQUIRE(run_dedup("--format html --html-full-texts 0 -o " + quote(lean) + " " +
                      quote((dir.path / "in").string()))
                .exit_code == 0);
    std::string const opened = browse(browser, "file://" + lean + "#c1");
    CHECK(opened.find("<section class=\"item\" id=\"c1\"><h2>Cluster 1 · 2 essays</h2>") !=
          std::string::npos);
    CHECK(opened.find("data-pwned=") == std::string::npos);
    CHECK(opened.find("<img") == std::string::npos);
    CHECK(opened.find("&lt;img src=x onerror=alert(1)&gt;.txt") != std::string::npos);  // as text
  }
  SECTION("a click on a passage brings the other side to it") {
    // The report in a frame of a page that clicks the A side's second passage of the first pair
    // with two and says where the B side's pane then shows that passage.
    write_file(dir.path / "click.html", R"(<!DOCTYPE html><html><body>
<iframe id="f" src="report.html" style="width:1200px;height:900px"></iframe><script>
document.getElementById('f').onload = function () {
  var doc = this.contentDocument, out = 'none';
  var mark = doc.querySelector('.item.pair .side:first-child mark[data-p="1"]');
  if (mark) {
    var other = mark.closest('.compare').querySelectorAll('.side')[1], pane = other.querySelector('.text');
    mark.click();
    var target = other.querySelector('mark[data-p="1"]'), at = target.offsetTop - pane.scrollTop;
    out = 'flash=' + target.classList.contains('flash') + ' shown=' + (at >= 0 && at < pane.clientHeight);
  }
  document.body.setAttribute('data-result', out);
};
</script></body></html>)");
    std::string const clicked =
        browse(browser + " --allow-file-access-from-files --virtual-time-budget=3000",
               "file://" + (dir.path / "click.html").string());
    CHECK(clicked.find("data-result=\"flash=true shown=true\"") != std::string::npos);
  }
  SECTION("the filter narrows the lists and hides what does not match") {
    // A frame of the report, filtered by a file name and then by text none of it holds.
    write_file(dir.path / "filter.html", R"(<!DOCTYPE html><html><body>
<iframe id="f" src="report.html" style="width:1200px;height:900px"></iframe><script>
document.getElementById('f').onload = function () {
  var doc = this.contentDocument, box = doc.getElementById('filter'), out = [];
  function shown() {
    var hidden = 0;
    doc.querySelectorAll('section.item').forEach(function (s) { hidden += s.hidden ? 1 : 0; });
    return doc.querySelectorAll('#cluster-rows tr').length + '/' + doc.querySelectorAll('#pair-rows tr').length +
        '/' + hidden;
  }
  out.push(shown());
  box.value = 'ONERROR=ALERT(1)>.TXT';  // a file name, in other case
  box.dispatchEvent(new Event('input'));
  setTimeout(function () {
    out.push(shown());
    box.value = 'no essay says this';
    box.dispatchEvent(new Event('input'));
    setTimeout(function () { out.push(shown()); document.body.setAttribute('data-result', out.join(' ')); }, 400);
  }, 400);
};
</script></body></html>)");
    std::string const filtered =
        browse(browser + " --allow-file-access-from-files --virtual-time-budget=5000",
               "file://" + (dir.path / "filter.html").string());
    std::smatch result;
    REQUIRE(std::regex_search(filtered, result,
                              std::regex("data-result=\"([0-9/]+) ([0-9/]+) ([0-9/]+)\"")));
    INFO(result[0]);
    // Everything at first; then the hostile-named file's cluster and pairs; then nothing.
    int c0 = 0, p0 = 0, h0 = 0, c1 = 0, p1 = 0, h1 = 0, c2 = 0, p2 = 0, h2 = 0;
    REQUIRE(std::sscanf(std::string(result[1]).c_str(), "%d/%d/%d", &c0, &p0, &h0) == 3);
    REQUIRE(std::sscanf(std::string(result[2]).c_str(), "%d/%d/%d", &c1, &p1, &h1) == 3);
    REQUIRE(std::sscanf(std::string(result[3]).c_str(), "%d/%d/%d", &c2, &p2, &h2) == 3);
    CHECK(h0 == 0);
    CHECK(c1 == 1);
    CHECK(p1 >= 1);
    CHECK(p1 < p0);
    CHECK(h1 == c0 + p0 - c1 - p1);
    CHECK(c2 == 0);
    CHECK(p2 == 0);
    CHECK(h2 == c0 + p0);
  }
  SECTION("a large run's lists are paged") {
    // 115 pairs of copies, each of its own text: 115 clusters and 115 passage pairs.
    temp_dir many;
    std::mt19937 rng(7);
    for (int n = 0; n < 115; ++n) {
      std::string const text = test_files::random_body(rng, 4);
      for (char const side : {'a', 'b'}) {
        std::string name(1, side);  // a0.txt, b0.txt, ...
        name += std::to_string(n);
        name += ".txt";
        write_file(many.path / name, text);
      }
    }
    std::string const big = (many.path / "big.html").string();
    REQUIRE(run_dedup("--format html --html-full-texts 10 -o " + quote(big) + " " +
                      quote(many.path.string()))
                .exit_code == 0);
    std::string const dom = browse(browser, "file://" + big);
    CHECK(count(dom, "<section class=\"item cluster\"") == 10);
    CHECK(count(dom, "<tr><td class=\"num\"><a href=\"#c") == 100);
    CHECK(count(dom, "<tr><td class=\"num\"><a href=\"#p") == 100);
    CHECK(count(dom, "page 1 of 2 · 115 shown of 115") == 2);
  }
  SECTION("a screenshot") {
    std::string const png = (dir.path / "report.png").string();
    browse(browser, "file://" + page, png);
    REQUIRE(fs::exists(png));
    CHECK(fs::file_size(png) > 10000);
  }
}
