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
// Selecting text opens a popover with a code picker (type-ahead over the
// ontology and the emergent codes, English and Chinese labels, arrows,
// Enter, Esc, recently used codes first) that POSTs /api/codings; its
// Mention… and Assert… buttons dispatch "qg-mention" and "qg-assert"
// CustomEvents on document with detail {doc, start, end, text};
// window.qgSelection() returns that object or null. Clicking a highlight
// or a stripe offers remove and recode. When app.js marks a change of the
// project (body[data-changed]) the codings are fetched and drawn again.
"use strict";
(function () {
  const root = document.getElementById("docview");
  if (!root) {
    return;
  }
  const docID = root.dataset.doc;
  const compare = (root.dataset.compare || "").split(",").filter(Boolean);
  const textEl = document.getElementById("doc-text");
  const stripesEl = document.getElementById("doc-stripes");
  const msgEl = document.getElementById("doc-msg");
  const pop = document.getElementById("qg-pop");
  document.body.appendChild(pop); // positioned against the page

  const bidiControls = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
  const recentKey = "qg.recentCodes";

  let view = null; // the document, as the API sends it
  let cps = []; // its text, one string per code point
  let codes = []; // the code tree, depth first
  let runs = []; // drawn runs in text order: {el, s, e, codings}
  let csrf = "";
  let renders = 0;
  let current = null; // the selection the popover works on
  let pending = false; // a redraw waits for the user's selection to end

  // api sends a request and returns the decoded JSON, or throws an Error
  // whose message holds the status and the server's message.
  async function api(method, path, body) {
    const opt = { method: method, credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      opt.headers["Content-Type"] = "application/json";
      opt.body = JSON.stringify(body);
    }
    if (csrf && method !== "GET") {
      opt.headers["X-CSRF-Token"] = csrf;
    }
    let r;
    try {
      r = await fetch(path, opt);
    } catch (e) {
      throw new Error(method + " " + path + ": " + e.message);
    }
    let data = null;
    try {
      data = await r.json();
    } catch (e) {
      data = null;
    }
    if (!r.ok) {
      const why = data && data.error ? data.error : r.statusText;
      const kind = data && data.kind ? " " + data.kind : "";
      const err = new Error(r.status + kind + ": " + why);
      err.status = r.status;
      throw err;
    }
    return data;
  }

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

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
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

  function render() {
    const t0 = performance.now();
    cps = Array.from(view.text);
    const n = cps.length;
    const clamp = (x) => Math.max(0, Math.min(n, x));
    const cds = view.codings.filter((c) => clamp(c.start) < clamp(c.end));
    const cuts = new Set([0, n]);
    const startsAt = new Map();
    const endsAt = new Map();
    for (const c of cds) {
      const s = clamp(c.start);
      const e = clamp(c.end);
      cuts.add(s);
      cuts.add(e);
      if (!startsAt.has(s)) {
        startsAt.set(s, []);
      }
      startsAt.get(s).push(c);
      if (!endsAt.has(e)) {
        endsAt.set(e, []);
      }
      endsAt.get(e).push(c);
    }
    const bs = blocks(n);
    for (const b of bs) {
      cuts.add(b.start);
      cuts.add(b.end);
    }
    const flash = hashSpan();
    if (flash) {
      cuts.add(clamp(flash.start));
      cuts.add(clamp(flash.end));
    }
    const pts = Array.from(cuts).sort((a, b) => a - b);
    const active = new Set();
    const frag = document.createDocumentFragment();
    const out = [];
    let flashEl = null;
    let bi = 0;
    let box = null; // the .txt element of the block being drawn
    for (let i = 0; i + 1 < pts.length; i++) {
      const a = pts[i];
      const b = pts[i + 1];
      for (const c of endsAt.get(a) || []) {
        active.delete(c);
      }
      for (const c of startsAt.get(a) || []) {
        active.add(c);
      }
      while (bi < bs.length && bs[bi].end <= a) {
        bi++;
        box = null;
      }
      const blk = bs[bi];
      const piece = cps.slice(a, b).join("");
      if (!blk.speaker && active.size === 0 && piece.trim() === "") {
        continue; // the blank lines between turns
      }
      if (!box) {
        const turn = el("div", "turn");
        turn.dataset.s = String(blk.start);
        if (blk.speaker) {
          const who = el("div", "who");
          who.appendChild(el("bdi", "", blk.speaker));
          if (blk.begin >= 0) {
            const t = el("time", "", clock(blk.begin));
            turn.dataset.begin = String(blk.begin);
            who.appendChild(t);
          }
          turn.appendChild(who);
        }
        box = el("div", "txt");
        turn.appendChild(box);
        frag.appendChild(turn);
      }
      const on = Array.from(active).sort((x, y) => (y.start - x.start) || (x.end - y.end));
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
      // Split the run at bidi controls, which are shown, not obeyed.
      let s = a;
      let buf = "";
      let bufStart = a;
      const emit = (start, end, text, ctl) => {
        const sp = el("span", (cls + (ctl ? " ctl" : "") + (inFlash ? " flash" : "")).trim());
        sp.dataset.s = String(start);
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
        if (inFlash && !flashEl) {
          flashEl = sp;
        }
      };
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
    textEl.replaceChildren(frag);
    textEl.removeAttribute("aria-busy");
    runs = out;
    const t1 = performance.now();
    drawStripes();
    root.dataset.drawMs = (t1 - t0).toFixed(0) + "+" + (performance.now() - t1).toFixed(0);
    if (flashEl) {
      flashEl.scrollIntoView({ block: "center" });
    }
    renders++;
    root.dataset.renderedAt = String(performance.now());
    root.dataset.rendered = String(renders);
  }

  // runAt returns the index of the first run that ends after offset x.
  function runAt(x) {
    let lo = 0;
    let hi = runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (runs[mid].e <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // drawStripes draws one stripe per coding beside the text, in lanes so
  // that overlapping codings sit side by side.
  function drawStripes() {
    const origin = stripesEl.getBoundingClientRect().top;
    const items = [];
    for (const c of view.codings) {
      const i = runAt(c.start);
      if (i >= runs.length || runs[i].s >= c.end) {
        continue;
      }
      let j = runAt(c.end - 1);
      if (j >= runs.length || runs[j].s >= c.end) {
        j--;
      }
      const top = runs[i].el.getBoundingClientRect().top - origin;
      const bottom = runs[j].el.getBoundingClientRect().bottom - origin;
      items.push({ c: c, top: top, bottom: Math.max(bottom, top + 4) });
    }
    items.sort((x, y) => (x.top - y.top) || (y.bottom - x.bottom));
    const lanes = []; // the bottom of each lane's last stripe
    const frag = document.createDocumentFragment();
    for (const it of items) {
      let k = lanes.findIndex((b) => b + 2 <= it.top);
      if (k < 0) {
        k = lanes.length;
        lanes.push(0);
      }
      lanes[k] = it.bottom;
      const st = el("div", "stripe");
      st.style.top = it.top + "px";
      st.style.height = (it.bottom - it.top) + "px";
      st.style.left = (k * 7) + "px";
      st.style.backgroundColor = solid(it.c.colour);
      st.title = coderLine(it.c);
      st.tabIndex = 0;
      st.setAttribute("role", "button");
      st.setAttribute("aria-label", "coding " + coderLine(it.c));
      st.dataset.id = it.c.id;
      st.dataset.code = it.c.code;
      st.dataset.coder = it.c.coder;
      st.dataset.start = String(it.c.start);
      st.dataset.end = String(it.c.end);
      frag.appendChild(st);
    }
    stripesEl.replaceChildren(frag);
    stripesEl.style.width = Math.max(1, lanes.length) * 7 + "px";
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
          pop.hidden = true;
          pop.replaceChildren();
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
        if (recoding) {
          await api("POST", "/api/codings/" + encodeURIComponent(recoding.id) + "/recode", { code: code, from: recoding.code });
        } else {
          await api("POST", "/api/codings", { doc: docID, start: sel.start, end: sel.end, code: code });
        }
        remember(code);
        clearError();
        window.getSelection().removeAllRanges();
        closePopover();
        await refresh();
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
          await api("DELETE", "/api/codings/" + encodeURIComponent(c.id));
          clearError();
          closePopover();
          await refresh();
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
  const stripeCoding = (st) => view.codings.find((c) => c.id === st.dataset.id);
  stripesEl.addEventListener("click", (e) => {
    const st = e.target.closest(".stripe");
    const c = st && stripeCoding(st);
    if (c) {
      openCodings([c], st.getBoundingClientRect());
    }
  });
  stripesEl.addEventListener("keydown", (e) => {
    const st = e.target.closest(".stripe");
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
        drawStripes();
      }
    }, 100);
  });

  // refresh fetches the document and the codes and draws them, unless the
  // user is selecting or coding: then it waits for that to end.
  async function refresh() {
    if (!pop.hidden || selectionInfo()) {
      pending = true;
      return;
    }
    pending = false;
    try {
      const got = await Promise.all([
        api("GET", "/api/documents/" + encodeURIComponent(docID)),
        api("GET", "/api/codes"),
      ]);
      view = got[0];
      codes = got[1] || [];
      if (!pop.hidden || selectionInfo()) {
        pending = true;
        return;
      }
      render();
    } catch (e) {
      showError(e);
    }
  }

  // Live: app.js sets body[data-changed] on every change of the project.
  new MutationObserver(() => {
    refresh();
  }).observe(document.body, { attributes: true, attributeFilter: ["data-changed"] });

  (async function () {
    try {
      const me = await api("GET", "/api/me");
      csrf = (me && me.csrf) || "";
    } catch (e) {
      showError(e);
    }
    await refresh();
  })();
})();
