"""Checks AnchorReg report.html files in a real browser (Debian's Chromium via Playwright).

Usage: check_reports.py --chromium PATH [--screenshots DIR] REPORT.html ...

For every report: the page loads with no console error; every layer toggle changes the
picture and the viewer's state; zooming changes the scale bar's label and Fit restores it;
the keyboard zooms; hovering a marker shows its details; clicking a defect-table row centres
the view on that cell; the before/after slider and Blink change what is shown (align); a
verdict in the data is shown with each reason; a pixel without data (NaN) shows the checkerboard. With --screenshots, a screenshot of each page
goes to DIR/report-KIND.png (KIND from the page's data).
Prints one line per check and closes with 'N passed, N failed'; exit 1 on any failure.
"""

import argparse
import os
import sys

from playwright.sync_api import sync_playwright

# An FNV-1a hash of the canvas pixels: equal pictures, equal hashes.
CANVAS_HASH = """(sel) => {
  const c = document.querySelector(sel);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let h = 2166136261;
  for (let i = 0; i < d.length; i += 1) { h ^= d[i]; h = Math.imul(h, 16777619) >>> 0; }
  return h;
}"""


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
            print(f"  ok    {what}")
        else:
            self.failed += 1
            print(f"  FAIL  {what}")
        sys.stdout.flush()


def canvas_hash(page, view_id):
    return page.evaluate(CANVAS_HASH, f"#view-{view_id} canvas")


def check_report(browser, path, checks, screenshots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("request", lambda r: errors.append(f"network request: {r.url}")
            if not r.url.startswith(("file:", "data:", "about:")) else None)
    url = "file://" + os.path.abspath(path)
    page.goto(url)
    try:
        page.wait_for_function("window.anchorreg !== undefined", timeout=20000)
        page.evaluate("window.anchorreg.ready")
    except Exception as e:
        checks.check(False, f"{path}: the viewer did not start ({type(e).__name__}): " + "; ".join(errors))
        page.close()
        return
    data = page.evaluate("window.anchorreg.data")
    kind = data["kind"]
    print(f"{path} ({kind}, {os.path.getsize(path) / 1e6:.2f} MB)")
    checks.check(not errors, "loads with no console error or network request" + (": " + "; ".join(errors) if errors else ""))

    # The verdict, when the data carry one.
    if data.get("verdict"):
        v = data["verdict"]
        box = page.locator("#verdict")
        text = box.inner_text() if box.count() else ""
        classes = box.get_attribute("class") or "" if box.count() else ""
        checks.check(v["status"] in classes and v["status"] in text.lower()
                     and all(r["message"] in text for r in v["reasons"]),
                     f"verdict '{v['status']}' shown with its {len(v['reasons'])} reason(s)")

    for view in data["views"]:
        vid = view["id"]
        stage = page.locator(f"#view-{vid} .stage")
        stage.scroll_into_view_if_needed()

        # No data (NaN) is transparent over the checkerboard, not the colour map's darkest end.
        hole = page.evaluate(f"window.anchorreg.views['{vid}'].firstNoData()")
        if hole is not None:
            page.evaluate(f"window.anchorreg.views['{vid}'].fit()")
            rgba = page.evaluate(f"window.anchorreg.views['{vid}'].sample({hole[0]}, {hole[1]})")
            checks.check(rgba[:3] in ([0x9a] * 3, [0xd0] * 3),
                         f"{vid}: a pixel without data at {hole} shows the checkerboard (rgb {rgba[:3]})")

        # Every layer toggles: the viewer's state flips and the picture changes.
        toggles = page.locator(f"#view-{vid} input.layer-toggle")
        for k in range(toggles.count()):
            box = toggles.nth(k)
            lid = box.get_attribute("data-layer")
            before_state = page.evaluate(f"window.anchorreg.views['{vid}'].layerVisible('{lid}')")
            before = canvas_hash(page, vid)
            box.click()
            after_state = page.evaluate(f"window.anchorreg.views['{vid}'].layerVisible('{lid}')")
            after = canvas_hash(page, vid)
            box.click()
            restored = canvas_hash(page, vid)
            checks.check(after_state != before_state and after != before and restored == before,
                         f"{vid}: layer '{lid}' toggles ({'on→off' if before_state else 'off→on'}) and back")

        # Zoom changes the scale bar's label; Fit brings it back.
        label = page.locator(f"#view-{vid} .scalebar .label")
        if view.get("length_per_px"):
            first = label.inner_text()
            box = stage.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            for _ in range(4):
                page.mouse.wheel(0, -300)
            page.wait_for_timeout(50)
            zoomed = label.inner_text()
            page.locator(f"#view-{vid} button.fit").click()
            fitted = label.inner_text()
            checks.check(first != zoomed and fitted == first,
                         f"{vid}: scale bar '{first}' → '{zoomed}' on zoom, '{fitted}' after Fit")
        else:
            checks.check(not label.is_visible(), f"{vid}: no scale bar without a pixel size")

        # Keyboard: '+' zooms in, '0' fits.
        s0 = page.evaluate(f"window.anchorreg.views['{vid}'].scale()")
        stage.focus()
        page.keyboard.press("+")
        s1 = page.evaluate(f"window.anchorreg.views['{vid}'].scale()")
        page.keyboard.press("0")
        s2 = page.evaluate(f"window.anchorreg.views['{vid}'].scale()")
        checks.check(s1 > s0 and abs(s2 - s0) < 1e-9, f"{vid}: keys + and 0 zoom in and fit")

        # Hover over a marker with details shows them.
        for layer in view["layers"]:
            if layer.get("details") and layer.get("visible", True):
                fields = data["records"][layer["details"]]["fields"]
                x, y = layer["points"][0], layer["points"][1]
                pos = page.evaluate(f"""(() => {{ const v = window.anchorreg.views['{vid}'];
                    const c = document.querySelector('#view-{vid} canvas').getBoundingClientRect();
                    const s = v.scale(), ctr = v.center();
                    return [c.left + c.width / 2 + ({x} - ctr[0]) * s, c.top + c.height / 2 + ({y} - ctr[1]) * s]; }})()""")
                page.mouse.move(pos[0], pos[1])
                tip = page.locator(f"#view-{vid} .tip")
                text = tip.inner_text() if tip.is_visible() else ""
                checks.check(all(f in text for f in fields),
                             f"{vid}: hovering a '{layer['id']}' marker shows {', '.join(fields)}: '{text}'")
                page.mouse.move(0, 0)
                break

        # Before/after slider and blink.
        if view.get("compare"):
            wipe = page.locator(f"#view-{vid} input.wipe")
            hashes = {}
            for value in (100, 0, 50):
                wipe.evaluate(f"(e) => {{ e.value = {value}; e.dispatchEvent(new Event('input')); }}")
                hashes[value] = canvas_hash(page, vid)
                state = page.evaluate(f"window.anchorreg.views['{vid}'].wipe()")
                checks.check(state == value, f"{vid}: slider at {value} sets the wipe to {state}")
            checks.check(len(set(hashes.values())) == 3, f"{vid}: slider at 100, 0 and 50 shows three different pictures")
            blink = page.locator(f"#view-{vid} button.blink")
            w0 = page.evaluate(f"window.anchorreg.views['{vid}'].wipe()")
            blink.click()
            page.wait_for_timeout(700)
            w1 = page.evaluate(f"window.anchorreg.views['{vid}'].wipe()")
            blink.click()
            checks.check(w0 != w1 and w1 in (0, 100), f"{vid}: Blink switches the picture ({w0} → {w1})")

    # Clicking a defect row centres its cell.
    rows = page.locator("#table-defects tbody tr.focusable")
    n = rows.count()
    for k in sorted({0, n // 2, n - 1}) if n else []:
        row = rows.nth(k)
        row.scroll_into_view_if_needed()
        x, y = float(row.get_attribute("data-x")), float(row.get_attribute("data-y"))
        row.click()
        cx, cy = page.evaluate("window.anchorreg.views['input'].center()")
        stage_box = page.locator("#view-input .stage").bounding_box()
        in_viewport = stage_box["y"] < 900 and stage_box["y"] + stage_box["height"] > 0
        cell = row.locator("td").first.inner_text()
        checks.check(abs(cx - x) < 0.5 and abs(cy - y) < 0.5 and in_viewport,
                     f"defect row {k} {cell}: view centred on ({cx:.1f}, {cy:.1f}), the cell is at ({x:.1f}, {y:.1f})")
    if kind in ("locate", "demo") and any(s.get("table", {}) and s["table"].get("id") == "defects" for s in data["sections"]):
        checks.check(n > 0, f"the defect table has {n} clickable rows")

    checks.check(not errors, "no console error during the interactions" + (": " + "; ".join(errors) if errors else ""))

    if screenshots:
        # Tall enough for the header and the whole first image.
        page.set_viewport_size({"width": 1280, "height": 1350})
        page.wait_for_timeout(100)
        page.evaluate("window.scrollTo(0, 0)")
        for view in data["views"]:
            page.evaluate(f"window.anchorreg.views['{view['id']}'].fit()")
        if n:
            # Show what a click on a table row does: a defect centred and zoomed.
            rows.nth(n // 2).click()
            page.evaluate("window.scrollTo(0, 0)")
        compare = [v["id"] for v in data["views"] if v.get("compare")]
        if compare:
            # Show the before/after view with the slider half way.
            vid = compare[0]
            page.locator(f"#view-{vid} input.wipe").evaluate("(e) => { e.value = 50; e.dispatchEvent(new Event('input')); }")
            page.evaluate(f"document.getElementById('view-{vid}').scrollIntoView()")
        os.makedirs(screenshots, exist_ok=True)
        out = os.path.join(screenshots, f"report-{kind}.png")
        page.screenshot(path=out)
        shrink_png(out)
        print(f"  wrote {out} ({os.path.getsize(out) / 1e3:.0f} kB)")
    page.close()


def shrink_png(path):
    """Scales the screenshot to 3/4 and keeps 256 colours, so docs/ stays small."""
    from PIL import Image
    img = Image.open(path).convert("RGB")
    img = img.resize((img.width * 3 // 4, img.height * 3 // 4), Image.LANCZOS)
    img.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(path, optimize=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chromium", required=True)
    ap.add_argument("--screenshots")
    ap.add_argument("reports", nargs="+")
    args = ap.parse_args()
    checks = Checks()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        for path in args.reports:
            try:
                check_report(browser, path, checks, args.screenshots)
            except Exception as e:  # a crash of one page is a failed check, not a lost run
                checks.check(False, f"{path}: {type(e).__name__}: {e}")
        browser.close()
    print(f"{checks.passed} passed, {checks.failed} failed")
    sys.exit(1 if checks.failed or checks.passed == 0 else 0)


if __name__ == "__main__":
    main()
