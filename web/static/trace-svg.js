/* The trace drawing as a standalone SVG document: window.fscaiTraceSvg(cy) → string.
 * Written here rather than taken from npm: the one Cytoscape SVG extension (cytoscape-svg) is GPL-3.0,
 * and the drawing needs only shapes, edges and captions. Reads what Cytoscape drew (positions, sizes,
 * computed styles) of the elements not hidden; built with the DOM, so every text is escaped. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function regular(sides, x, y, w, h, turn) {
    var points = [];
    for (var i = 0; i < sides; i++) {
      var a = turn + 2 * Math.PI * i / sides;
      points.push((x + w / 2 * Math.cos(a)).toFixed(1) + "," + (y + h / 2 * Math.sin(a)).toFixed(1));
    }
    return points.join(" ");
  }

  function star(x, y, w, h) {
    var points = [];
    for (var i = 0; i < 10; i++) {
      var a = -Math.PI / 2 + Math.PI * i / 5, r = i % 2 ? 0.4 : 1;
      points.push((x + r * w / 2 * Math.cos(a)).toFixed(1) + "," + (y + r * h / 2 * Math.sin(a)).toFixed(1));
    }
    return points.join(" ");
  }

  function shape(node, parent) {
    var p = node.position(), w = node.width(), h = node.height(), kind = node.style("shape");
    var paint = { fill: node.style("background-color"), stroke: node.style("border-color"),
      "stroke-width": node.numericStyle("border-width") };
    if (kind === "ellipse") { return el("ellipse", Object.assign({ cx: p.x, cy: p.y, rx: w / 2, ry: h / 2 }, paint), parent); }
    var sides = { diamond: [4, 0], hexagon: [6, 0], octagon: [8, Math.PI / 8], triangle: [3, -Math.PI / 2],
      pentagon: [5, -Math.PI / 2] }[kind];
    if (sides) { return el("polygon", Object.assign({ points: regular(sides[0], p.x, p.y, w, h, sides[1]) }, paint), parent); }
    if (kind === "star") { return el("polygon", Object.assign({ points: star(p.x, p.y, w, h) }, paint), parent); }
    var round = /round|barrel/.test(kind) ? Math.min(w, h) / 4 : 0;
    return el("rect", Object.assign({ x: p.x - w / 2, y: p.y - h / 2, width: w, height: h, rx: round }, paint), parent);
  }

  function caption(node, parent) {
    var text = String(node.data("caption") || "");
    if (!text) { return; }
    var size = node.numericStyle("font-size"), p = node.position();
    var label = el("text", { x: p.x, y: p.y + node.height() / 2 + 3 + size, "text-anchor": "middle",
      "font-size": size, "font-weight": node.style("font-weight"), fill: node.style("color") }, parent);
    text.split("\n").forEach(function (line, i) {
      var span = el("tspan", { x: p.x, dy: i ? size * 1.2 : 0 }, label);
      span.textContent = line;
    });
  }

  window.fscaiTraceSvg = function (cy) {
    var shown = cy.elements().not(".hidden"), pad = 20;
    var bb = shown.boundingBox({ includeLabels: true });
    var svg = el("svg", { xmlns: NS, width: Math.ceil(bb.w + 2 * pad), height: Math.ceil(bb.h + 2 * pad),
      viewBox: [bb.x1 - pad, bb.y1 - pad, bb.w + 2 * pad, bb.h + 2 * pad].map(Math.round).join(" "),
      "font-family": cy.nodes().length ? cy.nodes()[0].style("font-family") : "sans-serif" });
    el("title", {}, svg).textContent = document.title;
    el("rect", { x: bb.x1 - pad, y: bb.y1 - pad, width: bb.w + 2 * pad, height: bb.h + 2 * pad, fill: "#ffffff" }, svg);
    var marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6,
      orient: "auto" }, el("defs", {}, svg));
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#6b767c" }, marker);
    var edges = el("g", { class: "edges", fill: "none" }, svg);
    shown.edges().forEach(function (edge) {
      var s = edge.sourceEndpoint(), t = edge.targetEndpoint(), style = edge.style("line-style");
      var line = el("path", { d: "M" + s.x.toFixed(1) + "," + s.y.toFixed(1) + " L" + t.x.toFixed(1) + "," + t.y.toFixed(1),
        stroke: edge.style("line-color"), "stroke-width": edge.numericStyle("width"), "marker-end": "url(#arrow)",
        opacity: edge.numericStyle("opacity") }, edges);
      if (style !== "solid") { line.setAttribute("stroke-dasharray", style === "dotted" ? "2 3" : "6 3"); }
    });
    var nodes = el("g", { class: "nodes" }, svg);
    shown.nodes().forEach(function (node) {
      var g = el("g", { class: "node kind-" + node.data("kind"), opacity: node.numericStyle("opacity") }, nodes);
      el("title", {}, g).textContent = node.data("kind_label_zh") + " " + node.data("kind_label_en") + ": " +
        (node.data("notation") ? node.data("notation") + " " : "") + node.data("label_zh") + " / " + node.data("label_en");
      shape(node, g);
      caption(node, g);
    });
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
  };
}());
