/// The fixed part of `report.html`: style sheet and viewer script. The script reads the JSON
/// of `ReportDocument` from `#report-data` and builds the page: header with the verdict and
/// the file's metadata, one zoomable viewer per image (canvas over the picture, layers with
/// markers of constant screen size thinned when zoomed out, tooltips, scale bar, colour bar,
/// before/after slider), then the sections with clickable tables. No network, no library.
///
/// `window.anchorreg` exposes the viewers for the browser tests (`scripts/browser-tests`):
/// `views[id].center()` (image pixel at the canvas centre), `.scale()` (screen px per image
/// px), `.layerVisible(id)`.
enum ReportTemplate {
    static let css = #"""
        :root{--fg:#1d1d1f;--muted:#5b5b60;--line:#d5d5da;--bg:#fff;--ok:#1f7a3a;--doubtful:#a86b00;--refused:#b3261e}
        *{box-sizing:border-box}
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;padding:1.2em 2em;max-width:1500px;color:var(--fg);background:var(--bg);line-height:1.4}
        h1{font-size:1.35em;margin:.2em 0 .5em}h2{font-size:1.1em;margin:1.4em 0 .4em}
        table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
        th{background:#f2f2f5;font-weight:600}td.v{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}td.x{color:var(--muted);font-size:.9em}
        code{background:#f4f4f6;padding:0 3px}
        .verdict{border:2px solid;border-radius:6px;padding:.5em .9em;margin:.6em 0;max-width:1100px}
        .verdict .status{font-weight:700;text-transform:uppercase;letter-spacing:.04em}
        .verdict.ok{border-color:var(--ok);background:#eef8f0}.verdict.ok .status{color:var(--ok)}
        .verdict.doubtful{border-color:var(--doubtful);background:#fff6e5}.verdict.doubtful .status{color:var(--doubtful)}
        .verdict.refused{border-color:var(--refused);background:#fdecea}.verdict.refused .status{color:var(--refused)}
        .verdict ul{margin:.3em 0 0 1.2em;padding:0}.verdict code{font-size:.85em}
        .meta td:first-child{color:var(--muted)}
        .notes li{color:var(--doubtful)}
        .view{margin:1em 0 1.8em}
        .view-body{display:flex;gap:12px;align-items:flex-start}
        .stage{position:relative;flex:1;min-width:280px;border:1px solid var(--line);background:#222;outline:none;overflow:hidden;touch-action:none;cursor:grab}
        .stage:focus-visible{box-shadow:0 0 0 3px #7aa7ff}
        .stage.dragging{cursor:grabbing}
        .stage canvas{display:block}
        .scalebar{position:absolute;left:14px;bottom:12px;pointer-events:none;color:#fff;font-size:12px;text-shadow:0 0 3px #000,0 0 2px #000}
        .scalebar .bar{height:5px;background:#fff;border:1px solid #000;margin-top:2px}
        .zoomlabel{position:absolute;right:10px;bottom:10px;color:#fff;font-size:11px;text-shadow:0 0 3px #000;pointer-events:none}
        .tip{position:absolute;pointer-events:none;background:rgba(20,20,24,.92);color:#fff;font-size:12px;padding:4px 7px;border-radius:4px;white-space:nowrap;display:none;z-index:2}
        .side{width:250px;flex:none;font-size:.9em}
        .side label{display:flex;flex-wrap:wrap;gap:0 6px;align-items:center;margin:2px 0;cursor:pointer}
        .side label>.name{flex:1 1 0;min-width:0}
        .side .swatch{width:12px;height:12px;border-radius:2px;border:1px solid #0006;flex:none}
        .side .thin{color:var(--muted);font-size:.85em;flex-basis:100%;padding-left:38px}.side .thin:empty{display:none}
        .toolbar{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:.3em 0}
        .toolbar button{font:inherit;font-size:.9em;padding:2px 10px;border:1px solid #aaa;border-radius:4px;background:#f7f7f9;cursor:pointer}
        .toolbar input[type=range]{width:220px}
        .colorbar{display:flex;gap:6px;margin-top:.8em;align-items:stretch}
        .colorbar canvas{border:1px solid #888;width:18px;height:200px}
        .colorbar .ticks{display:flex;flex-direction:column;justify-content:space-between;font-size:.85em;font-variant-numeric:tabular-nums}
        .pick{min-height:1.4em;font-size:.9em;color:var(--muted);margin-top:.3em}
        .caption{font-size:.88em;color:var(--muted);margin:.3em 0 0}
        .scroll{max-height:420px;overflow:auto;display:inline-block;border:1px solid var(--line)}
        .scroll table{margin:0}
        tr.focusable{cursor:pointer}tr.focusable:hover{background:#eef3ff}tr.selected{background:#dce7ff}
        footer{color:#777;font-size:.8em;margin-top:2em}
        @media (max-width:900px){.view-body{flex-direction:column}.side{width:auto}}
        """#

    static let script = #"""
        "use strict";
        (function () {
          const D = JSON.parse(document.getElementById("report-data").textContent);

          function el(tag, props, ...kids) {
            const e = document.createElement(tag);
            if (props) for (const k in props) {
              if (k === "class") e.className = props[k];
              else if (k === "text") e.textContent = props[k];
              else if (k.startsWith("on")) e.addEventListener(k.slice(2), props[k]);
              else e.setAttribute(k, props[k]);
            }
            for (const c of kids) if (c != null) e.append(c);
            return e;
          }

          // ---- numbers and units --------------------------------------------------------
          const PREFIX = [[1e-15, "f"], [1e-12, "p"], [1e-9, "n"], [1e-6, "µ"], [1e-3, "m"], [1, ""], [1e3, "k"]];
          const LENGTH = { pm: 1e-12, nm: 1e-9, "µm": 1e-6, um: 1e-6, mm: 1e-3, m: 1, "Å": 1e-10, A_len: 1e-10 };
          // Values in an SI base unit ("m", "A", "V") are shown with the prefix that suits
          // their size; other units ("nm", "luminance …") as they are.
          function unitScale(unit, maxAbs) {
            if (unit == null) return { f: 1, u: null };
            if (unit === "m" || unit === "A" || unit === "V" || unit === "N" || unit === "Hz") {
              let best = PREFIX[5];
              for (const p of PREFIX) if (maxAbs >= p[0] * 0.999) best = p;
              return { f: 1 / best[0], u: best[1] + unit };
            }
            return { f: 1, u: unit };
          }
          function fmt(x, digits) {
            if (!isFinite(x)) return "—";
            if (x === 0) return "0";
            const a = Math.abs(x);
            let s = (a >= 1e5 || a < 1e-3) ? x.toExponential(digits - 1) : x.toPrecision(digits);
            if (s.indexOf("e") < 0 && s.indexOf(".") >= 0) s = s.replace(/0+$/, "").replace(/\.$/, "");
            return s.replace("-", "−");
          }
          // Lengths in the view's unit → a readable label ("500 nm", "1.2 µm").
          function lengthLabel(v, unit) {
            const f = LENGTH[unit];
            if (f === undefined) return fmt(v, 3) + " " + unit;
            // Microscopists read nm and µm (and mm, m for large fields): never pm.
            const metres = v * f;
            let best = PREFIX[2];
            for (const p of PREFIX.slice(2, 6)) if (metres >= p[0] * 0.999) best = p;
            return fmt(metres / best[0], 3) + " " + best[1] + "m";
          }

          // ---- header ---------------------------------------------------------------------
          const top = document.getElementById("top");
          top.append(el("h1", { text: D.title }));
          if (D.verdict) {
            const v = D.verdict;
            const box = el("section", { class: "verdict " + v.status, id: "verdict" },
              el("div", null, el("span", { text: "Verdict: " }), el("span", { class: "status", text: v.status })));
            const explain = { ok: "No finding against this result.", doubtful: "Usable, but some evidence is weak: read the reasons before relying on it.",
                              refused: "The image does not show the model well enough: do not use these numbers." };
            box.append(el("div", { class: "caption", text: explain[v.status] || "" }));
            if (v.reasons && v.reasons.length) {
              const ul = el("ul");
              for (const r of v.reasons) ul.append(el("li", null, el("b", { text: r.status + ": " }), r.message + " ", el("code", { text: r.code })));
              box.append(ul);
            }
            top.append(box);
          }
          if (D.metadata && D.metadata.length) {
            const t = el("table", { class: "meta", id: "metadata" });
            for (const r of D.metadata) t.append(el("tr", null, el("td", { text: r.label }), el("td", { text: r.value })));
            top.append(el("h2", { text: D.kind === "align" ? "The images" : "The frame" }), t);
          }
          if (D.notes && D.notes.length) {
            const ul = el("ul", { class: "notes", id: "notes" });
            for (const n of D.notes) ul.append(el("li", { text: n }));
            top.append(ul);
          }

          // ---- pictures ---------------------------------------------------------------------
          // Gray PNGs carry indices 0…255: 0 = no data (transparent), 1…255 the colour map.
          function picture(pic, found) {
            return new Promise(function (resolve, reject) {
              const img = new Image();
              img.onload = function () {
                if (!pic.lut) { resolve(img); return; }
                const c = document.createElement("canvas");
                c.width = pic.width; c.height = pic.height;
                const g = c.getContext("2d");
                g.drawImage(img, 0, 0);
                const d = g.getImageData(0, 0, c.width, c.height), px = d.data, lut = pic.lut;
                for (let i = 0; i < px.length; i += 4) {
                  const k = px[i];
                  if (k === 0) {
                    px[i + 3] = 0;
                    if (found && !found.nan) { const j = i / 4; found.nan = [(j % c.width) * (pic.scale || 1), Math.floor(j / c.width) * (pic.scale || 1)]; }
                    continue;
                  }
                  px[i] = lut[3 * k]; px[i + 1] = lut[3 * k + 1]; px[i + 2] = lut[3 * k + 2]; px[i + 3] = 255;
                }
                g.putImageData(d, 0, 0);
                resolve(c);
              };
              img.onerror = function () { reject(new Error("picture could not be decoded")); };
              img.src = "data:image/png;base64," + pic.png;
            });
          }

          let checker = null;
          function checkerPattern(g) {
            if (!checker) {
              checker = document.createElement("canvas");
              checker.width = checker.height = 16;
              const c = checker.getContext("2d");
              c.fillStyle = "#9a9a9a"; c.fillRect(0, 0, 16, 16);
              c.fillStyle = "#d0d0d0"; c.fillRect(0, 0, 8, 8); c.fillRect(8, 8, 8, 8);
            }
            return g.createPattern(checker, "repeat");
          }

          // ---- the viewer -------------------------------------------------------------------
          const MARK = { dot: 3, ring: 6, plus: 6, x: 5, label: 0, arrow: 0, polygon: 0 };

          function Viewer(v) {
            const self = this;
            this.v = v;
            let s = 1, tx = 0, ty = 0, W = 0, H = 0, fitScale = 1;
            let picA = null, picB = null, wipe = 0, blinkTimer = null, focusPoint = null, pinned = null;
            const visible = {};
            for (const L of v.layers) visible[L.id] = L.visible !== false;

            const root = el("section", { class: "view", id: "view-" + v.id });
            root.append(el("h2", { text: v.title }));
            const toolbar = el("div", { class: "toolbar" });
            const stage = el("div", { class: "stage", tabindex: "0", "aria-label": v.title + " (drag to pan, wheel or +/− to zoom, 0 to fit)" });
            const canvas = el("canvas");
            const scalebar = el("div", { class: "scalebar" }, el("div", { class: "label" }), el("div", { class: "bar" }));
            const zoomlabel = el("div", { class: "zoomlabel" });
            const tip = el("div", { class: "tip" });
            stage.append(canvas, scalebar, zoomlabel, tip);
            const side = el("div", { class: "side" });
            const pick = el("div", { class: "pick", text: v.layers.some(function (L) { return L.details; }) ? "Hover or click a marker for its details." : "" });
            root.append(toolbar, el("div", { class: "view-body" }, el("div", { style: "flex:1;min-width:0" }, stage, pick), side));
            if (v.caption) root.append(el("p", { class: "caption", text: v.caption }));
            document.getElementById("views").append(root);

            toolbar.append(
              el("button", { class: "fit", text: "Fit", title: "Show the whole image (key 0)", onclick: function () { self.fit(); } }),
              el("button", { class: "zoom-in", text: "+", title: "Zoom in (key +)", onclick: function () { zoomAt(W / 2, H / 2, 1.5); } }),
              el("button", { class: "zoom-out", text: "−", title: "Zoom out (key −)", onclick: function () { zoomAt(W / 2, H / 2, 1 / 1.5); } }),
              el("button", { text: "1:1", title: "One image pixel per screen pixel (key 1)", onclick: function () { zoomAt(W / 2, H / 2, 1 / s / (v.image.scale || 1)); } }));
            if (v.compare) {
              // The slider is the cut: image B left of it, image A right of it (0: all A, 100: all B).
              const slider = el("input", { type: "range", min: "0", max: "100", value: "0", class: "wipe", "aria-label": "before/after" });
              const state = el("span", { class: "wipe-state" });
              const update = function () { wipe = +slider.value; state.textContent = wipe <= 0 ? "showing " + v.compare.label_a : wipe >= 100 ? "showing " + v.compare.label_b : v.compare.label_b + " left of the line, " + v.compare.label_a + " right"; if (self.draw) self.draw(); };
              slider.addEventListener("input", update);
              const blink = el("button", { class: "blink", text: "Blink", title: "Switch between the two images twice a second" });
              blink.addEventListener("click", function () {
                if (blinkTimer) { clearInterval(blinkTimer); blinkTimer = null; blink.textContent = "Blink"; return; }
                blink.textContent = "Stop";
                blinkTimer = setInterval(function () { slider.value = +slider.value >= 50 ? 0 : 100; update(); }, 500);
              });
              toolbar.append(el("span", { text: v.compare.label_a }), slider, el("span", { text: v.compare.label_b }), blink, state);
              this.wipeInput = slider;
              update();
            }

            // Layers
            const thinNotes = {};
            if (v.layers.length) {
              side.append(el("div", { text: "Layers", style: "font-weight:600" }));
              for (const L of v.layers) {
                const n = L.shape === "polygon" ? (L.starts || []).length : L.points.length / 2;
                const box = el("input", { type: "checkbox", class: "layer-toggle", "data-layer": L.id });
                box.checked = visible[L.id];
                box.addEventListener("change", function () { visible[L.id] = box.checked; self.draw(); });
                thinNotes[L.id] = el("span", { class: "thin" });
                side.append(el("label", null, box, el("span", { class: "swatch", style: "background:" + L.color }),
                  el("span", { class: "name", text: L.name + " (" + n + ")" }), thinNotes[L.id]));
              }
            }
            if (v.colorbar) side.append(colorBar(v.colorbar));

            function toScreen(x, y) { return [x * s + tx, y * s + ty]; }
            function toImage(px, py) { return [(px - tx) / s, (py - ty) / s]; }

            this.resize = function () {
              const w = Math.max(200, stage.clientWidth);
              const h = Math.round(Math.max(260, Math.min(window.innerHeight * 0.72, w * v.height / v.width)));
              const dpr = window.devicePixelRatio || 1;
              const c = toImage(W / 2, H / 2);
              const first = W === 0;
              W = w; H = h;
              canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
              canvas.style.width = w + "px"; canvas.style.height = h + "px";
              fitScale = Math.min(W / v.width, H / v.height);
              if (first) this.fit(); else { tx = W / 2 - c[0] * s; ty = H / 2 - c[1] * s; this.draw(); }
            };
            this.fit = function () {
              s = fitScale;
              tx = (W - v.width * s) / 2 + 0.5 * s;
              ty = (H - v.height * s) / 2 + 0.5 * s;
              this.draw();
            };
            function zoomAt(px, py, factor) {
              const p = toImage(px, py);
              s = Math.min(Math.max(s * factor, fitScale / 4), Math.max(64, fitScale * 4));
              tx = px - p[0] * s; ty = py - p[1] * s;
              self.draw();
            }
            this.zoomAt = zoomAt;
            this.centerOn = function (x, y) {
              s = Math.max(s, fitScale * 2.5);
              tx = W / 2 - x * s; ty = H / 2 - y * s;
              focusPoint = [x, y];
              this.draw();
            };
            this.center = function () { return toImage(W / 2, H / 2); };
            this.scale = function () { return s; };
            this.layerVisible = function (id) { return !!visible[id]; };
            this.wipe = function () { return wipe; };

            this.draw = function () {
              const g = canvas.getContext("2d");
              const dpr = canvas.width / Math.max(1, W);
              g.setTransform(dpr, 0, 0, dpr, 0, 0);
              g.fillStyle = "#222"; g.fillRect(0, 0, W, H);
              const x0 = tx - 0.5 * s, y0 = ty - 0.5 * s;
              g.fillStyle = checkerPattern(g);
              g.fillRect(x0, y0, v.width * s, v.height * s);
              const k = v.image.scale || 1;
              g.imageSmoothingEnabled = s * k < 2;
              if (picA) g.drawImage(picA, x0, y0, v.image.width * k * s, v.image.height * k * s);
              if (picB && wipe > 0) {
                const kb = v.compare.image_b.scale || 1;
                const cut = x0 + v.width * s * wipe / 100;
                g.save();
                g.beginPath(); g.rect(0, 0, cut, H); g.clip();
                g.fillStyle = checkerPattern(g);
                g.fillRect(x0, y0, v.width * s, v.height * s);
                g.drawImage(picB, x0, y0, v.compare.image_b.width * kb * s, v.compare.image_b.height * kb * s);
                g.restore();
                if (wipe < 100) { g.strokeStyle = "#fff"; g.lineWidth = 2; g.beginPath(); g.moveTo(cut, y0); g.lineTo(cut, y0 + v.height * s); g.stroke(); }
              }
              for (const L of v.layers) {
                if (!visible[L.id]) { thinNotes[L.id].textContent = ""; continue; }
                const r = drawLayer(g, L);
                thinNotes[L.id].textContent = r.shown < r.inView ? r.shown + " of " + r.inView + " in view drawn; zoom in for all" : "";
              }
              if (focusPoint) {
                const p = toScreen(focusPoint[0], focusPoint[1]);
                g.strokeStyle = "#fff"; g.lineWidth = 2; g.setLineDash([5, 4]);
                g.beginPath(); g.arc(p[0], p[1], 22, 0, 2 * Math.PI); g.stroke(); g.setLineDash([]);
              }
              updateScaleBar();
              zoomlabel.textContent = "zoom " + fmt(100 * s * k, 3) + " %";
            };

            // Markers keep their screen size; when zoomed out, at most one marker per screen
            // cell of about two marker sizes is drawn, so a dense layer thins out instead of
            // covering the image (the layer list says how many are drawn).
            function drawLayer(g, L) {
              const P = L.points;
              g.strokeStyle = L.color; g.fillStyle = L.color; g.lineWidth = 1.6;
              if (L.shape === "polygon") {
                const starts = L.starts || [0];
                for (let i = 0; i < starts.length; i++) {
                  const a = starts[i], b = i + 1 < starts.length ? starts[i + 1] : P.length / 2;
                  g.beginPath();
                  for (let j = a; j < b; j++) { const p = toScreen(P[2 * j], P[2 * j + 1]); if (j === a) g.moveTo(p[0], p[1]); else g.lineTo(p[0], p[1]); }
                  g.closePath(); g.stroke();
                }
                return { shown: starts.length, inView: starts.length };
              }
              const isLabel = L.shape === "label";
              // A cell of four marker radii: dense layers cover at most about a fifth of the image.
              const cw = isLabel ? 46 : L.shape === "arrow" ? 18 : 4 * MARK[L.shape];
              const ch = isLabel ? 16 : cw;
              const taken = new Set();
              let shown = 0, inView = 0;
              g.font = "12px system-ui,sans-serif"; g.textAlign = "center"; g.textBaseline = "middle";
              for (let i = 0; i < P.length; i += 2) {
                const p = toScreen(P[i], P[i + 1]);
                if (p[0] < -20 || p[1] < -20 || p[0] > W + 20 || p[1] > H + 20) continue;
                inView++;
                if (L.shape !== "arrow" || L.gain !== 1) {
                  const key = Math.floor(p[0] / cw) + "," + Math.floor(p[1] / ch);
                  if (taken.has(key)) continue;
                  taken.add(key);
                }
                shown++;
                marker(g, L, p, i / 2);
              }
              return { shown: shown, inView: inView };
            }
            function marker(g, L, p, i) {
              const x = p[0], y = p[1];
              switch (L.shape) {
                case "dot": g.beginPath(); g.arc(x, y, MARK.dot, 0, 2 * Math.PI); g.fill(); g.strokeStyle = "#0008"; g.lineWidth = 0.8; g.stroke(); g.strokeStyle = L.color; g.lineWidth = 1.6; break;
                case "ring": g.beginPath(); g.arc(x, y, MARK.ring, 0, 2 * Math.PI); g.stroke(); break;
                case "plus": g.beginPath(); g.moveTo(x - MARK.plus, y); g.lineTo(x + MARK.plus, y); g.moveTo(x, y - MARK.plus); g.lineTo(x, y + MARK.plus); g.stroke(); break;
                case "x": g.lineWidth = 2.2; g.beginPath(); g.moveTo(x - MARK.x, y - MARK.x); g.lineTo(x + MARK.x, y + MARK.x); g.moveTo(x - MARK.x, y + MARK.x); g.lineTo(x + MARK.x, y - MARK.x); g.stroke(); g.lineWidth = 1.6; break;
                case "label": {
                  const t = L.labels[i];
                  g.lineWidth = 3; g.strokeStyle = "#000b"; g.strokeText(t, x, y); g.fillText(t, x, y);
                  g.strokeStyle = L.color; g.lineWidth = 1.6; break;
                }
                case "arrow": {
                  const dx = L.vectors[2 * i] * L.gain * s, dy = L.vectors[2 * i + 1] * L.gain * s;
                  const len = Math.hypot(dx, dy);
                  g.beginPath(); g.moveTo(x, y); g.lineTo(x + dx, y + dy);
                  if (len > 3) {
                    const ux = dx / len, uy = dy / len, hd = Math.min(8, len / 3);
                    g.moveTo(x + dx, y + dy); g.lineTo(x + dx - hd * (ux - 0.5 * uy), y + dy - hd * (uy + 0.5 * ux));
                    g.moveTo(x + dx, y + dy); g.lineTo(x + dx - hd * (ux + 0.5 * uy), y + dy - hd * (uy - 0.5 * ux));
                  }
                  g.stroke();
                  if (L.labels && L.labels[i]) { g.fillText(L.labels[i], x + dx * 1.12, y + dy * 1.12); }
                  if (L.gain === 1 && i === 0) { g.beginPath(); g.arc(x, y, 4, 0, 2 * Math.PI); g.fill(); }
                  break;
                }
              }
            }

            function updateScaleBar() {
              const lab = scalebar.firstChild, bar = scalebar.lastChild;
              if (!v.length_per_px || !v.length_unit) { scalebar.style.display = "none"; return; }
              const perScreenPx = v.length_per_px / s;
              const target = 110 * perScreenPx;
              const mag = Math.pow(10, Math.floor(Math.log10(target)));
              let nice = mag;
              for (const m of [1, 2, 5, 10]) if (m * mag <= target) nice = m * mag;
              bar.style.width = (nice / perScreenPx).toFixed(1) + "px";
              lab.textContent = lengthLabel(nice, v.length_unit);
            }

            function colorBar(cb) {
              const c = el("canvas", { width: "1", height: "255" });
              const g = c.getContext("2d");
              const d = g.createImageData(1, 255);
              for (let k = 1; k <= 255; k++) {
                const row = 255 - k;
                d.data[4 * row] = cb.lut[3 * k]; d.data[4 * row + 1] = cb.lut[3 * k + 1]; d.data[4 * row + 2] = cb.lut[3 * k + 2]; d.data[4 * row + 3] = 255;
              }
              g.putImageData(d, 0, 0);
              c.style.imageRendering = "pixelated";
              const sc = unitScale(cb.unit, Math.max(Math.abs(cb.min), Math.abs(cb.max)));
              const mid = (cb.min + cb.max) / 2;
              return el("div", { class: "colorbar-box" },
                el("div", { text: cb.label + (sc.u == null ? "" : " [" + sc.u + "]"), style: "font-weight:600;margin-top:.8em", class: "colorbar-title" }),
                sc.u == null ? el("div", { class: "caption", text: "The file stores no unit for these values." }) : null,
                el("div", { class: "colorbar" }, c,
                  el("div", { class: "ticks" }, el("span", { text: fmt(cb.max * sc.f, 3) }), el("span", { text: fmt(mid * sc.f, 3) }), el("span", { text: fmt(cb.min * sc.f, 3) }))),
                el("div", { class: "caption", text: "Colours span the 0.5–99.5 % range; the checkerboard means no data." }));
            }

            // Hover and click: the nearest marker of a visible layer that has details.
            function nearest(px, py) {
              let best = null, bd = 100;
              for (const L of v.layers) {
                if (!visible[L.id] || !L.details) continue;
                const P = L.points;
                for (let i = 0; i < P.length; i += 2) {
                  const p = toScreen(P[i], P[i + 1]);
                  const d = (p[0] - px) * (p[0] - px) + (p[1] - py) * (p[1] - py);
                  if (d < bd) { bd = d; best = { L: L, i: i / 2, p: p }; }
                }
              }
              return best;
            }
            function describe(h) {
              const set = D.records[h.L.details], nf = set.fields.length;
              return h.L.name + ": " + set.fields.map(function (f, j) { return f + " " + set.strings[set.index[h.i * nf + j]]; }).join(" · ");
            }

            let drag = null;
            stage.addEventListener("pointerdown", function (e) {
              stage.focus();
              drag = { x: e.clientX, y: e.clientY, tx: tx, ty: ty, moved: false };
              stage.setPointerCapture(e.pointerId);
            });
            stage.addEventListener("pointermove", function (e) {
              const r = canvas.getBoundingClientRect();
              const px = e.clientX - r.left, py = e.clientY - r.top;
              if (drag) {
                const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
                if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; stage.classList.add("dragging"); }
                if (drag.moved) { tx = drag.tx + dx; ty = drag.ty + dy; self.draw(); tip.style.display = "none"; return; }
              }
              const h = nearest(px, py);
              if (h) {
                tip.textContent = describe(h);
                tip.style.display = "block";
                tip.style.left = Math.min(px + 14, W - tip.offsetWidth - 4) + "px";
                tip.style.top = Math.max(4, py - 30) + "px";
              } else tip.style.display = "none";
            });
            stage.addEventListener("pointerup", function (e) {
              const r = canvas.getBoundingClientRect();
              if (drag && !drag.moved) {
                const h = nearest(e.clientX - r.left, e.clientY - r.top);
                pinned = h;
                const p = toImage(e.clientX - r.left, e.clientY - r.top);
                pick.textContent = h ? describe(h) : "pixel (" + p[0].toFixed(1) + ", " + p[1].toFixed(1) + ")";
              }
              drag = null; stage.classList.remove("dragging");
            });
            stage.addEventListener("pointerleave", function () { tip.style.display = "none"; });
            stage.addEventListener("wheel", function (e) {
              e.preventDefault();
              const r = canvas.getBoundingClientRect();
              zoomAt(e.clientX - r.left, e.clientY - r.top, Math.exp(-e.deltaY * 0.0015));
            }, { passive: false });
            stage.addEventListener("keydown", function (e) {
              const step = 60;
              switch (e.key) {
                case "+": case "=": zoomAt(W / 2, H / 2, 1.25); break;
                case "-": case "_": zoomAt(W / 2, H / 2, 0.8); break;
                case "0": case "f": self.fit(); break;
                case "1": zoomAt(W / 2, H / 2, 1 / s / (v.image.scale || 1)); break;
                case "ArrowLeft": tx += step; self.draw(); break;
                case "ArrowRight": tx -= step; self.draw(); break;
                case "ArrowUp": ty += step; self.draw(); break;
                case "ArrowDown": ty -= step; self.draw(); break;
                default: return;
              }
              e.preventDefault();
            });

            // `found.nan`: the first pixel without data (view pixels), for the tests.
            const found = {};
            this.firstNoData = function () { return found.nan || null; };
            this.sample = function (x, y) {
              const p = toScreen(x, y), dpr = canvas.width / Math.max(1, W);
              return Array.from(canvas.getContext("2d").getImageData(Math.round(p[0] * dpr), Math.round(p[1] * dpr), 1, 1).data);
            };
            this.ready = Promise.all([picture(v.image, found), v.compare ? picture(v.compare.image_b) : null]).then(function (p) {
              picA = p[0]; picB = p[1];
              self.draw();
            });
            this.resize();
          }

          const views = {};
          for (const v of D.views) views[v.id] = new Viewer(v);
          window.addEventListener("resize", function () { for (const k in views) views[k].resize(); });

          // ---- sections -----------------------------------------------------------------------
          const sections = document.getElementById("sections");
          for (const sec of D.sections) {
            const box = el("section", { class: "section" }, el("h2", { text: sec.title }));
            if (sec.text) box.append(el("p", { text: sec.text }));
            if (sec.rows && sec.rows.length) {
              const t = el("table", { class: "figures" });
              for (const r of sec.rows) t.append(el("tr", null, el("td", { text: r.label }), el("td", { class: "v", text: r.value }), el("td", { class: "x", text: r.explain || "" })));
              box.append(t);
            }
            if (sec.svg) box.append(el("img", { src: "data:image/svg+xml;base64," + sec.svg, alt: sec.title, style: "max-width:100%" }));
            if (sec.table) {
              const T = sec.table;
              const t = el("table", T.id ? { id: "table-" + T.id } : null);
              t.append(el("thead", null, el("tr", null, ...T.columns.map(function (c) { return el("th", { text: c }); }))));
              const body = el("tbody");
              T.cells.forEach(function (row, i) {
                const tr = el("tr", null, ...row.map(function (c) { return el("td", { text: c }); }));
                const f = T.focus && T.focus[i];
                if (f && views[T.focus_view]) {
                  tr.className = "focusable";
                  tr.dataset.x = f[0]; tr.dataset.y = f[1];
                  tr.title = "Centre the image on this cell";
                  tr.addEventListener("click", function () {
                    for (const o of body.querySelectorAll("tr.selected")) o.classList.remove("selected");
                    tr.classList.add("selected");
                    const view = views[T.focus_view];
                    view.centerOn(f[0], f[1]);
                    document.getElementById("view-" + T.focus_view).scrollIntoView({ block: "start" });
                  });
                }
                body.append(tr);
              });
              t.append(body);
              box.append(T.cells.length > 12 ? el("div", { class: "scroll" }, t) : t);
            }
            sections.append(box);
          }
          document.getElementById("footer").textContent = D.footer || "";

          window.anchorreg = { data: D, views: views, ready: Promise.all(Object.values(views).map(function (v) { return v.ready; })) };
        })();
        """#
}
