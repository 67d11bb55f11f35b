// qualgraph workbench: the links explorer. The server lays the network
// out and sends it as SVG (/api/links.svg, with this page's filter); this
// script parses it with DOMParser, keeps only drawing elements and
// attributes (no script, no event handlers, no links, no styles), and
// inserts it. Each edge group carries a class a-ID for every assertion it
// draws: clicking it (or Enter on it) lists their evidence quotes, from
// /api/assertions, with links into the documents.
"use strict";
(function () {
  const box = document.getElementById("links-graph");
  if (!box) {
    return;
  }
  const msg = document.getElementById("links-msg");
  const out = document.getElementById("links-evidence");
  const allowed = new Set(["svg", "g", "title", "path", "polygon", "polyline", "ellipse", "circle", "rect", "line", "text"]);
  const attrs = new Set(["id", "class", "d", "points", "cx", "cy", "rx", "ry", "r", "x", "y", "x1", "y1", "x2", "y2", "width", "height",
    "viewBox", "transform", "fill", "stroke", "stroke-width", "stroke-dasharray", "font-family", "font-size", "font-weight",
    "text-anchor", "preserveAspectRatio"]);

  // clean copies the drawing elements of node into the document,
  // leaving out everything else.
  function clean(node) {
    // A link element becomes a plain group: nothing in the drawing may navigate.
    const name = node.localName === "a" ? "g" : node.localName;
    if (!allowed.has(name)) {
      return null;
    }
    const copy = document.createElementNS("http://www.w3.org/2000/svg", name);
    for (const a of Array.from(node.attributes)) {
      if (node.localName !== "a" && attrs.has(a.name)) {
        copy.setAttribute(a.name, a.value);
      }
    }
    for (const c of Array.from(node.childNodes)) {
      if (c.nodeType === Node.TEXT_NODE) {
        copy.append(document.createTextNode(c.nodeValue));
      } else if (c.nodeType === Node.ELEMENT_NODE) {
        const k = clean(c);
        if (k) {
          copy.append(k);
        }
      }
    }
    return copy;
  }

  let rows = new Map();
  async function load() {
    const q = window.location.search;
    try {
      const [svgResp, asResp] = await Promise.all([
        fetch("/api/links.svg" + q, { credentials: "same-origin" }),
        fetch("/api/assertions" + q, { credentials: "same-origin" })]);
      if (!svgResp.ok) {
        const e = await svgResp.json().catch(function () { return {}; });
        throw new Error(e.error || "the graph: " + svgResp.status);
      }
      const list = asResp.ok ? await asResp.json() : [];
      rows = new Map(list.map(function (a) { return [a.id, a]; }));
      const doc = new DOMParser().parseFromString(await svgResp.text(), "image/svg+xml");
      const svg = doc.documentElement && doc.documentElement.localName === "svg" ? clean(doc.documentElement) : null;
      if (!svg) {
        throw new Error("the graph: the server sent no SVG");
      }
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", "Links between entities");
      for (const g of svg.querySelectorAll("g.qg-edge")) {
        g.setAttribute("tabindex", "0");
        g.setAttribute("role", "button");
        const t = g.querySelector("title");
        g.setAttribute("aria-label", (t ? t.textContent : "edge") + ": show evidence");
      }
      box.replaceChildren(svg);
      msg.textContent = rows.size ? rows.size + " assertions drawn." : "No assertions pass this filter.";
      box.dataset.loaded = String(Date.now());
    } catch (e) {
      msg.textContent = e.message;
      msg.classList.add("error");
    }
  }

  function show(g) {
    for (const s of box.querySelectorAll("g.qg-selected")) {
      s.classList.remove("qg-selected");
    }
    g.classList.add("qg-selected");
    const ids = Array.from(g.classList).filter(function (c) { return c.startsWith("a-"); }).map(function (c) { return c.slice(2); });
    const list = document.createElement("ul");
    list.className = "qg-evidence";
    for (const id of ids) {
      const a = rows.get(id);
      if (!a) {
        continue;
      }
      for (const q of a.quotes) {
        const li = document.createElement("li");
        const link = document.createElement("a");
        link.href = "/documents/" + encodeURIComponent(q.doc) + "#s=" + q.start + "-" + q.end;
        const quote = document.createElement("q");
        const bdi = document.createElement("bdi");
        bdi.textContent = q.text;
        quote.append(bdi);
        link.append(quote);
        const who = document.createElement("span");
        who.className = "attr";
        who.textContent = " " + a.subject_name + " " + a.relation + " " + a.object_name + " · " + q.doc_name + " · " + a.coder;
        li.append(link, who);
        list.append(li);
      }
    }
    const h = document.createElement("h2");
    h.textContent = "Evidence";
    out.replaceChildren(h, list.children.length ? list : Object.assign(document.createElement("p"), { textContent: "No evidence found." }));
  }
  box.addEventListener("click", function (ev) {
    const g = ev.target.closest("g.qg-edge");
    if (g) {
      show(g);
    }
  });
  box.addEventListener("keydown", function (ev) {
    const g = ev.target.closest && ev.target.closest("g.qg-edge");
    if (g && (ev.key === "Enter" || ev.key === " ")) {
      ev.preventDefault();
      show(g);
    }
  });
  document.addEventListener("qg-recorded", load);
  let timer = 0;
  new MutationObserver(function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, 500);
  }).observe(document.body, { attributes: true, attributeFilter: ["data-changed"] });
  load();
})();
