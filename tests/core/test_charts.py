"""Server-drawn bar charts: geometry that matches the numbers, escaped text, accessible markup.

The SVG and the table are parsed as XML, so a broken tag, an unescaped label or a stray
control character fails here before any browser sees it.
"""

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2
import pytest

from portal import charts
from portal.charts import bar_chart, chart_table

NS = "{http://www.w3.org/2000/svg}"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SCRIPT = "<script>alert(1)</script>"


def parse(markup) -> ET.Element:
    # Our own output, parsed to prove it is well-formed; it declares no DTD or entity.
    return ET.fromstring(str(markup))  # noqa: S314


def draw(points, **options) -> ET.Element:
    options = {"title": "Reports per week", "description": "Reports.", **options}
    return parse(bar_chart(points, **options))


def bars(svg: ET.Element) -> list[ET.Element]:
    return svg.findall(f"{NS}g[@class='bars']/{NS}rect")


def heights(svg: ET.Element) -> list[float]:
    return [float(rect.get("height")) for rect in bars(svg)]


def baseline(svg: ET.Element) -> float:
    [line] = svg.findall(f"{NS}line")
    assert line.get("y1") == line.get("y2")
    return float(line.get("y1"))


def x_labels(svg: ET.Element) -> list[ET.Element]:
    return svg.findall(f"{NS}g[@class='labels']/{NS}text")


def texts(svg: ET.Element, group: str) -> list[str]:
    return [text.text for text in svg.findall(f"{NS}g[@class='{group}']/{NS}text")]


def estimated_width(text: str) -> float:
    """Width at the chart's font size: CJK a full em, other characters 0.6 em."""
    return sum(1.0 if "\u3000" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" else 0.6
               for c in text) * charts.FONT_SIZE


def contrast_on_white(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_the_chart_is_one_image_named_by_its_own_title_and_description():
    svg = draw([("Mon", 3), ("Tue", 5)], title="Reports per week", description="Two days.")
    assert svg.tag == f"{NS}svg"
    assert svg.get("role") == "img"
    assert svg.get("focusable") == "false"
    assert svg.get("viewBox") == "0 0 640 240"
    assert svg.get("width") == "100%"
    assert svg.get("preserveAspectRatio") == "xMidYMid meet"
    title, desc = svg.find(f"{NS}title"), svg.find(f"{NS}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Reports per week"
    assert desc.text.startswith("Two days.")


def test_the_chart_needs_no_script_style_or_outside_resource():
    markup = str(bar_chart([("a", 1), ("b", 2)], title="t", description="d"))
    tags = {element.tag.removeprefix(NS) for element in parse(markup).iter()}
    assert tags <= {"svg", "title", "desc", "g", "rect", "line", "text"}
    assert "href" not in markup
    assert "style" not in markup


def test_bar_heights_are_proportional_to_the_values():
    svg = draw([("a", 10), ("b", 40), ("c", 25), ("d", 0)])
    a, b, c, d = heights(svg)
    assert b / a == pytest.approx(4, rel=1e-3)
    assert c / b == pytest.approx(25 / 40, rel=1e-3)
    assert d == 0


def test_every_bar_stands_on_the_baseline():
    svg = draw([(str(i), (i * 7) % 11) for i in range(30)])
    for rect in bars(svg):
        bottom = float(rect.get("y")) + float(rect.get("height"))
        assert bottom == pytest.approx(baseline(svg), abs=0.02)


@pytest.mark.parametrize("values", [[1, 2, 3], [3, 1, 2], [(i * 37) % 23 for i in range(52)]])
def test_the_tallest_bar_fills_the_plot_whatever_the_scale(values):
    small = draw([(str(i), v) for i, v in enumerate(values)])
    large = draw([(str(i), v * 1000) for i, v in enumerate(values)])
    for svg in (small, large):
        tallest = max(heights(svg))
        assert heights(svg).index(tallest) == values.index(max(values))
        # The plot takes most of the drawing, from just under the top to the baseline.
        assert tallest > 0.6 * 240
        assert baseline(svg) - tallest >= 0
    assert max(heights(small)) == pytest.approx(max(heights(large)), abs=0.02)


def test_gridlines_sit_at_the_height_of_the_value_they_name():
    values = [(i * 37) % 23 * 41 for i in range(52)]
    svg = draw([(f"W{i}", v) for i, v in enumerate(values)], value_label=lambda v: f"{v:,}")
    assert texts(svg, "values") == []  # 52 bars leave no room for a value on each
    tallest = max(heights(svg))
    ticks = svg.findall(f"{NS}g[@class='grid']/{NS}text")
    assert [t.text for t in ticks] == ["0", "250", "500", "750"]  # the tallest is 902
    for tick in ticks:
        value = int(tick.text.replace(",", ""))
        assert value <= max(values)
        expected_y = baseline(svg) - value / max(values) * tallest
        # A tick's text is drawn a third of a line below the gridline, to centre it on it.
        assert float(tick.get("y")) - charts.FONT_SIZE * 0.35 == pytest.approx(expected_y, abs=0.05)


def test_values_are_written_on_the_bars_when_they_fit():
    svg = draw([("Jan", 1200), ("Feb", 7), ("Mar", 0)], value_label=lambda v: f"{v:,}")
    assert texts(svg, "values") == ["1,200", "7", "0"]
    assert svg.findall(f"{NS}g[@class='grid']/*") == []
    # The value over the tallest bar stays inside the drawing.
    tops = [float(t.get("y")) for t in svg.findall(f"{NS}g[@class='values']/{NS}text")]
    assert min(tops) - charts.FONT_SIZE >= 0


def test_an_all_zero_series_draws_flat_bars_and_no_broken_number():
    for svg in (draw([("a", 0), ("b", 0), ("c", 0)]), draw([(str(i), 0) for i in range(40)])):
        assert set(heights(svg)) == {0}
        for element in svg.iter():
            if element is svg:
                continue  # its width is "100%"
            for name in ("x", "y", "x1", "x2", "y1", "y2", "width", "height"):
                if element.get(name) is not None:
                    number = float(element.get(name))
                    assert math.isfinite(number)
                    assert number >= 0


def test_fractional_values_draw_in_proportion():
    svg = draw([("a", 0.5), ("b", 2.0), ("c", 1.25)], value_label=lambda v: f"{v:.2f}")
    a, b, c = heights(svg)
    assert a / b == pytest.approx(0.25, rel=1e-3)
    assert c / b == pytest.approx(0.625, rel=1e-3)
    assert texts(svg, "values") == ["0.50", "2.00", "1.25"]


def test_an_empty_series_gives_a_short_chart_without_bars():
    svg = draw([], title="Reports per month", description="No reports yet.")
    assert bars(svg) == []
    assert svg.find(f"{NS}title").text == "Reports per month"
    assert svg.find(f"{NS}desc").text == "No reports yet."
    *_, height = (float(n) for n in svg.get("viewBox").split())
    assert height < 240


@pytest.mark.parametrize("value", [-1, math.nan, math.inf])
def test_a_value_that_is_not_a_count_is_refused(value):
    with pytest.raises(ValueError, match="counts"):
        bar_chart([("a", 1), ("b", value)], title="t", description="d")


def test_a_chart_too_small_to_hold_its_text_is_refused():
    with pytest.raises(ValueError, match="too small"):
        bar_chart([("a", 1)], title="t", description="d", width=100)


def test_labels_and_titles_are_text_never_markup():
    points = [(SCRIPT, 2), ('A & "B"', 5), ("C'", 1)]
    markup = str(bar_chart(points, title="<b>Reports</b>", description="It's <i>d</i>."))
    assert "<script" not in markup and "<b>" not in markup and "<i>" not in markup
    svg = parse(markup)
    assert {element.tag.removeprefix(NS) for element in svg.iter()}.isdisjoint(
        {"script", "b", "i"}
    )
    assert svg.find(f"{NS}title").text == "<b>Reports</b>"
    desc = svg.find(f"{NS}desc").text
    assert f"{SCRIPT}: 2" in desc and 'A & "B": 5' in desc and "C': 1" in desc
    shown = [text.text for text in x_labels(svg)]
    assert shown[0] == SCRIPT and shown[-1] == "C'"


def test_a_formatted_value_is_escaped_too():
    svg = draw([("a", 1)], value_label=lambda v: f"<{v}> & more")
    assert texts(svg, "values") == ["<1> & more"]


def test_control_characters_become_spaces():
    svg = draw([("a\x00b", 1), ("c\x1bd", 2)], title="t\x0bt")
    assert [text.text for text in x_labels(svg)] == ["a b", "c d"]
    assert svg.find(f"{NS}title").text == "t t"


def test_two_charts_on_one_page_have_no_id_in_common():
    first, second = draw([("a", 1)]), draw([("a", 1)])
    first_ids = {e.get("id") for e in first.iter() if e.get("id")}
    second_ids = {e.get("id") for e in second.iter() if e.get("id")}
    assert len(first_ids) == len(second_ids) == 2
    assert first_ids.isdisjoint(second_ids)
    for svg, ids in ((first, first_ids), (second, second_ids)):
        assert set(svg.get("aria-labelledby").split()) == ids


def test_twelve_short_labels_all_show():
    svg = draw([(str(month), month) for month in range(1, 13)])
    assert [text.text for text in x_labels(svg)] == [str(month) for month in range(1, 13)]


@pytest.mark.parametrize("count", [13, 14, 26, 27, 52, 53])
@pytest.mark.parametrize("label", ["week {}", "{}주", "tuần {}/12"])
def test_many_labels_are_thinned_keeping_the_first_and_the_last(count, label):
    names = [label.format(i + 1) for i in range(count)]
    svg = draw([(name, i) for i, name in enumerate(names)])
    shown = x_labels(svg)
    assert 2 <= len(shown) < count
    assert shown[0].text == names[0] and shown[-1].text == names[-1]
    assert [t.text for t in shown] == sorted((t.text for t in shown), key=names.index)
    for left, right in zip(shown, shown[1:], strict=False):
        gap = float(right.get("x")) - float(left.get("x"))
        assert gap >= (estimated_width(left.text) + estimated_width(right.text)) / 2


@pytest.mark.parametrize("months", [
    [f"2025年{m}月" for m in range(1, 13)],
    [f"2025년 {m}월" for m in range(1, 13)],
    [f"thg {m} 2025" for m in range(1, 13)],
])
def test_wide_month_labels_do_not_overlap(months):
    shown = x_labels(draw([(month, 5) for month in months]))
    assert shown[0].text == months[0] and shown[-1].text == months[-1]
    for left, right in zip(shown, shown[1:], strict=False):
        gap = float(right.get("x")) - float(left.get("x"))
        assert gap >= (estimated_width(left.text) + estimated_width(right.text)) / 2
    for text in shown:  # the first and last stay inside the drawing
        half = estimated_width(text.text) / 2
        assert half <= float(text.get("x")) <= 640 - half


def test_highlight_last_colours_only_the_last_bar():
    plain, marked = draw([("a", 1), ("b", 2), ("c", 3)]), draw(
        [("a", 1), ("b", 2), ("c", 3)], highlight_last=True
    )
    assert [rect.get("fill") for rect in bars(plain)] == [None, None, None]
    assert [rect.get("fill") for rect in bars(marked)] == [None, None, charts.HIGHLIGHT]
    weights = [t.get("font-weight") for t in marked.findall(f"{NS}g[@class='values']/{NS}text")]
    assert weights == [None, None, "700"]


def test_the_colours_contrast_with_a_white_page():
    assert contrast_on_white(charts.BAR) >= 3
    assert contrast_on_white(charts.HIGHLIGHT) >= 3
    assert contrast_on_white(charts.GRID) >= 3
    assert charts.BAR != charts.HIGHLIGHT


def test_the_description_lists_the_values_only_when_they_are_few():
    few = draw([("Jan", 3), ("Feb", 1200)], description="Two months.",
               value_label=lambda v: f"{v:,}")
    assert few.find(f"{NS}desc").text == "Two months. Jan: 3; Feb: 1,200"
    many = draw([(f"W{i}", i) for i in range(52)], description="A year of weeks.")
    assert many.find(f"{NS}desc").text == "A year of weeks."


def test_the_table_has_one_row_per_point_with_the_formatted_values():
    points = [("Jan 2025", 3), (SCRIPT, 1200), ('A & "B"', 0)]
    markup = str(chart_table(points, caption="Reports per month", label_header="Month",
                             value_header="Reports", value_label=lambda v: f"{v:,} reports"))
    assert "<script" not in markup
    table = parse(markup)
    assert table.find("caption").text == "Reports per month"
    headers = table.findall("thead/tr/th")
    assert [(th.get("scope"), th.text) for th in headers] == [("col", "Month"), ("col", "Reports")]
    rows = table.findall("tbody/tr")
    assert [(row.find("th").text, row.find("td").text) for row in rows] == [
        ("Jan 2025", "3 reports"), (SCRIPT, "1,200 reports"), ('A & "B"', "0 reports"),
    ]
    assert {row.find("th").get("scope") for row in rows} == {"row"}


def test_an_empty_table_keeps_its_caption_and_headers():
    table = parse(chart_table([], caption="c", label_header="l", value_header="v"))
    assert table.find("caption").text == "c"
    assert len(table.findall("thead/tr/th")) == 2
    assert table.findall("tbody/tr") == []


def test_the_macro_puts_the_table_in_a_disclosure_under_the_chart():
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True
    )
    macro = environment.get_template("charts/macros.html").module.chart_with_table
    points = [("Jan", 3)]
    html = str(macro(
        bar_chart(points, title="t", description="d."),
        chart_table(points, caption="c", label_header="l", value_header="v"),
        "Show the <numbers>",
    ))
    figure = parse(html)
    assert [child.tag for child in figure] == [f"{NS}svg", "details"]
    assert figure.find("details/summary").text == "Show the <numbers>"
    assert figure.find("details/table") is not None
    assert re.search(r"<summary>Show the &lt;numbers&gt;</summary>", html)
