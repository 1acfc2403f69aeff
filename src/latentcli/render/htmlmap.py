"""``--html``: one self-contained HTML file with an interactive map (no network, no libraries).

The data is embedded as JSON and a small script draws it as SVG: one ``circle`` per word with
``data-word``, ``data-cluster`` and ``data-trust``; its trust in a tooltip on hover; a click lists
its nearest words in the full space (stored per point, see `with_neighbors`); a legend of the
clusters (a click shows one alone); a search box that highlights a word; wheel zoom and drag pan,
with labels placed greedily so they never overlap, again at every zoom. ``#test=...`` in the URL
replays searches and clicks on load, for a headless browser test.

`page` draws any such data: `latent trace` gives its points a short ``label`` (the block), no
trust or neighbours, its prompts as the clusters, and ``paths`` (the points of each prompt in
order), drawn as lines under the points.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from latentcli.render.mapcaptions import axis_name, map_title, trust_summary
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
  #layout { display: flex; gap: 1em; align-items: flex-start; }
  #map { flex: 1; height: 80vh; border: 1px solid #ccc; cursor: grab; background: #fff; }
  #map.dragging { cursor: grabbing; }
  #map text { pointer-events: none; fill: #333; }
  #map circle { cursor: pointer; stroke: #fff; }
  #map circle.out, #map text.out, #map polyline.out { display: none; }
  #map polyline { fill: none; stroke-opacity: 0.6; }
  #map circle.hit { stroke: #000; stroke-width: 3; }
  #map circle.picked { stroke: #000; stroke-width: 2; stroke-dasharray: 2 1; }
  #side { width: 16em; }
  #side h2 { font-size: 1em; margin: 0.8em 0 0.3em; }
  #legend { list-style: none; padding: 0; margin: 0; }
  #legend li { cursor: pointer; padding: 2px 4px; border-radius: 3px; }
  #legend li.on { background: #eee; font-weight: bold; }
  #legend li.off { opacity: 0.4; }
  #legend .swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%;
                    margin-right: 0.4em; }
  #picked li { font-variant-numeric: tabular-nums; }
  #tip { position: fixed; display: none; background: #222; color: #fff; padding: 4px 8px;
         border-radius: 4px; pointer-events: none; font-size: 13px; }
  p.note { color: #555; margin: 0.3em 0; }
</style>
</head>
<body>
<h1>__TITLE__</h1>
<p class="note">__AXES__</p>
<p class="note">__TRUST__</p>
<p class="note">__HINT__</p>
<p><input id="search" type="search" placeholder="find a word" autocomplete="off">
<span id="found" class="note"></span></p>
<div id="layout">
<svg id="map" xmlns="http://www.w3.org/2000/svg"><g id="view"></g></svg>
<div id="side">
<h2>__LEGEND__</h2><ul id="legend"></ul>
<h2 id="picked-title">__PICK__</h2><ol id="picked"></ol>
</div>
</div>
<div id="tip"></div>
<script id="data" type="application/json">__DATA__</script>
<script>
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const palette = __PALETTE__;
  const $ = id => document.getElementById(id), ns = "http://www.w3.org/2000/svg";
  const svg = $("map"), view = $("view"), tip = $("tip");
  const size = 1000, pad = 40, font = 11;
  const xs = data.points.map(p => p.x), ys = data.points.map(p => p.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const sx = v => pad + (x1 > x0 ? (v - x0) / (x1 - x0) : 0.5) * (size - 2 * pad);
  const sy = v => size - pad - (y1 > y0 ? (v - y0) / (y1 - y0) : 0.5) * (size - 2 * pad);
  svg.setAttribute("viewBox", "0 0 " + size + " " + size);
  let scale = 1, tx = 0, ty = 0, isolated = null, hit = null;
  const lines = (data.paths || []).map(path => {
    const line = document.createElementNS(ns, "polyline");
    const cluster = data.points[path[0]].cluster;
    line.setAttribute("points", path.map(i => sx(data.points[i].x) + "," + sy(data.points[i].y))
      .join(" "));
    line.setAttribute("stroke", palette[cluster % palette.length]);
    line.setAttribute("data-cluster", data.clusters[cluster].label);
    view.appendChild(line);
    return { cluster: cluster, line: line };
  });
  const marks = data.points.map((p, i) => {
    const cluster = data.clusters[p.cluster];
    const dot = document.createElementNS(ns, "circle");
    dot.setAttribute("cx", sx(p.x)); dot.setAttribute("cy", sy(p.y));
    dot.setAttribute("fill", palette[p.cluster % palette.length]);
    dot.setAttribute("data-word", p.word);
    dot.setAttribute("data-cluster", cluster.label);
    if (p.trust !== undefined) dot.setAttribute("data-trust", p.trust.toFixed(2));
    dot.addEventListener("mousemove", e => {
      const kept = Math.round(p.trust * data.trust_k);
      tip.textContent = p.trust === undefined ? p.word + " \u2014 " + cluster.label
        : p.word + " \u2014 cluster " + cluster.label + " \u2014 trust "
        + p.trust.toFixed(2) + " (" + kept + " of its " + data.trust_k
        + " nearest in the full space are nearest here too)";
      tip.style.display = "block";
      tip.style.left = (e.clientX + 12) + "px"; tip.style.top = (e.clientY + 12) + "px";
    });
    dot.addEventListener("mouseleave", () => { tip.style.display = "none"; });
    dot.addEventListener("mousedown", e => e.stopPropagation());
    dot.addEventListener("click", () => pick(i));
    const label = document.createElementNS(ns, "text");
    label.textContent = p.label || p.word;
    label.setAttribute("data-label", p.label || p.word);
    view.appendChild(dot); view.appendChild(label);
    label.setAttribute("font-size", font);
    const width = label.getComputedTextLength() || label.textContent.length * 0.6 * font;
    label.setAttribute("data-width", width.toFixed(2));
    return { point: p, dot: dot, label: label, width: width };
  });
  const shown = m => isolated === null || m.point.cluster === isolated;
  // Labels: placed greedily in order of importance (the search hit first), in screen units, so
  // they never overlap each other or a point at the current zoom; recomputed on every zoom/pan.
  const placeLabels = () => {
    const boxes = [], overlaps = b => boxes.some(o => b[0] < o[2] && o[0] < b[2]
                                                    && b[1] < o[3] && o[1] < b[3]);
    const at = m => [tx + scale * sx(m.point.x), ty + scale * sy(m.point.y)];
    const visible = marks.filter(shown);
    for (const m of visible) { const [x, y] = at(m); boxes.push([x - 5, y - 5, x + 5, y + 5]); }
    const order = visible.filter(m => m === hit).concat(visible.filter(m => m !== hit));
    for (const m of marks) m.label.classList.add("out");
    for (const m of order) {
      const [x, y] = at(m), w = m.width;
      const spots = [[x + 7, y - font / 2], [x - 7 - w, y - font / 2],
                     [x - w / 2, y - 7 - font], [x - w / 2, y + 7]];
      const spot = spots.map(s => [s[0], s[1], s[0] + w, s[1] + font])
        .find(b => b[0] >= 0 && b[2] <= size && b[1] >= 0 && b[3] <= size && !overlaps(b));
      if (!spot) continue;
      boxes.push(spot);
      m.label.classList.remove("out");
      m.label.setAttribute("x", (spot[0] - tx) / scale);
      m.label.setAttribute("y", (spot[3] - ty) / scale);
    }
    document.body.dataset.labels = String(view.querySelectorAll("text:not(.out)").length);
  };
  const apply = () => {
    view.setAttribute("transform", "translate(" + tx + " " + ty + ") scale(" + scale + ")");
    for (const m of marks) {
      m.label.setAttribute("font-size", font / scale);
      m.dot.setAttribute("r", (m === hit ? 7 : 5) / scale);
      m.dot.classList.toggle("out", !shown(m));
    }
    for (const l of lines) {
      l.line.setAttribute("stroke-width", 1.5 / scale);
      l.line.classList.toggle("out", isolated !== null && l.cluster !== isolated);
    }
    placeLabels();
  };
  const legend = $("legend");
  data.clusters.forEach((cluster, index) => {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = palette[index % palette.length];
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(cluster.label + " (" + cluster.size + ")"));
    item.setAttribute("data-cluster", cluster.label);
    item.addEventListener("click", () => {
      isolated = isolated === index ? null : index;
      for (const [n, li] of [...legend.children].entries()) {
        li.classList.toggle("on", isolated === n);
        li.classList.toggle("off", isolated !== null && isolated !== n);
      }
      document.body.dataset.isolated = isolated === null ? "" : cluster.label;
      apply();
    });
    legend.appendChild(item);
  });
  const pick = i => {
    const m = marks[i], list = $("picked");
    if (!m.point.neighbors) return;  // a page without neighbour lists (a trace)
    for (const other of marks) other.dot.classList.toggle("picked", other === m);
    $("picked-title").textContent = "Nearest to " + m.point.word + " in the full space";
    list.replaceChildren(...m.point.neighbors.map(n => {
      const item = document.createElement("li");
      item.textContent = n.word + " " + n.similarity.toFixed(3);
      item.setAttribute("data-word", n.word);
      return item;
    }));
    if (!m.point.neighbors.length) list.textContent = "(not stored in this page)";
  };
  $("search").addEventListener("input", e => {
    const wanted = e.target.value.trim().toLowerCase();
    hit = wanted ? (marks.find(m => m.point.word.toLowerCase() === wanted)
                    || marks.find(m => m.point.word.toLowerCase().startsWith(wanted))) : null;
    for (const m of marks) m.dot.classList.toggle("hit", m === hit);
    $("found").textContent = !wanted ? "" : hit ? "found: " + hit.point.word
      : "\u2018" + wanted + "\u2019 is not on this map";
    apply();
  });
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
  // A test hook: #test=search:WORD;click:WORD;legend:LABEL;zoom:F@WORD runs those steps through
  // the page's own event handlers on load, so a headless browser's DOM dump shows the outcome.
  const steps = decodeURIComponent(location.hash).match(/^#test=(.*)$/);
  for (const step of steps ? steps[1].split(";") : []) {
    const [verb, arg] = [step.slice(0, step.indexOf(":")), step.slice(step.indexOf(":") + 1)];
    const click = (sel, key) => [...document.querySelectorAll(sel)]
      .find(el => el.dataset[key] === arg)
      .dispatchEvent(new MouseEvent("click", { bubbles: true }));
    if (verb === "search") {
      $("search").value = arg; $("search").dispatchEvent(new Event("input"));
    } else if (verb === "click") {
      click("#map circle", "word");
    } else if (verb === "legend") {
      click("#legend li", "cluster");
    } else if (verb === "zoom") {  // zoom:FACTOR@WORD, about that word's point, as the wheel
      const [f, word] = arg.split("@"), m = marks.find(m => m.point.word === word);
      const cx = tx + scale * sx(m.point.x), cy = ty + scale * sy(m.point.y);
      tx = cx - (cx - tx) * f; ty = cy - (cy - ty) * f; scale *= f; apply();
    }
  }
  document.body.dataset.ready = "1";
})();
</script>
</body>
</html>
"""


def map_html(result: MapResult) -> str:
    """The interactive page for a map."""
    return page(result.to_dict(), map_title(result),
                f"x: {axis_name(result.x_axis)} · y: {axis_name(result.y_axis)}",
                trust_summary(result),
                "Hover a point for its trust; click it for its nearest words in the full space. "
                "Click a cluster to show it alone. Scroll to zoom, drag to pan.")


def page(data: dict[str, Any], title: str, axes: str, caption: str, hint: str,
         legend: str = "Clusters", pick: str = "Click a point") -> str:
    """A page drawing ``data`` (a map's JSON form, or points, clusters and paths in its shape),
    embedded safely inside a script tag, under ``title``, ``axes``, ``caption`` and ``hint``."""
    embedded = json.dumps(data, ensure_ascii=False, allow_nan=False).replace("<", "\\u003c")
    values = {"TITLE": html.escape(title), "AXES": html.escape(axes),
              "TRUST": html.escape(caption), "HINT": html.escape(hint),
              "LEGEND": html.escape(legend), "PICK": html.escape(pick),
              "PALETTE": json.dumps(PALETTE), "DATA": embedded}
    # one pass, so a placeholder's name inside a user's text is left as it is
    return re.sub(r"__([A-Z]+)__", lambda found: values[found.group(1)], _TEMPLATE)
