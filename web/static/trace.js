/* The trace graph: Cytoscape.js (served by the app from node_modules) over /api/trace.
 * Gaps are red diamonds; clicking a node opens its page. The instance is window.cy. */
(function () {
  "use strict";
  var box = document.getElementById("cy");
  if (!box) { return; }
  var status = document.getElementById("cy-status");
  var FONT = '"Noto Sans CJK TC", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", system-ui, sans-serif';
  var RANK = { gap: 0, measure: 1, system: 2, vendor: 3, evidence: 4, institution: 5, section: 6, principle: 7, chapter: 7 };

  function say(text) { if (status) { status.textContent = text; } }

  var style = [
    { selector: "node", style: {
      "label": "data(caption)", "text-wrap": "wrap", "text-max-width": 150, "font-size": 9, "font-family": FONT,
      "text-valign": "bottom", "text-margin-y": 3, "color": "#222", "width": 22, "height": 22,
      "background-color": "#90a4ae", "border-width": 1, "border-color": "#455a64" } },
    { selector: "node[kind = 'principle'], node[kind = 'chapter']", style: { "shape": "round-rectangle", "background-color": "#cfd8dc", "width": 30 } },
    { selector: "node[kind = 'section']", style: { "shape": "round-rectangle", "background-color": "#eceff1" } },
    { selector: "node[kind = 'measure']", style: { "shape": "rectangle", "background-color": "#1e88e5", "border-color": "#0d47a1" } },
    { selector: "node[kind = 'institution']", style: { "shape": "star", "background-color": "#6d4c41", "width": 30, "height": 30 } },
    { selector: "node[kind = 'system']", style: { "shape": "ellipse", "background-color": "#fb8c00", "border-color": "#e65100", "width": 28, "height": 28 } },
    { selector: "node[kind = 'vendor']", style: { "shape": "hexagon", "background-color": "#8e24aa", "border-color": "#4a148c" } },
    { selector: "node[kind = 'evidence']", style: { "shape": "round-rectangle", "background-color": "#43a047", "border-color": "#1b5e20" } },
    { selector: "node[kind = 'gap']", style: { "shape": "diamond", "background-color": "#e53935", "border-color": "#7f0000",
      "border-width": 2, "width": 26, "height": 26, "color": "#b71c1c", "font-weight": "bold" } },
    { selector: "node[?focus]", style: { "border-width": 4, "border-color": "#111", "width": 36, "height": 36 } },
    { selector: "edge", style: { "width": 1.2, "line-color": "#b0bec5", "target-arrow-color": "#b0bec5",
      "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.8 } },
    { selector: "edge[rel = 'hasGap'], edge[rel = 'overdueEvidence']", style: { "line-color": "#e53935",
      "target-arrow-color": "#e53935", "line-style": "dashed", "width": 1.6 } },
    { selector: "edge[rel = 'undeterminedFor']", style: { "line-style": "dotted" } },
    { selector: "edge[rel = 'evidencedBy']", style: { "line-color": "#66bb6a", "target-arrow-color": "#66bb6a" } }
  ];

  function layoutFor(cy, mode, focus) {
    if (mode === "path") {
      return { name: "breadthfirst", directed: true, roots: cy.nodes().roots(), spacingFactor: 1.1, animate: false, fit: true, padding: 30 };
    }
    var distance = {};
    cy.elements().bfs({ roots: focus, directed: false, visit: function (v, e, u, i, depth) { distance[v.id()] = depth; } });
    return { name: "concentric", animate: false, fit: true, padding: 30, minNodeSpacing: 18, levelWidth: function () { return 1; },
      concentric: function (node) {
        var d = distance[node.id()] === undefined ? 3 : distance[node.id()];
        return 100 - d * 10 - (RANK[node.data("kind")] || 9);
      } };
  }

  function draw(data) {
    var cy = window.cytoscape({ container: box, elements: data.elements, style: style, wheelSensitivity: 0.3,
      minZoom: 0.05, maxZoom: 4 });
    window.cy = cy;
    var focus = cy.getElementById(box.getAttribute("data-focus"));
    cy.one("layoutstop", function () {
      box.setAttribute("data-ready", "1");
      say("已繪出 " + cy.nodes().length + " 個節點、" + cy.edges().length + " 條連線 · drew " +
          cy.nodes().length + " nodes and " + cy.edges().length + " edges");
    });
    cy.layout(layoutFor(cy, box.getAttribute("data-layout"), focus)).run();
    cy.on("tap", "node", function (event) {
      var url = event.target.data("url");
      if (url) { window.location.assign(url); }
    });
    cy.on("mouseover", "node", function (event) { box.style.cursor = event.target.data("url") ? "pointer" : "default"; });
    cy.on("mouseout", "node", function () { box.style.cursor = "default"; });
  }

  if (typeof window.cytoscape !== "function") {
    say("無法載入繪圖程式庫 The drawing library did not load (/vendor/cytoscape.min.js).");
    return;
  }
  say("載入中 Loading…");
  fetch(box.getAttribute("data-src"), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(draw)
    .catch(function (err) { say("無法載入追溯圖 Could not load the trace: " + err.message); });
}());
