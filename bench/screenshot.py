"""Take the README screenshot: the home page of a seeded portal in headless Chromium.

    .venv/bin/python bench/screenshot.py [--output docs/screenshot.png]

Serves the demo data under gunicorn (see server.py), opens ``/en/`` and the registration page at
1280x900, fails when a page does not answer 200, its stylesheet does not load, or the browser
reports an error (a blocked script or style, say), and saves the full home page as a PNG.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright
from server import ROOT, seeded_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}


def open_page(page, url: str, problems: list[str]) -> None:
    response = page.goto(url, wait_until="networkidle")
    if response is None or response.status != 200:
        problems.append(f"{url} answered {response.status if response else 'nothing'}")
        return
    styled = page.evaluate(
        "() => [...document.styleSheets].some(s => { try { return s.cssRules.length > 0 }"
        " catch (e) { return false } })"
    )
    if not styled:
        problems.append(f"{url}: no stylesheet applied")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        problems.append(f"{url}: {overflow}px of horizontal overflow")


def on_console(message, problems: list[str], notes: list[str]) -> None:
    if message.type != "error":
        return
    url = (message.location or {}).get("url", "")
    if message.text.startswith("Failed to load resource") and url.endswith("/favicon.ico"):
        # Chromium asks for /favicon.ico on its own; the portal links no icon.
        notes.append(f"{url}: {message.text}")
    else:
        problems.append(f"console: {message.text} ({url})")


def on_response(response, problems: list[str]) -> None:
    if response.status >= 400:
        problems.append(f"{response.status} for {response.url}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--register-output", type=Path,
                        help="also save the registration page there (for a look)")
    parser.add_argument("--lang", default="en")
    args = parser.parse_args(argv)

    problems: list[str] = []
    notes: list[str] = []
    with seeded_server(workers=1, quiet=True) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, locale=args.lang,
                                          timezone_id="Asia/Seoul")
            page = context.new_page()
            page.on("console", lambda m: on_console(m, problems, notes))
            page.on("response", lambda r: on_response(r, problems))
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))

            open_page(page, f"{server.url}/{args.lang}/register", problems)
            if args.register_output:
                args.register_output.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.register_output), full_page=True)

            open_page(page, f"{server.url}/{args.lang}/", problems)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.output), full_page=True)
        finally:
            browser.close()

    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"written {shown}")
    for note in dict.fromkeys(notes):
        print(f"note: {note}", file=sys.stderr)
    problems = list(dict.fromkeys(problems))
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
