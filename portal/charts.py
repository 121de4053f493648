"""Bar charts drawn on the server as inline SVG, and the same numbers as an HTML table.

No script and no external resource: the SVG is plain markup that scales with its container
(``viewBox``, ``width="100%"``). Labels and formatted values arrive already translated, so this
module adds no text of its own. The chart is one image for assistive technology (``role="img"``
named by its ``<title>`` and ``<desc>``); ``chart_table`` is its accessible equivalent, which
pages show under the chart (``chart_with_table`` in ``templates/charts/macros.html``).

The ``<desc>`` is the given description followed by the values when they are few and short,
so end the description with a full stop. ``highlight_last`` marks the last bar by colour (and
its value in bold): say in the page's text what it means, such as "this week so far".
"""

import math
import unicodedata
import uuid
from collections.abc import Callable, Sequence

from markupsafe import Markup

Number = int | float
Point = tuple[str, Number]

# Colours on a white page (WCAG 1.4.11 asks 3:1 for graphics, 1.4.3 asks 4.5:1 for text).
BAR = "#0b4f8a"  # the portal's brand blue, 8.4:1
HIGHLIGHT = "#b45309"  # amber, 5.0:1; blue and amber stay apart for colour-blind readers
GRID = "#8a8a8a"  # 3.5:1
# Text and the baseline use the page's own colour (currentColor), so forced-colour modes and
# the page's ink apply to them.

# Sizes are in viewBox units, and the chart scales with its container. 18 units in the default
# 640-unit width are about 10px on a phone (360-430px wide) and 18-27px on a desktop: smaller
# text would be unreadable on the phone. A chart for a narrow column can pass a smaller width.
FONT_SIZE = 18
# Empty space kept between two x labels and around the plot, in viewBox units.
LABEL_GAP = 10
PAD = 4
# Bars take this share of their slot, the rest being the gap between bars, up to a width that
# keeps a short series from looking like blocks.
BAR_SHARE = 0.7
BAR_MAX_WIDTH = 4 * FONT_SIZE
# At most this many points, and this much text, are repeated in the <desc>.
DESC_MAX_POINTS = 12
DESC_MAX_CHARS = 240
EMPTY_MARK = "\u2014"  # an em dash: "no value", in every language
# Label thinning steps, in bars (every 2nd, 3rd, 4th, 6th... label).
LABEL_STEPS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 26, 52)
SVG = Markup(
    '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"'
    ' aria-labelledby="{id}-title {id}-desc" focusable="false" viewBox="0 0 {width} {height}"'
    ' width="100%" preserveAspectRatio="xMidYMid meet" font-size="{font_size}">'
    '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
)


def bar_chart(
    points: Sequence[Point],
    *,
    title: str,
    description: str,
    value_label: Callable[[Number], str] = str,
    width: int = 640,
    height: int = 240,
    highlight_last: bool = False,
) -> Markup:
    """Draw one vertical bar per ``(label, value)`` point as an inline, accessible SVG."""
    points = _checked(points)
    chart_id = f"chart-{uuid.uuid4().hex[:12]}"
    values = [value for _, value in points]
    desc = description
    if points:
        listing = "; ".join(f"{label}: {value_label(value)}" for label, value in points)
        if len(points) <= DESC_MAX_POINTS and len(listing) <= DESC_MAX_CHARS:
            desc = f"{description} {listing}" if description else listing
    if not points:
        height = min(height, FONT_SIZE * 5)
    if width < 10 * FONT_SIZE or height < 4 * FONT_SIZE:
        raise ValueError(f"a {width}x{height} chart is too small to draw")
    body = _empty_plot(width, height) if not points else _bars(
        points, values, value_label=value_label, width=width, height=height,
        highlight_last=highlight_last,
    )
    return SVG.format(
        id=chart_id, width=width, height=height, font_size=FONT_SIZE,
        title=_clean(title), desc=_clean(desc), body=body,
    )


def chart_table(
    points: Sequence[Point],
    *,
    caption: str,
    label_header: str,
    value_header: str,
    value_label: Callable[[Number], str] = str,
) -> Markup:
    """Give a chart's points as an HTML table: one row per point, its label a row header."""
    rows = Markup("").join(
        Markup('<tr><th scope="row">{}</th><td>{}</td></tr>').format(
            _clean(label), _clean(value_label(value))
        )
        for label, value in _checked(points)
    )
    return Markup(
        '<table class="chart-table"><caption>{}</caption><thead><tr>'
        '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>'
    ).format(_clean(caption), _clean(label_header), _clean(value_header), rows)


def _checked(points: Sequence[Point]) -> list[Point]:
    """Return the points as a list; a bar chart of counts has no negative or endless value."""
    points = list(points)
    for label, value in points:
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"cannot draw {value!r} for {label!r}: values are counts")
    return points


def _bars(
    points: list[Point],
    values: list[Number],
    *,
    value_label: Callable[[Number], str],
    width: int,
    height: int,
    highlight_last: bool,
) -> Markup:
    """Draw the gridlines or bar values, the bars, the baseline and the x labels."""
    count = len(points)
    top_value = max(values)
    value_texts = [_clean(value_label(value)) for value in values]
    x_labels = [_clean(label) for label, _ in points]
    slot = (width - 2 * PAD) / count
    # A value on top of each bar when every value fits its slot; otherwise y gridlines.
    on_bars = max(_text_width(text) for text in value_texts) + LABEL_GAP <= slot
    ticks = [] if on_bars else _ticks(top_value, all(isinstance(v, int) for v in values))
    tick_texts = [_clean(value_label(tick)) for tick in ticks]
    left = PAD + (max(_text_width(t) for t in tick_texts) + LABEL_GAP if ticks else 0)
    right = width - PAD
    top = FONT_SIZE * 1.75 if on_bars else FONT_SIZE * 0.75
    baseline = height - FONT_SIZE * 2
    plot_height = baseline - top
    slot = (right - left) / count
    scale = plot_height / top_value if top_value else 0.0
    bar_width = min(slot * BAR_SHARE, BAR_MAX_WIDTH)

    grid, bars, bar_values, x_texts = [], [], [], []
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = baseline - tick * scale
        if tick:
            grid.append(Markup(
                '<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{}" stroke-dasharray="4 3"/>'
            ).format(_n(left), _n(right), GRID, y=_n(y)))
        grid.append(Markup('<text x="{}" y="{}" text-anchor="end">{}</text>').format(
            _n(left - LABEL_GAP / 2), _n(y + FONT_SIZE * 0.35), text
        ))
    for index, value in enumerate(values):
        emphasised = highlight_last and index == count - 1
        bar_height = value * scale
        x = left + index * slot + (slot - bar_width) / 2
        bars.append(Markup('<rect x="{}" y="{}" width="{}" height="{}"{}/>').format(
            _n(x), _n(baseline - bar_height), _n(bar_width), _n(bar_height),
            Markup(' fill="{}"').format(HIGHLIGHT) if emphasised else "",
        ))
        if on_bars:
            bar_values.append(Markup('<text x="{}" y="{}"{}>{}</text>').format(
                _n(x + bar_width / 2), _n(baseline - bar_height - 6),
                Markup(' font-weight="700"') if emphasised else "", value_texts[index],
            ))
    label_y = baseline + FONT_SIZE * 1.3
    for index in _shown_labels(x_labels, slot):
        label_width = _text_width(x_labels[index])
        centre = left + (index + 0.5) * slot
        # Keep the first and last labels inside the drawing when they are wider than a slot.
        centre = min(max(centre, label_width / 2 + 1), width - label_width / 2 - 1)
        x_texts.append(Markup('<text x="{}" y="{}">{}</text>').format(
            _n(centre), _n(label_y), x_labels[index]
        ))
    join = Markup("").join
    return Markup(
        '<g class="grid" fill="currentColor" stroke-width="1">{}</g>'
        '<g class="bars" fill="{}">{}</g>'
        '<g class="values" fill="currentColor" text-anchor="middle">{}</g>'
        '<line x1="{}" y1="{baseline}" x2="{}" y2="{baseline}" stroke="currentColor"'
        ' stroke-width="1.5"/>'
        '<g class="labels" fill="currentColor" text-anchor="middle">{}</g>'
    ).format(
        join(grid), BAR, join(bars), join(bar_values), _n(left), _n(right), join(x_texts),
        baseline=_n(baseline),
    )


def _empty_plot(width: int, height: int) -> Markup:
    """Draw an empty plot: a baseline with a dash above it, for a series without points."""
    baseline = height - FONT_SIZE
    return Markup(
        '<line x1="{}" y1="{baseline}" x2="{}" y2="{baseline}" stroke="currentColor"'
        ' stroke-width="1.5"/>'
        '<text x="{}" y="{}" text-anchor="middle" fill="currentColor">{}</text>'
    ).format(
        PAD, width - PAD, _n(width / 2), _n(baseline - FONT_SIZE), EMPTY_MARK,
        baseline=_n(baseline),
    )


def _shown_labels(labels: Sequence[str], slot: float) -> list[int]:
    """Pick which x labels to draw: every nth that fits, always the first and the last."""
    count = len(labels)
    if count <= 2:
        return list(range(count))
    widest = max(_text_width(label) for label in labels) + LABEL_GAP
    step = next((s for s in LABEL_STEPS if s * slot >= widest), count - 1)
    shown = list(range(0, count, step))
    # The last label always shows; drop the ones it would overlap.
    shown = [i for i in shown if i == 0 or count - 1 - i >= step]
    return [*shown, count - 1]


def _ticks(top_value: Number, whole: bool) -> list[Number]:
    """Choose about four round gridline values from zero up to the tallest bar."""
    if not top_value:
        return [0]
    rough = top_value / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    steps = [m * magnitude for m in (1, 2, 2.5, 5, 10)]
    if whole:
        steps = [s for s in steps if s >= 1 and float(s).is_integer()] or [1]
    step = next((s for s in steps if s >= rough), steps[-1])
    count = int(top_value / step + 1e-9)
    if whole:
        return [int(i * step) for i in range(count + 1)]
    return [round(i * step, 10) for i in range(count + 1)]


def _text_width(text: str) -> float:
    """Estimate the drawn width of ``text``: CJK characters take a full em, others ~0.6."""
    em = 0.0
    for char in text:
        if unicodedata.combining(char):
            continue
        em += 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.6
    return em * FONT_SIZE


def _clean(text: str) -> str:
    """Replace control characters, which neither HTML nor XML allows, with spaces."""
    if isinstance(text, Markup):
        return text
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in str(text))


def _n(number: float) -> str:
    """Write a coordinate with at most two decimals and no ``-0``."""
    # Adding 0.0 turns a rounded -0.0 into 0.0.
    return f"{round(number, 2) + 0.0:.2f}".rstrip("0").rstrip(".")
