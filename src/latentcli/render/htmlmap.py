"""``--html``: one self-contained HTML file with an interactive map (no network, no libraries).

The data is embedded as JSON and a small script draws it as SVG: one ``circle`` per word carrying
``data-word`` and ``data-cluster``, a label beside it, a tooltip on hover, wheel zoom and drag pan.
"""

from __future__ import annotations

import html
import json

from latentcli.render.wording import axis_name, map_title, trust_summary
from latentcli.results.structure import MapResult

PALETTE = ["#d62728", "#2ca02c", "#1f77b4", "#9467bd", "#17becf", "#bcbd22", "#ff7f0e",
           "#e377c2", "#7f7f7f", "#8c564b"]

_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>__TITLE__</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1em; color: #222; }
  #map { width: 100%; height: 80vh; border: 1px solid #ccc; cursor: grab; background: #fff; }
  #map.dragging { cursor: grabbing; }
  #map text { font-size: 11px; pointer-events: none; fill: #333; }
  #tip { position: fixed; display: none; background: #222; color: #fff; padding: 4px 8px;
         border-radius: 4px; pointer-events: none; font-size: 13px; }
  p.note { color: #555; margin: 0.3em 0; }
</style>
</head>
<body>
<h1>__TITLE__</h1>
<p class="note">__AXES__</p>
<p class="note">__TRUST__</p>
<p class="note">Hover a point for its word and cluster; scroll to zoom, drag to pan.</p>
<svg id="map" xmlns="http://www.w3.org/2000/svg"><g id="view"></g></svg>
<div id="tip"></div>
<script id="data" type="application/json">__DATA__</script>
<script>
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const palette = __PALETTE__;
  const svg = document.getElementById("map"), view = document.getElementById("view");
  const tip = document.getElementById("tip"), ns = "http://www.w3.org/2000/svg";
  const size = 1000, pad = 40;
  const xs = data.points.map(p => p.x), ys = data.points.map(p => p.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const sx = v => pad + (x1 > x0 ? (v - x0) / (x1 - x0) : 0.5) * (size - 2 * pad);
  const sy = v => size - pad - (y1 > y0 ? (v - y0) / (y1 - y0) : 0.5) * (size - 2 * pad);
  svg.setAttribute("viewBox", "0 0 " + size + " " + size);
  let scale = 1, tx = 0, ty = 0;
  const apply = () => {
    view.setAttribute("transform", "translate(" + tx + " " + ty + ") scale(" + scale + ")");
    for (const label of view.querySelectorAll("text")) label.setAttribute("font-size", 11 / scale);
    for (const dot of view.querySelectorAll("circle")) dot.setAttribute("r", 5 / scale);
  };
  for (const p of data.points) {
    const cluster = data.clusters[p.cluster];
    const dot = document.createElementNS(ns, "circle");
    dot.setAttribute("cx", sx(p.x)); dot.setAttribute("cy", sy(p.y)); dot.setAttribute("r", 5);
    dot.setAttribute("fill", palette[p.cluster % palette.length]);
    dot.setAttribute("data-word", p.word);
    dot.setAttribute("data-cluster", cluster.label);
    dot.addEventListener("mousemove", e => {
      tip.textContent = p.word + " \u2014 cluster: " + cluster.label
        + " (trust " + p.trust.toFixed(2) + ")";
      tip.style.display = "block";
      tip.style.left = (e.clientX + 12) + "px";
      tip.style.top = (e.clientY + 12) + "px";
    });
    dot.addEventListener("mouseleave", () => { tip.style.display = "none"; });
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", sx(p.x) + 7); label.setAttribute("y", sy(p.y) + 4);
    label.textContent = p.word;
    view.appendChild(dot); view.appendChild(label);
  }
  const toView = e => {
    const box = svg.getBoundingClientRect(), unit = size / Math.min(box.width, box.height);
    return [(e.clientX - box.left) * unit, (e.clientY - box.top) * unit];
  };
  svg.addEventListener("wheel", e => {
    e.preventDefault();
    const [mx, my] = toView(e), factor = e.deltaY < 0 ? 1.2 : 1 / 1.2;
    tx = mx - (mx - tx) * factor; ty = my - (my - ty) * factor; scale *= factor; apply();
  }, { passive: false });
  let drag = null;
  svg.addEventListener("mousedown", e => { drag = toView(e); svg.classList.add("dragging"); });
  window.addEventListener("mouseup", () => { drag = null; svg.classList.remove("dragging"); });
  window.addEventListener("mousemove", e => {
    if (!drag) return;
    const [mx, my] = toView(e);
    tx += mx - drag[0]; ty += my - drag[1]; drag = [mx, my]; apply();
  });
  apply();
})();
</script>
</body>
</html>
"""


def map_html(result: MapResult) -> str:
    """The interactive page for a map; the result's JSON is embedded, safe inside a script tag."""
    data = json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False).replace(
        "<", "\\u003c")
    axes = f"x: {axis_name(result.x_axis)} · y: {axis_name(result.y_axis)}"
    trust, title = trust_summary(result), map_title(result)
    return (_TEMPLATE.replace("__TITLE__", html.escape(title))
            .replace("__AXES__", html.escape(axes)).replace("__TRUST__", html.escape(trust))
            .replace("__PALETTE__", json.dumps(PALETTE)).replace("__DATA__", data))
