"""reports/index.html: key figures as text shortened before it is escaped (a cut never falls inside
markup), each notebook's full values in NAME.summary.json, linked from its row. No kernel needed."""
import html.parser
import importlib.util
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("tutorials", ROOT / "scripts" / "tutorials.py")
tutorials = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tutorials)


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.links = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs)["href"])
        if tag in ("ul", "li", "b", "a", "td", "code"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in ("ul", "li", "b", "a", "td", "code"):
            if not self.stack or self.stack[-1] != tag:
                self.errors.append(tag)
            else:
                self.stack.pop()


def test_index_never_cuts_inside_markup_and_links_the_full_values(tmp_path):
    figures = {"finalLoss": 0.358213, "leftC0Step": 2017, "quoted": '"&q' * 200, "plateaus": [{"start": 0, "end": 529}] * 9, "escapes": [532] * 9, "ratio": 9544537613191012, "nan": None}
    results = [{"notebook": "05-mnist-figure-1", "seconds": 38.8, "scale": "fast", "figures": figures}]
    tutorials.write_index(tmp_path, results)
    page = (tmp_path / "index.html").read_text()
    tags = Tags()
    tags.feed(page)
    assert tags.errors == [] and tags.stack == []
    assert "05-mnist-figure-1.summary.json" in tags.links
    assert json.loads((tmp_path / "05-mnist-figure-1.summary.json").read_text())["figures"] == figures
    assert "<b>final loss</b> 0.3582" in page and "<b>left C0 step</b> 2017" in page and "<b>ratio</b> 9.545e+15" in page and "<b>nan</b> –" in page
    assert "… (9 in all)" in page
    # The long value is cut as text (…) and then escaped: no entity is split.
    quoted = page.split("<b>quoted</b> ")[1].split("</li>")[0]
    assert quoted.endswith("…") and quoted.count("&") == quoted.count("&quot;") + quoted.count("&amp;")
