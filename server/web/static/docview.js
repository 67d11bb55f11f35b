// qualgraph workbench: the document view, /documents/{doc}.
//
// It fetches the document (/api/documents/{doc}) and the code tree
// (/api/codes) and draws the text with DOM nodes only (textContent, never
// HTML: transcripts are untrusted). The text is cut into runs at every
// coding's start and end; each run is a <span data-s="START"> whose START
// is the run's first code point in the stored text, so that a selection
// maps back to exact code points whatever the text holds (JavaScript
// strings are UTF-16: offsets are converted with Array.from). Bidi
// control characters are drawn as visible markers, not obeyed.
//
// Drawing scales to long documents. Each speaker turn is its own box
// (.turn, with CSS content-visibility: auto, so turns away from the view
// are not laid out) holding its runs and, in its margin (.gut), the
// stripes of the codings it covers. A turn is first drawn as plain text;
// its highlights and stripes are drawn when it comes near the view (an
// IntersectionObserver). Stripe lanes come from offsets alone; only the
// vertical extent of a stripe needs layout, and it is read relative to
// its turn's box then, so one turn is laid out, not the document. After
// a coding is applied or removed, or a change arrives, only the turns
// whose codings changed (compared by id) are drawn again.
//
// Selecting text opens a popover with a code picker (type-ahead over the
// ontology and the emergent codes, English and Chinese labels, arrows,
// Enter, Esc, recently used codes first) that POSTs /api/codings; its
// Mention… and Assert… buttons dispatch "qg-mention" and "qg-assert"
// CustomEvents on document with detail {doc, start, end, text};
// window.qgSelection() returns that object or null. Clicking a highlight
// or a stripe offers remove and recode. When app.js marks a change of the
// project (body[data-changed]) the codings are fetched and drawn again.
//
// Other scripts mark spans through window.qgDocview (suggest.js draws
// suggestions so): setMarks([{id, s, e, kind, colour}]) cuts the runs of
// the drawn turns at the marks too and gives a run under marks the class
// "sugg" (under a mark of kind "assert", "sugg-a"), data-sugg (the marks' ids,
// space-separated) and, under the focused mark (focus(id)), "sugg-on";
// like codings, only the turns whose marks changed are drawn again.
// build(x) draws the turn holding offset x in full at once; applied(gone,
// made) draws codings made or removed elsewhere; text(s, e) is the text
// of code points s to e.
"use strict";
(function () {
  const root = document.getElementById("docview");
  if (!root) {
    return;
  }
  const docID = root.dataset.doc;
  const compare = (root.dataset.compare || "").split(",").filter(Boolean);
  const textEl = document.getElementById("doc-text");
  const msgEl = document.getElementById("doc-msg");
  const pop = document.getElementById("qg-pop");
  document.body.appendChild(pop); // positioned against the page

  const bidiControls = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
  const recentKey = "qg.recentCodes";

  let view = null; // the document, as the API sends it
  let cps = []; // its text, one string per code point
  let codes = []; // the code tree, depth first
  let runs = []; // drawn runs in text order: {el, s, e, codings}
  let turns = []; // drawn blocks in text order: {start, end, speaker, begin, el, ds, runs, stripes, placed, built}
  const turnOf = new WeakMap(); // a turn's element to the turn
  const shown = new Set(); // the turns near the view
  let io = null; // the IntersectionObserver of the turns
  let lanes = new Map(); // a coding's id to its stripe's preferred lane
  let laneCount = 0;
  let drawnCodings = new Map(); // the drawn codings by id: {c, s, e}
  let drawnText = null;
  let drawnSegs = "";
  let drawnFlash = "";
  let epoch = 0; // counts the changes drawn before the server's next view
  let renders = 0;
  let current = null; // the selection the popover works on
  let pending = false; // a redraw waits for the user's selection to end
  let marks = []; // other scripts' marks (see qgDocview.setMarks): {id, s, e, kind, colour}
  let markOn = ""; // the focused mark's id

  const api = qg.api;
  const el = qg.el;

  function showError(e) {
    msgEl.textContent = String((e && e.message) || e);
    msgEl.hidden = false;
    const inPop = pop.querySelector(".qg-poperr");
    if (inPop && !pop.hidden) {
      inPop.textContent = msgEl.textContent;
    }
  }

  function clearError() {
    msgEl.hidden = true;
    msgEl.textContent = "";
  }

  // rgba turns #RRGGBB into a translucent colour.
  function rgba(hex, a) {
    const m = /^#([0-9a-f]{6})$/i.exec(hex || "");
    const n = m ? parseInt(m[1], 16) : 0x7f8fa6;
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + a + ")";
  }

  function solid(hex) {
    return /^#[0-9a-f]{6}$/i.test(hex || "") ? hex : "#7f8fa6";
  }

  function clock(ms) {
    const s = Math.floor(ms / 1000);
    const pad = (n) => String(n).padStart(2, "0");
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }

  // hashSpan reads #s=START-END.
  function hashSpan() {
    const m = /^#s=(\d+)-(\d+)$/.exec(location.hash);
    if (!m) {
      return null;
    }
    const s = Number(m[1]);
    const e = Number(m[2]);
    return e > s ? { start: s, end: e } : null;
  }

  // blocks covers the text with speaker turns and, between them, the
  // text of no turn.
  function blocks(n) {
    const out = [];
    let at = 0;
    const segs = (view.segments || []).slice().sort((a, b) => a.start - b.start);
    for (const g of segs) {
      const s = Math.max(g.start, at);
      const e = Math.min(g.end, n);
      if (e <= s) {
        continue;
      }
      if (s > at) {
        out.push({ start: at, end: s });
      }
      out.push({ start: s, end: e, speaker: g.speaker, begin: g.begin_ms });
      at = e;
    }
    if (at < n) {
      out.push({ start: at, end: n });
    }
    return out;
  }

  function coderLine(c) {
    return (c.label || c.code) + " (" + c.code + ") — " + c.coder;
  }

  // drawable are the codings of the view that cover at least one code
  // point of the text, with their offsets clamped to it as s and e.
  function drawable() {
    const n = cps.length;
    const clamp = (x) => Math.max(0, Math.min(n, x));
    const out = [];
    for (const c of view.codings) {
      const s = clamp(c.start);
      const e = clamp(c.end);
      if (s < e) {
        out.push({ c: c, s: s, e: e });
      }
    }
    return out;
  }

  // Lanes are assigned from offsets alone, without layout: a coding takes
  // the lowest lane where no other coding lies within laneGap code points
  // of it (so that stripes on one line rarely meet); placing a turn moves
  // a stripe that still meets another to a free lane (see placeStripes).
  const laneGap = 120;
  const laneWidth = 7;

  function assignLanes(ds) {
    lanes = new Map();
    const ends = []; // the end of each lane's last coding
    const sorted = ds.slice().sort((x, y) => (x.s - y.s) || (y.e - x.e));
    for (const d of sorted) {
      let k = ends.findIndex((e) => e + laneGap <= d.s);
      if (k < 0) {
        k = ends.length;
        ends.push(0);
      }
      ends[k] = d.e;
      lanes.set(d.c.id, k);
    }
    setLaneCount(Math.max(1, ends.length));
  }

  // addLane gives d the lowest lane none of ds (codings with lanes) holds
  // within laneGap of it.
  function addLane(d, ds) {
    const taken = new Set();
    for (const o of ds) {
      if (o.c.id !== d.c.id && lanes.has(o.c.id) && o.s < d.e + laneGap && d.s < o.e + laneGap) {
        taken.add(lanes.get(o.c.id));
      }
    }
    let k = 0;
    while (taken.has(k)) {
      k++;
    }
    lanes.set(d.c.id, k);
    return k;
  }

  // setLaneCount widens or narrows the margin of the stripes; every
  // placed turn must then be placed again, as its lines may wrap
  // otherwise.
  function setLaneCount(k) {
    if (k === laneCount) {
      return false;
    }
    laneCount = k;
    textEl.style.setProperty("--qg-gut", laneCount * laneWidth + "px");
    return true;
  }

  // turnAt returns the index of the turn holding offset x.
  function turnAt(x) {
    let lo = 0;
    let hi = turns.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (turns[mid].end <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // spread gives each turn (from index i to j, inclusive) the drawable
  // codings that overlap it.
  function spread(ds, i, j) {
    for (let k = i; k <= j; k++) {
      turns[k].ds = [];
    }
    for (const d of ds) {
      for (let k = Math.max(i, turnAt(d.s)); k <= j && k < turns.length && turns[k].start < d.e; k++) {
        turns[k].ds.push(d);
      }
    }
  }

  // estimate is the height a turn is given until it is first laid out:
  // about one line per 90 code points (a CJK character counts twice).
  function estimate(t) {
    let w = 0;
    for (let i = t.start; i < t.end; i++) {
      w += cps[i].codePointAt(0) >= 0x2e80 ? 2 : 1;
    }
    return (t.speaker ? 30 : 10) + 27 * Math.max(1, Math.ceil(w / 90));
  }

  // blank says whether the text from a to b (code points) is white space.
  function blank(a, b) {
    for (let i = a; i < b; i++) {
      if (!/\s/.test(cps[i])) {
        return false;
      }
    }
    return true;
  }

  // buildTurn draws turn t from its codings (t.ds): its runs of text, cut
  // at every coding's start and end and at the flashed span, and the
  // stripes of its codings in its margin, not yet placed; light, it draws
  // the text alone (t.built false), to be drawn in full when the turn
  // comes near the view. A coding gets
  // its stripe (.stripe, with its data) in the first turn where it covers
  // more than white space (or where it starts, if it covers nothing else)
  // and a continuation (.stripe-more) in every further such turn.
  function buildTurn(t, flash, light) {
    const tds = light ? [] : t.ds;
    t.built = !light;
    const cuts = new Set([t.start, t.end]);
    for (const d of tds) {
      cuts.add(Math.max(d.s, t.start));
      cuts.add(Math.min(d.e, t.end));
    }
    const tms = light ? [] : marks.filter((m) => m.s < t.end && t.start < m.e);
    for (const m of tms) {
      cuts.add(Math.max(m.s, t.start));
      cuts.add(Math.min(m.e, t.end));
    }
    if (flash) {
      for (const x of [flash.start, flash.end]) {
        if (x > t.start && x < t.end) {
          cuts.add(x);
        }
      }
    }
    const pts = Array.from(cuts).sort((a, b) => a - b);
    const box = el("div", "txt");
    const out = [];
    t.flashEl = null;
    for (let i = 0; i + 1 < pts.length; i++) {
      const a = pts[i];
      const b = pts[i + 1];
      const on = tds.filter((d) => d.s <= a && d.e >= b).map((d) => d.c);
      const piece = cps.slice(a, b).join("");
      if (!t.speaker && on.length === 0 && piece.trim() === "" && !tms.some((m) => m.s <= a && m.e >= b)) {
        continue; // the blank lines between turns
      }
      on.sort((x, y) => (y.start - x.start) || (x.end - y.end));
      let title = "";
      let cls = "";
      if (on.length > 0) {
        cls = on.length > 1 ? "hl deep" : "hl";
        title = on.map(coderLine).join("\n");
      }
      if (compare.length === 2) {
        const of = (k) => new Set(on.filter((c) => c.coder === k).map((c) => c.code));
        const ca = of(compare[0]);
        const cb = of(compare[1]);
        const onlyA = Array.from(ca).filter((x) => !cb.has(x));
        const onlyB = Array.from(cb).filter((x) => !ca.has(x));
        if (onlyA.length + onlyB.length > 0) {
          cls += " disagree";
          const lines = [];
          if (onlyA.length) {
            lines.push("only " + compare[0] + ": " + onlyA.join(", "));
          }
          if (onlyB.length) {
            lines.push("only " + compare[1] + ": " + onlyB.join(", "));
          }
          title = (title ? title + "\n" : "") + lines.join("\n");
        }
      }
      const inFlash = flash && a >= flash.start && b <= flash.end;
      const ms = tms.filter((m) => m.s <= a && m.e >= b);
      let mcls = "";
      if (ms.length > 0) {
        mcls = (ms.some((m) => m.kind !== "assert") ? " sugg" : "") + (ms.some((m) => m.kind === "assert") ? " sugg-a" : "") +
          (ms.some((m) => m.id === markOn) ? " sugg-on" : "");
      }
      const emit = (start, end, text, ctl) => {
        const sp = el("span", (cls + mcls + (ctl ? " ctl" : "") + (inFlash ? " flash" : "")).trim());
        sp.dataset.s = String(start);
        if (ms.length > 0) {
          sp.dataset.sugg = ms.map((m) => m.id).join(" ");
          const mc = ms.find((m) => m.colour);
          if (mc) {
            sp.style.outlineColor = solid(mc.colour);
          }
        }
        if (ctl) {
          const cp = text.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
          sp.dataset.cp = "U+" + cp;
          sp.title = "bidi control U+" + cp + " (shown, not obeyed)";
        } else {
          sp.textContent = text;
          if (title) {
            sp.title = title;
          }
        }
        if (on.length === 1) {
          sp.style.backgroundColor = rgba(on[0].colour, 0.35);
        } else if (on.length > 1) {
          const step = 100 / on.length;
          const bands = on.map((c, k) => rgba(c.colour, 0.45) + " " + (k * step).toFixed(2) + "% " + ((k + 1) * step).toFixed(2) + "%");
          sp.style.backgroundImage = "linear-gradient(to bottom, " + bands.join(", ") + ")";
        }
        box.appendChild(sp);
        out.push({ el: sp, s: start, e: end, codings: on });
        if (inFlash && !t.flashEl) {
          t.flashEl = sp;
        }
      };
      if (!bidiControls.test(piece)) {
        emit(a, b, piece, false);
        continue;
      }
      // Split the run at bidi controls, which are shown, not obeyed.
      let s = a;
      let buf = "";
      let bufStart = a;
      for (const ch of cps.slice(a, b)) {
        if (bidiControls.test(ch)) {
          if (buf) {
            emit(bufStart, s, buf, false);
          }
          emit(s, s + 1, ch, true);
          buf = "";
          bufStart = s + 1;
        } else {
          buf += ch;
        }
        s++;
      }
      if (buf) {
        emit(bufStart, b, buf, false);
      }
    }
    const gut = el("div", "gut");
    gut.setAttribute("aria-label", "codings");
    t.stripes = [];
    for (const d of tds) {
      const c = d.c;
      const here = !blank(Math.max(d.s, t.start), Math.min(d.e, t.end));
      const first = d.s >= t.start ? here || blank(d.s, d.e) : here && blank(d.s, t.start);
      if (!first && !here) {
        continue;
      }
      const st = el("div", first ? "stripe" : "stripe-more");
      st.style.backgroundColor = solid(c.colour);
      st.title = coderLine(c);
      if (first) {
        st.tabIndex = 0;
        st.setAttribute("role", "button");
        st.setAttribute("aria-label", "coding " + coderLine(c));
        st.dataset.id = c.id;
        st.dataset.code = c.code;
        st.dataset.coder = c.coder;
        st.dataset.start = String(c.start);
        st.dataset.end = String(c.end);
      } else {
        st.dataset.of = c.id;
      }
      gut.appendChild(st);
      t.stripes.push({ el: st, d: d });
    }
    if (!t.el) {
      t.el = el("div", "turn");
      t.el.dataset.s = String(t.start);
      t.el.style.containIntrinsicSize = "auto " + estimate(t) + "px";
      turnOf.set(t.el, t);
    }
    const kids = [];
    if (t.speaker) {
      const who = el("div", "who");
      who.appendChild(el("bdi", "", t.speaker));
      if (t.begin >= 0) {
        t.el.dataset.begin = String(t.begin);
        who.appendChild(el("time", "", clock(t.begin)));
      }
      kids.push(who);
    }
    kids.push(gut, box);
    t.el.replaceChildren(...kids);
    t.el.toggleAttribute("data-full", !light);
    t.runs = out;
    t.placed = false;
  }

  // firstRun returns the index of the first of runs rs that ends after x.
  function firstRun(rs, x) {
    let lo = 0;
    let hi = rs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rs[mid].e <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // placeStripes sets the vertical extent of the stripes of turns ts from the
  // boxes of their runs, relative to each turn's box, so that only those
  // turns are laid out. It reads every box first, then writes. A stripe
  // that would meet another of its lane in the turn moves to the lowest
  // free lane, widening the margin if it must.
  function placeStripes(ts) {
    const todo = ts.filter((t) => t.el && t.runs.length > 0 && !t.placed);
    const geo = [];
    for (const t of todo) {
      const origin = t.el.getBoundingClientRect().top;
      const items = [];
      for (const st of t.stripes) {
        const i = firstRun(t.runs, Math.max(st.d.s, t.start));
        let j = firstRun(t.runs, Math.min(st.d.e, t.end) - 1);
        if (j >= t.runs.length || t.runs[j].s >= st.d.e) {
          j--;
        }
        if (i >= t.runs.length || j < i) {
          items.push({ st: st, top: 0, bottom: 0, hidden: true });
          continue;
        }
        const top = t.runs[i].el.getBoundingClientRect().top - origin;
        const bottom = t.runs[j].el.getBoundingClientRect().bottom - origin;
        items.push({ st: st, top: top, bottom: Math.max(bottom, top + 4) });
      }
      geo.push(items);
    }
    let widest = laneCount;
    geo.forEach((items, n) => {
      items.sort((x, y) => (x.top - y.top) || (y.bottom - x.bottom));
      const bottoms = []; // the bottom of each lane's last stripe in this turn
      let own = 1; // the lanes this turn's stripes take
      for (const it of items) {
        const s = it.st.el.style;
        if (it.hidden) {
          s.display = "none";
          continue;
        }
        let k = lanes.get(it.st.d.c.id) || 0;
        if (bottoms[k] !== undefined && bottoms[k] + 2 > it.top) {
          k = 0;
          while (bottoms[k] !== undefined && bottoms[k] + 2 > it.top) {
            k++;
          }
        }
        bottoms[k] = it.bottom;
        own = Math.max(own, k + 1);
        widest = Math.max(widest, k + 1);
        s.display = "";
        s.top = it.top + "px";
        s.height = (it.bottom - it.top) + "px";
        s.left = (k * laneWidth) + "px";
      }
      todo[n].placed = true;
      todo[n].lanes = own;
    });
    if (setLaneCount(widest)) {
      replaceAll();
    }
  }

  // lanesNeeded returns the lanes the codings' preferred lanes and the
  // placed turns other than those of skip take.
  function lanesNeeded(skip) {
    let n = 1;
    for (const k of lanes.values()) {
      n = Math.max(n, k + 1);
    }
    turns.forEach((t, i) => {
      if (t.placed && !skip.has(i)) {
        n = Math.max(n, t.lanes || 1);
      }
    });
    return n;
  }

  // replaceAll places every turn near the view again, after the margin's
  // width or the window's changed.
  function replaceAll() {
    for (const t of turns) {
      t.placed = false;
    }
    placeStripes(Array.from(shown));
  }

  // drawn marks the page as drawn for tests and benchmarks.
  function drawn(t0, t1) {
    renders++;
    root.dataset.drawMs = (t1 - t0).toFixed(0) + "+" + (performance.now() - t1).toFixed(0);
    root.dataset.renderedAt = String(performance.now());
    root.dataset.rendered = String(renders);
  }

  // observe watches the turns come near the view, to place their stripes
  // then; the first report after a full drawing marks the page drawn.
  function observe(t0, t1) {
    if (io) {
      io.disconnect();
    }
    shown.clear();
    let first = true;
    io = new IntersectionObserver((entries) => {
      const fresh = [];
      for (const en of entries) {
        const t = turnOf.get(en.target);
        if (!t) {
          continue;
        }
        if (en.isIntersecting) {
          shown.add(t);
          fresh.push(t);
        } else {
          shown.delete(t);
        }
      }
      const light = fresh.filter((t) => !t.built);
      if (light.length > 0) {
        const flash = hashSpan();
        for (const t of light) {
          buildTurn(t, flash, false);
        }
        runs = turns.flatMap((t) => t.runs);
      }
      placeStripes(fresh);
      if (first) {
        first = false;
        drawn(t0, t1);
      }
    }, { rootMargin: "600px 0px" });
    let any = false;
    for (const t of turns) {
      if (t.el && t.el.isConnected) {
        io.observe(t.el);
        any = true;
      }
    }
    if (!any) {
      drawn(t0, t1);
    }
  }

  // render draws the whole document: every turn with its text, and in
  // full (highlights, stripes placed) the turns near the view when the
  // observer first reports; the others when they come near it.
  function render() {
    const t0 = performance.now();
    cps = Array.from(view.text);
    const ds = drawable();
    assignLanes(ds);
    turns = blocks(cps.length).map((b) => ({ start: b.start, end: b.end, speaker: b.speaker, begin: b.begin, el: null, ds: [], runs: [], stripes: [], placed: false, built: false }));
    spread(ds, 0, turns.length - 1);
    const flash = hashSpan();
    const frag = document.createDocumentFragment();
    let flashEl = null;
    for (const t of turns) {
      // Light unless it holds the flashed span, or only blank lines
      // that a coding covers (which a light drawing leaves out).
      const full = (flash && flash.start < t.end && t.start < flash.end) || (!t.speaker && t.ds.length > 0 && blank(t.start, t.end));
      buildTurn(t, flash, !full);
      if (t.runs.length > 0) {
        frag.appendChild(t.el); // the blank lines between turns are not drawn
      }
      flashEl = flashEl || t.flashEl;
    }
    textEl.replaceChildren(frag);
    textEl.removeAttribute("aria-busy");
    runs = turns.flatMap((t) => t.runs);
    drawnCodings = new Map(ds.map((d) => [d.c.id, d]));
    drawnText = view.text;
    drawnSegs = JSON.stringify(view.segments || []);
    drawnFlash = location.hash;
    const t1 = performance.now();
    if (flashEl) {
      flashEl.scrollIntoView({ block: "center" });
    }
    observe(t0, t1);
  }

  // mount puts turn k into the page if it has runs, before the next turn
  // there, and takes it out if it has none (blank lines between turns).
  function mount(k) {
    const t = turns[k];
    if (t.runs.length === 0) {
      if (t.el.isConnected) {
        io.unobserve(t.el);
        shown.delete(t);
        t.el.remove();
      }
      return;
    }
    if (t.el.isConnected) {
      return;
    }
    let next = null;
    for (let i = k + 1; i < turns.length && !next; i++) {
      if (turns[i].el && turns[i].el.isConnected) {
        next = turns[i].el;
      }
    }
    textEl.insertBefore(t.el, next);
    io.observe(t.el);
  }

  // same says whether a coding is drawn as it was.
  function same(a, b) {
    return a.s === b.s && a.e === b.e && a.c.code === b.c.code && a.c.coder === b.c.coder &&
      a.c.label === b.c.label && a.c.colour === b.c.colour;
  }

  // update draws a new view of the same text: only the turns whose
  // codings were added, removed or changed are drawn again, and placed
  // at once if they are near the view.
  function update() {
    if (view.text !== drawnText || JSON.stringify(view.segments || []) !== drawnSegs || location.hash !== drawnFlash || turns.length === 0) {
      render();
      return;
    }
    const t0 = performance.now();
    const ds = drawable();
    const now = new Map(ds.map((d) => [d.c.id, d]));
    const spans = [];
    for (const [id, d] of drawnCodings) {
      const n = now.get(id);
      if (!n || !same(d, n)) {
        spans.push(d);
        lanes.delete(id);
      }
    }
    const added = [];
    for (const [id, d] of now) {
      const o = drawnCodings.get(id);
      if (!o || !same(o, d)) {
        spans.push(d);
        added.push(d);
      }
    }
    drawnCodings = now;
    const dirty = new Set();
    for (const d of spans) {
      for (let k = turnAt(d.s); k < turns.length && turns[k].start < d.e; k++) {
        dirty.add(k);
      }
    }
    let widest = laneCount;
    for (const d of added) {
      widest = Math.max(widest, addLane(d, ds) + 1);
    }
    if (added.length < spans.length) {
      widest = lanesNeeded(dirty); // something was removed: the margin may narrow
    }
    if (dirty.size > 0) {
      const ks = Array.from(dirty).sort((a, b) => a - b);
      const mine = ds.filter((d) => ks.some((k) => turns[k].start < d.e && d.s < turns[k].end));
      for (const k of ks) {
        const t = turns[k];
        t.ds = mine.filter((d) => t.start < d.e && d.s < t.end);
        buildTurn(t, null, !t.built && !(!t.speaker && t.ds.length > 0 && blank(t.start, t.end)));
        mount(k);
      }
      runs = turns.flatMap((t) => t.runs);
      if (setLaneCount(widest)) {
        replaceAll();
      } else {
        placeStripes(ks.map((k) => turns[k]).filter((t) => shown.has(t)));
      }
    }
    drawn(t0, performance.now());
  }

  // pointOffset maps a DOM boundary point to a code-point offset of the
  // text. Inside a run's text it counts the code points before the point;
  // elsewhere (speaker labels, between turns) it takes the next run's
  // start, or for the end of a selection the previous run's end.
  function pointOffset(node, off, isEnd) {
    if (node.nodeType === Node.TEXT_NODE) {
      const run = node.parentElement;
      if (run && run.dataset.s !== undefined && run.firstChild === node && textEl.contains(run)) {
        return Number(run.dataset.s) + Array.from(node.data.slice(0, off)).length;
      }
    } else if (node.nodeType === Node.ELEMENT_NODE && node.dataset && node.dataset.s !== undefined && node.parentElement && node.parentElement.classList.contains("txt")) {
      const i = runs.findIndex((r) => r.el === node);
      if (i >= 0) {
        return off === 0 ? runs[i].s : runs[i].e;
      }
    }
    const pt = document.createRange();
    pt.setStart(node, off);
    let lo = 0;
    let hi = runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pt.comparePoint(runs[mid].el, 0) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (isEnd) {
      return lo > 0 ? runs[lo - 1].e : 0;
    }
    return lo < runs.length ? runs[lo].s : cps.length;
  }

  // selectionInfo is the document's selection in the text as
  // {doc, start, end, text}, or null.
  function selectionInfo() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed || runs.length === 0) {
      return null;
    }
    const r = sel.getRangeAt(0);
    if (!r.intersectsNode(textEl)) {
      return null;
    }
    const start = pointOffset(r.startContainer, r.startOffset, false);
    const end = pointOffset(r.endContainer, r.endOffset, true);
    if (end <= start) {
      return null;
    }
    return { doc: docID, start: start, end: end, text: cps.slice(start, end).join("") };
  }

  window.qgSelection = function () {
    const s = current || selectionInfo();
    return s ? { doc: s.doc, start: s.start, end: s.end, text: s.text } : null;
  };

  function recent() {
    try {
      const v = JSON.parse(localStorage.getItem(recentKey) || "[]");
      return Array.isArray(v) ? v.filter((x) => typeof x === "string") : [];
    } catch (e) {
      return [];
    }
  }

  function remember(code) {
    const v = [code].concat(recent().filter((x) => x !== code)).slice(0, 8);
    try {
      localStorage.setItem(recentKey, JSON.stringify(v));
    } catch (e) {
      // no storage: the order is the tree's
    }
  }

  // candidates are the codes matching q, best first: exact, then prefix,
  // then substring matches of the id or any label; recently used codes
  // first among equals, then the tree's order.
  function candidates(q) {
    q = q.trim().toLowerCase();
    const rec = recent();
    const out = [];
    codes.forEach((c, i) => {
      const names = [c.id].concat(Object.values(c.labels || {})).map((x) => String(x).toLowerCase());
      let score = 3;
      if (!q) {
        score = 0;
      } else if (names.some((x) => x === q)) {
        score = 0;
      } else if (names.some((x) => x.startsWith(q))) {
        score = 1;
      } else if (names.some((x) => x.includes(q))) {
        score = 2;
      }
      if (score < 3) {
        const r = rec.indexOf(c.id);
        out.push({ c: c, score: score, recent: r < 0 ? rec.length : r, i: i });
      }
    });
    out.sort((a, b) => (a.score - b.score) || (a.recent - b.recent) || (a.i - b.i));
    return out.map((x) => ({ code: x.c, recent: x.recent < rec.length }));
  }

  function closePopover() {
    pop.hidden = true;
    pop.replaceChildren();
    current = null;
    if (pending) {
      refresh();
    }
  }

  function place(rect) {
    pop.hidden = false;
    const w = pop.offsetWidth;
    const left = Math.max(4, Math.min(rect.left, document.documentElement.clientWidth - w - 8));
    pop.style.left = (left + window.scrollX) + "px";
    pop.style.top = (rect.bottom + window.scrollY + 6) + "px";
  }

  function quoteLine(text) {
    const q = el("div", "qg-quote");
    const chars = Array.from(text);
    const b = el("bdi", "", chars.length > 80 ? chars.slice(0, 80).join("") + "…" : text);
    q.appendChild(b);
    return q;
  }

  // openPicker shows the code picker for sel at rect: it codes sel, or
  // with recoding set gives that coding another code.
  function openPicker(sel, rect, recoding) {
    current = sel;
    pop.replaceChildren();
    pop.appendChild(quoteLine(sel.text));
    const input = el("input");
    input.type = "text";
    input.id = "qg-code-input";
    input.placeholder = recoding ? "Recode as… (type to filter)" : "Code… (type to filter)";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", "qg-code-list");
    input.setAttribute("aria-expanded", "true");
    input.autocomplete = "off";
    const list = el("ul", "qg-list");
    list.id = "qg-code-list";
    list.setAttribute("role", "listbox");
    const err = el("div", "qg-poperr");
    err.setAttribute("role", "alert");
    pop.appendChild(input);
    pop.appendChild(list);
    pop.appendChild(err);
    if (!recoding) {
      const acts = el("div", "qg-actions");
      for (const [label, name] of [["Mention…", "qg-mention"], ["Assert…", "qg-assert"]]) {
        const b = el("button", "", label);
        b.type = "button";
        b.dataset.event = name;
        b.addEventListener("click", () => {
          const detail = window.qgSelection();
          closePopover(); // the selection is the dialog's now
          document.dispatchEvent(new CustomEvent(name, { detail: detail }));
        });
        acts.appendChild(b);
      }
      pop.appendChild(acts);
    }
    let items = [];
    let active = 0;
    const paint = () => {
      const q = input.value;
      items = candidates(q).slice(0, 200);
      if (items.length === 0 && q.trim() !== "") {
        items = [{ create: q.trim() }];
      }
      active = Math.min(active, Math.max(0, items.length - 1));
      const frag = document.createDocumentFragment();
      items.forEach((it, k) => {
        const li = el("li");
        li.id = "qg-opt-" + k;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", k === active ? "true" : "false");
        if (it.create) {
          li.appendChild(el("span", "", "new emergent code "));
          li.appendChild(el("bdi", "", it.create));
          li.dataset.create = it.create;
        } else {
          const c = it.code;
          const sw = el("span", "qg-swatch");
          sw.style.backgroundColor = solid(c.colour);
          li.appendChild(sw);
          li.appendChild(el("bdi", "", (c.labels && c.labels.en) || c.id));
          if (c.labels && c.labels.zh) {
            li.appendChild(el("span", "zh", c.labels.zh));
          }
          if (c.labels && c.labels.en && c.labels.en !== c.id) {
            li.appendChild(el("span", "id", c.id));
          }
          if (it.recent) {
            li.appendChild(el("span", "tag", "recent"));
          }
          if (c.emergent) {
            li.appendChild(el("span", "tag", "emergent"));
          }
          if (!q.trim()) {
            li.style.paddingLeft = (0.4 + 0.8 * (c.depth || 0)) + "em";
          }
          li.dataset.code = c.id;
        }
        li.addEventListener("mousedown", (e) => e.preventDefault());
        li.addEventListener("click", () => {
          active = k;
          choose();
        });
        frag.appendChild(li);
      });
      list.replaceChildren(frag);
      input.setAttribute("aria-activedescendant", items.length ? "qg-opt-" + active : "");
      const on = list.children[active];
      if (on) {
        on.scrollIntoView({ block: "nearest" });
      }
    };
    const choose = async () => {
      const it = items[active];
      if (!it) {
        return;
      }
      err.textContent = "";
      try {
        let code = it.code ? it.code.id : "";
        if (it.create) {
          const made = await api("POST", "/api/codes", { id: it.create });
          code = made.id;
        }
        let gone = [];
        let made = [];
        if (recoding) {
          const r = await api("POST", "/api/codings/" + encodeURIComponent(recoding.id) + "/recode", { code: code, from: recoding.code });
          if (!r.unchanged) {
            gone = [r.old.id];
            made = [r.new];
          }
        } else {
          const r = await api("POST", "/api/codings", { doc: docID, start: sel.start, end: sel.end, code: code });
          made = [r.coding];
        }
        remember(code);
        clearError();
        window.getSelection().removeAllRanges();
        closePopover();
        applied(gone, made);
      } catch (e) {
        showError(e);
        err.textContent = msgEl.textContent;
      }
    };
    input.addEventListener("input", () => {
      active = 0;
      paint();
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") {
        e.preventDefault();
        active = items.length ? (active + 1) % items.length : 0;
        paint();
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        active = items.length ? (active - 1 + items.length) % items.length : 0;
        paint();
      } else if (e.key === "Enter") {
        e.preventDefault();
        choose();
      } else if (e.key === "Escape") {
        e.preventDefault();
        closePopover();
      }
    });
    paint();
    place(rect);
    input.focus({ preventScroll: true });
  }

  // openCodings lists codings at rect with Remove and Recode… buttons.
  function openCodings(list, rect) {
    current = null;
    pop.replaceChildren();
    const ul = el("ul", "qg-codings");
    for (const c of list) {
      const li = el("li");
      const sw = el("span", "qg-swatch");
      sw.style.backgroundColor = solid(c.colour);
      li.appendChild(sw);
      li.appendChild(el("bdi", "", c.label || c.code));
      li.appendChild(el("span", "who2", c.coder));
      const re = el("button", "", "Recode…");
      re.type = "button";
      re.addEventListener("click", () => {
        openPicker({ doc: docID, start: c.start, end: c.end, text: c.text || cps.slice(c.start, c.end).join("") }, rect, c);
      });
      const rm = el("button", "", "Remove");
      rm.type = "button";
      rm.addEventListener("click", async () => {
        try {
          const r = await api("DELETE", "/api/codings/" + encodeURIComponent(c.id));
          clearError();
          closePopover();
          applied((r || []).map((x) => x.id).concat([c.id]), []);
        } catch (e) {
          showError(e);
          err.textContent = msgEl.textContent;
        }
      });
      li.appendChild(re);
      li.appendChild(rm);
      ul.appendChild(li);
    }
    const err = el("div", "qg-poperr");
    err.setAttribute("role", "alert");
    pop.appendChild(ul);
    pop.appendChild(err);
    place(rect);
    const first = pop.querySelector("button");
    if (first) {
      first.focus({ preventScroll: true });
    }
  }

  function selectionRect() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0) {
      return textEl.getBoundingClientRect();
    }
    const rects = sel.getRangeAt(0).getClientRects();
    return rects.length ? rects[rects.length - 1] : sel.getRangeAt(0).getBoundingClientRect();
  }

  function offerSelection() {
    const s = selectionInfo();
    if (s) {
      openPicker(s, selectionRect(), null);
      return true;
    }
    return false;
  }

  textEl.addEventListener("mouseup", (e) => {
    setTimeout(() => {
      if (offerSelection()) {
        return;
      }
      const sp = e.target.closest ? e.target.closest(".hl") : null;
      if (sp) {
        const run = runs.find((r) => r.el === sp);
        if (run && run.codings.length) {
          openCodings(run.codings, sp.getBoundingClientRect());
        }
      }
    }, 0);
  });
  // Keyboard selection (Shift with arrows, or caret browsing): the picker
  // opens when Shift is let go.
  document.addEventListener("keyup", (e) => {
    if (e.key === "Shift" && pop.hidden) {
      offerSelection();
    }
  });
  const stripeCoding = (st) => {
    const d = drawnCodings.get(st.dataset.id || st.dataset.of);
    return d ? d.c : null;
  };
  textEl.addEventListener("click", (e) => {
    const st = e.target.closest ? e.target.closest(".stripe, .stripe-more") : null;
    const c = st && stripeCoding(st);
    if (c) {
      openCodings([c], st.getBoundingClientRect());
    }
  });
  textEl.addEventListener("keydown", (e) => {
    const st = e.target.closest ? e.target.closest(".stripe") : null;
    const c = st && stripeCoding(st);
    if (c && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      openCodings([c], st.getBoundingClientRect());
    }
  });
  document.addEventListener("mousedown", (e) => {
    if (!pop.hidden && !pop.contains(e.target)) {
      closePopover();
    }
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !pop.hidden) {
      closePopover();
    }
  });
  document.addEventListener("selectionchange", () => {
    if (pending && pop.hidden && !selectionInfo()) {
      refresh();
    }
  });
  window.addEventListener("hashchange", () => {
    if (view) {
      render();
    }
  });
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (view) {
        replaceAll();
      }
    }, 100);
  });

  // applied draws at once what the server acknowledged: the codings with
  // ids gone removed, the codings made (as the API returns them) added
  // with their code's label and colour; then it fetches the document again
  // in the background, to be sure. Fetches begun before are not drawn.
  function applied(gone, made) {
    if (!view) {
      return;
    }
    const drop = new Set(gone);
    const byCode = new Map(codes.map((c) => [c.id, c]));
    const cs = view.codings.filter((c) => !drop.has(c.id) && !made.some((m) => m.id === c.id));
    for (const m of made) {
      if (m.doc !== docID) {
        continue;
      }
      const node = byCode.get(m.code);
      cs.push(Object.assign({}, m, {
        label: (node && node.labels && node.labels.en) || m.code,
        colour: (node && node.colour) || "",
        text: cps.slice(Math.max(0, m.start), Math.max(0, m.end)).join(""),
      }));
    }
    view = Object.assign({}, view, { codings: cs });
    epoch++;
    update();
    refresh();
  }

  // refresh fetches the document and the codes and draws them, unless the
  // user is selecting or coding: then it waits for that to end.
  async function refresh() {
    if (!pop.hidden || selectionInfo()) {
      pending = true;
      return;
    }
    pending = false;
    const began = epoch;
    try {
      const got = await Promise.all([
        api("GET", "/api/documents/" + encodeURIComponent(docID)),
        api("GET", "/api/codes"),
      ]);
      if (began !== epoch) {
        return; // older than codings drawn since; a newer fetch is under way
      }
      view = got[0];
      codes = got[1] || [];
      if (!pop.hidden || selectionInfo()) {
        pending = true;
        return;
      }
      update();
    } catch (e) {
      showError(e);
    }
  }

  // redrawMarks draws again, in full, the drawn turns that marks ms
  // cover.
  function redrawMarks(ms) {
    const dirty = new Set();
    for (const m of ms) {
      for (let k = turnAt(m.s); k < turns.length && turns[k].start < m.e; k++) {
        if (turns[k].built) {
          dirty.add(k);
        }
      }
    }
    if (dirty.size === 0) {
      return;
    }
    const ks = Array.from(dirty).sort((a, b) => a - b);
    for (const k of ks) {
      buildTurn(turns[k], null, false);
      mount(k);
    }
    runs = turns.flatMap((t) => t.runs);
    placeStripes(ks.map((k) => turns[k]).filter((t) => shown.has(t)));
  }

  window.qgDocview = {
    doc: docID,
    // setMarks replaces the marks; only the turns whose marks changed
    // are drawn again.
    setMarks(list) {
      const key = (m) => m.s + "," + m.e + "," + (m.kind || "") + "," + (m.colour || "");
      const before = new Map(marks.map((m) => [m.id, m]));
      const next = list.map((m) => ({ id: String(m.id), s: m.s, e: m.e, kind: m.kind || "", colour: m.colour || "" }));
      const after = new Map(next.map((m) => [m.id, m]));
      const changed = [];
      for (const [id, m] of before) {
        const n = after.get(id);
        if (!n || key(n) !== key(m)) {
          changed.push(m);
        }
      }
      for (const [id, m] of after) {
        const o = before.get(id);
        if (!o || key(o) !== key(m)) {
          changed.push(m);
        }
      }
      marks = next;
      if (turns.length > 0 && changed.length > 0) {
        redrawMarks(changed);
      }
    },
    // focus marks the mark id (or none, for "") as focused.
    focus(id) {
      const was = marks.filter((m) => m.id === markOn || m.id === id);
      markOn = id || "";
      redrawMarks(was);
    },
    // build draws the turn holding offset x in full and returns its
    // element, or null.
    build(x) {
      const k = turnAt(x);
      const t = turns[k];
      if (!t) {
        return null;
      }
      if (!t.built) {
        buildTurn(t, hashSpan(), false);
        mount(k);
        runs = turns.flatMap((u) => u.runs);
        if (shown.has(t)) {
          placeStripes([t]);
        }
      }
      return t.el;
    },
    applied: (gone, made) => applied(gone, made),
    text: (a, b) => cps.slice(a, b).join(""),
  };

  // Live: app.js sets body[data-changed] on every change of the project.
  new MutationObserver(() => {
    refresh();
  }).observe(document.body, { attributes: true, attributeFilter: ["data-changed"] });

  refresh();
})();
