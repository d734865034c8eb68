/* The trace graph: Cytoscape.js laid out in layers by ELK (both served by the app from node_modules)
 * over /api/trace. A node's layer comes from its kind (data.layer: principle → section → measure →
 * subject → evidence | gap). Each principle groups its sections, measures and gaps (data.group) and
 * collapses into itself; "gaps only" and the kind filters hide the rest. A click highlights a node's
 * neighbours and opens a panel whose link opens its page; PNG and SVG downloads. window.cy is the instance;
 * #cy[data-ready="1"] whenever a layout has finished. Colours: Okabe–Ito, each kind with its own shape. */
(function () {
  "use strict";
  var box = document.getElementById("cy");
  if (!box) { return; }
  var status = document.getElementById("cy-status");
  var FONT = '"Noto Sans CJK TC", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", system-ui, sans-serif';
  var KINDS = {
    principle: { shape: "round-rectangle", color: "#F0E442", border: "#6b6200", w: 46, h: 26 },
    chapter: { shape: "round-rectangle", color: "#F0E442", border: "#6b6200", w: 46, h: 26 },
    section: { shape: "cut-rectangle", color: "#56B4E9", border: "#1c5a85", w: 32, h: 20 },
    measure: { shape: "rectangle", color: "#0072B2", border: "#00395a", w: 22, h: 22 },
    institution: { shape: "octagon", color: "#000000", border: "#000000", w: 30, h: 30 },
    system: { shape: "ellipse", color: "#E69F00", border: "#6e4c00", w: 28, h: 28 },
    vendor: { shape: "hexagon", color: "#CC79A7", border: "#6a2f52", w: 28, h: 24 },
    subject: { shape: "triangle", color: "#999999", border: "#444444", w: 24, h: 22 },
    evidence: { shape: "barrel", color: "#009E73", border: "#00503a", w: 22, h: 26 },
    gap: { shape: "diamond", color: "#D55E00", border: "#5e2900", w: 28, h: 28 }
  };
  var state = { collapsed: {}, gapsOnly: false, off: {}, running: false, again: false, picked: null };
  var memberOf = {}, groupSize = {}, inGapPath = {}, groups = [], cy = null;

  function say(text) { if (status) { status.textContent = text; } }
  function all(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }

  function styles() {
    var list = [
      { selector: "node", style: {
        "label": "data(caption)", "text-wrap": "wrap", "text-max-width": 100, "font-size": 9, "font-family": FONT,
        "text-valign": "bottom", "text-margin-y": 3, "color": "#222", "border-width": 1.5 } },
      { selector: "node[kind = 'measure']", style: { "text-max-width": 64 } },
      { selector: "node[kind = 'gap']", style: { "border-width": 2, "color": "#8a3a00", "font-weight": "bold" } },
      { selector: "node[?focus]", style: { "border-width": 4, "border-color": "#111", "width": 38, "height": 38 } },
      { selector: "node.collapsed", style: { "border-width": 4, "border-style": "double" } },
      { selector: "edge", style: { "width": 1.2, "line-color": "#9aa5ab", "target-arrow-color": "#9aa5ab",
        "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.8 } },
      { selector: "edge.flat", style: { "curve-style": "unbundled-bezier", "control-point-distances": -36,
        "control-point-weights": 0.5 } },
      { selector: "edge[rel = 'hasGap'], edge[rel = 'overdueEvidence']", style: { "line-color": "#D55E00",
        "target-arrow-color": "#D55E00", "line-style": "dashed", "width": 1.6 } },
      { selector: "edge[rel = 'undeterminedFor']", style: { "line-style": "dotted" } },
      { selector: "edge[rel = 'evidencedBy']", style: { "line-color": "#009E73", "target-arrow-color": "#009E73" } },
      { selector: "edge.meta", style: { "line-style": "dashed", "line-color": "#6b6200", "target-arrow-color": "#6b6200",
        "width": "mapData(count, 1, 20, 1.4, 5)" } },
      { selector: "edge.meta[gaps > 0]", style: { "line-color": "#D55E00", "target-arrow-color": "#D55E00" } },
      { selector: ".hidden", style: { "display": "none" } },
      { selector: ".faded", style: { "opacity": 0.15 } },
      { selector: "edge.near", style: { "width": 2.6, "line-color": "#111", "target-arrow-color": "#111", "z-index": 9 } },
      { selector: "node.picked", style: { "border-width": 5, "border-color": "#111", "z-index": 10 } }
    ];
    Object.keys(KINDS).forEach(function (kind) {
      var k = KINDS[kind];
      list.splice(1, 0, { selector: "node[kind = '" + kind + "']", style: { "shape": k.shape, "background-color": k.color,
        "border-color": k.border, "width": k.w, "height": k.h } });
    });
    return list;
  }

  // --- groups: a principle and what collapses into it (its sections, measures and gaps; never the focus) ---
  function buildGroups(data) {
    groups = data.groups || [];
    var meta = {};
    groups.forEach(function (g) {
      state.collapsed[g.id] = !!data.collapsed;
      var members = cy.nodes().filter(function (n) {
        return n.data("group") === g.id && n.id() !== g.id && !n.data("focus");
      });
      groupSize[g.id] = members.length;
      members.forEach(function (n) { memberOf[n.id()] = g.id; });
      members.connectedEdges().forEach(function (e) {
        var inside = memberOf[e.source().id()] === g.id, other = inside ? e.target() : e.source();
        if (memberOf[other.id()] === g.id || other.id() === g.id) { return; }
        var key = g.id + "|" + other.id();
        var m = meta[key] || (meta[key] = { id: "meta " + key, source: g.id, target: other.id(), rel: "collapsed",
          group: g.id, count: 0, gaps: 0 });
        m.count += 1;
        if ((inside ? e.source() : e.target()).data("kind") === "gap") { m.gaps += 1; }
      });
    });
    cy.add(Object.keys(meta).map(function (key) { return { group: "edges", data: meta[key], classes: "meta" }; }));
    cy.nodes("[kind = 'gap']").forEach(function (gap) {
      var measure = cy.getElementById(gap.data("measure"));
      [gap.id(), gap.data("subject"), gap.data("measure"), gap.data("group"),
        measure.nonempty() ? measure.data("section") : null].forEach(function (id) { if (id) { inGapPath[id] = true; } });
    });
  }

  function shown(n) {
    if (n.data("focus")) { return true; }
    if (state.off[n.data("kind")]) { return false; }
    if (memberOf[n.id()] && state.collapsed[memberOf[n.id()]]) { return false; }
    return !state.gapsOnly || !!inGapPath[n.id()];
  }

  function refresh() {
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var head = groupSize[n.id()] !== undefined, closed = head && state.collapsed[n.id()];
        n.toggleClass("hidden", !shown(n));
        n.toggleClass("collapsed", !!closed);
        if (head) { n.data("caption", n.data("caption0") + (closed ? "\n▸ +" + groupSize[n.id()] : "")); }
      });
      cy.edges().forEach(function (e) {
        var ends = !e.source().hasClass("hidden") && !e.target().hasClass("hidden");
        var on = e.hasClass("meta") ? ends && state.collapsed[e.data("group")] && (!state.gapsOnly || e.data("gaps") > 0) : ends;
        e.toggleClass("hidden", !on);
      });
    });
    var hidden = 0, closedGroups = 0;
    groups.forEach(function (g) {
      if (state.collapsed[g.id]) { hidden += groupSize[g.id]; closedGroups += 1; }
    });
    all(".n-hidden").forEach(function (el) { el.textContent = hidden; });
    all(".n-groups").forEach(function (el) { el.textContent = closedGroups; });
    var note = document.getElementById("trace-hidden");
    if (note) { note.hidden = hidden === 0; }
    all("button.group-toggle").forEach(function (b) {
      b.setAttribute("aria-expanded", state.collapsed[b.getAttribute("data-group")] ? "false" : "true");
    });
    unpick();
    relayout();
  }

  // --- layout: ELK layered; the layer of each node fixed by its kind (interactive layering reads y) ---
  function relayout() {
    if (state.running) { state.again = true; return; }
    state.running = true;
    box.setAttribute("data-ready", "0");
    // nodes just shown have no label size until Cytoscape has drawn them once: lay out after a frame
    window.requestAnimationFrame(function () { window.requestAnimationFrame(runLayout); });
  }

  function order(a, b) {  // the guideline's order within a layer (ELK keeps it where it costs no crossing)
    var x = (a.data("notation") || "~").split("."), y = (b.data("notation") || "~").split(".");
    for (var i = 0; i < Math.max(x.length, y.length); i++) {
      var p = x[i] || "", q = y[i] || "", m = parseInt(p, 10), n = parseInt(q, 10);
      if (p === q) { continue; }
      if (!isNaN(m) && !isNaN(n)) { return m - n; }
      return p < q ? -1 : 1;
    }
    return a.id() < b.id() ? -1 : 1;
  }

  function runLayout() {
    var nodes = cy.nodes().not(".hidden").sort(order);
    nodes.forEach(function (n) { n.position({ x: n.position("x") || 0, y: n.data("layer") * 1000 }); });
    var down = cy.edges().not(".hidden").filter(function (e) {
      return e.source().data("layer") < e.target().data("layer");
    });
    var layout = nodes.union(down).layout({ name: "elk", nodeDimensionsIncludeLabels: true, fit: true, padding: 24,
      animate: false, elk: { "algorithm": "layered", "elk.direction": "DOWN",
        "elk.layered.layering.strategy": "INTERACTIVE", "elk.separateConnectedComponents": false,
        "elk.spacing.nodeNode": 20, "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES", "elk.layered.spacing.nodeNodeBetweenLayers": 90 } });
    layout.one("layoutstop", function () {
      state.running = false;
      if (state.again) { state.again = false; relayout(); return; }
      var shownNodes = cy.nodes().not(".hidden").length, shownEdges = cy.edges().not(".hidden").length;
      var total = cy.nodes().length;
      box.setAttribute("data-ready", "1");
      say("已繪出 " + shownNodes + " 個節點、" + shownEdges + " 條連線（共 " + total + " 個節點） · drew " +
          shownNodes + " nodes and " + shownEdges + " edges (of " + total + " nodes)");
    });
    layout.run();
  }

  // --- a click: the node and its neighbours highlighted, a panel with a link to its page ---
  var panel = document.getElementById("trace-panel");
  function unpick() {
    if (!cy) { return; }
    cy.elements().removeClass("faded near picked");
    state.picked = null;
    box.removeAttribute("data-picked");
    if (panel) { panel.hidden = true; }
  }
  function pick(node) {
    unpick();
    var near = node.closedNeighborhood();
    cy.elements().not(near).addClass("faded");
    near.edges().addClass("near");
    node.addClass("picked");
    state.picked = node;
    box.setAttribute("data-picked", node.id());
    if (!panel) { return; }
    var d = node.data();
    panel.querySelector(".panel-kind").textContent = d.kind_label_zh + " " + d.kind_label_en;
    panel.querySelector(".panel-zh").textContent = (d.notation ? d.notation + " " : "") + d.label_zh;
    panel.querySelector(".panel-en").textContent = d.label_en;
    panel.querySelector(".panel-near").textContent = near.nodes().length - 1;
    var open = document.getElementById("trace-open");
    open.hidden = !d.url;
    if (d.url) { open.setAttribute("href", d.url); } else { open.removeAttribute("href"); }
    var toggle = panel.querySelector(".panel-group");
    toggle.hidden = groupSize[node.id()] === undefined;
    toggle.setAttribute("data-group", node.id());
    panel.hidden = false;
  }

  // --- the tooltip: kind, notation, both labels ---
  var tip = document.getElementById("cy-tip");
  function showTip(node, at) {
    if (!tip) { return; }
    var d = node.data(), lines = [d.kind_label_zh + " " + d.kind_label_en,
      (d.notation ? d.notation + " " : "") + d.label_zh, d.label_en];
    if (groupSize[node.id()] !== undefined && state.collapsed[node.id()]) {
      lines.push("已收合 " + groupSize[node.id()] + " 個節點 · " + groupSize[node.id()] + " nodes collapsed");
    }
    tip.textContent = "";
    lines.forEach(function (line, i) {
      var div = document.createElement("div");
      div.className = i === 0 ? "tip-kind" : (i === 2 ? "tip-en" : "tip-line");
      div.textContent = line;
      tip.appendChild(div);
    });
    tip.hidden = false;  // shown first, to be measured: it opens leftwards near the right edge
    var left = at.x + 14 + tip.offsetWidth > box.clientWidth ? at.x - 14 - tip.offsetWidth : at.x + 14;
    tip.style.left = (box.offsetLeft + Math.max(0, left)) + "px";
    tip.style.top = (box.offsetTop + at.y + 14) + "px";
  }

  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
  }

  function wire() {
    cy.on("tap", "node", function (event) { pick(event.target); });
    cy.on("tap", function (event) { if (event.target === cy) { unpick(); } });
    cy.on("mouseover", "node", function (event) { box.style.cursor = "pointer"; showTip(event.target, event.renderedPosition); });
    cy.on("mouseout", "node", function () { box.style.cursor = "default"; if (tip) { tip.hidden = true; } });
    cy.on("viewport", function () { if (tip) { tip.hidden = true; } });
    all("button.group-toggle, #trace-panel .panel-group").forEach(function (b) {
      b.addEventListener("click", function () {
        var g = b.getAttribute("data-group");
        state.collapsed[g] = !state.collapsed[g];
        refresh();
      });
    });
    all("button[data-collapse]").forEach(function (b) {
      b.addEventListener("click", function () {
        var closed = b.getAttribute("data-collapse") === "all";
        groups.forEach(function (g) { state.collapsed[g.id] = closed; });
        refresh();
      });
    });
    var gapsOnly = document.getElementById("gaps-only");
    if (gapsOnly) {
      gapsOnly.disabled = cy.nodes("[kind = 'gap']").empty();
      gapsOnly.addEventListener("change", function () { state.gapsOnly = gapsOnly.checked; refresh(); });
    }
    all("input.kind-filter").forEach(function (input) {
      input.addEventListener("change", function () { state.off[input.value] = !input.checked; refresh(); });
    });
    all("button[data-zoom]").forEach(function (b) {
      b.addEventListener("click", function () {
        var how = b.getAttribute("data-zoom");
        if (how === "fit") { cy.fit(cy.elements().not(".hidden"), 24); return; }
        cy.zoom({ level: cy.zoom() * (how === "in" ? 1.25 : 0.8), renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
      });
    });
    var name = "fscai-trace-" + (box.getAttribute("data-name") || "graph");
    var png = document.getElementById("export-png");
    if (png) {
      png.addEventListener("click", function () {
        download(cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff", maxWidth: 8000, maxHeight: 8000 }), name + ".png");
      });
    }
    var svg = document.getElementById("export-svg");
    if (svg && window.fscaiTraceSvg) {
      svg.addEventListener("click", function () {
        download(new Blob([window.fscaiTraceSvg(cy)], { type: "image/svg+xml" }), name + ".svg");
      });
    }
    var close = document.getElementById("trace-close");
    if (close) { close.addEventListener("click", unpick); }
  }

  function draw(data) {
    cy = window.cytoscape({ container: box, elements: data.elements, style: styles(), minZoom: 0.05, maxZoom: 4,
      autounselectify: true, boxSelectionEnabled: false });
    window.cy = cy;
    cy.batch(function () {
      cy.nodes().forEach(function (n) { n.data("caption0", n.data("caption")); });
      cy.edges().forEach(function (e) {
        if (e.source().data("layer") >= e.target().data("layer")) { e.addClass("flat"); }
      });
    });
    buildGroups(data);
    wire();
    refresh();
  }

  if (typeof window.cytoscape !== "function" || typeof window.ELK !== "function") {
    say("無法載入繪圖程式庫 The drawing library did not load (/vendor/cytoscape.min.js, /vendor/elk.bundled.js).");
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
