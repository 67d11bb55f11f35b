// qualgraph workbench: machine-assisted coding in the document view.
//
// A "Suggestions" switch (off by default: nothing is fetched until it is
// turned on) fetches the document's suggested codings
// (/api/documents/{doc}/suggestions) and suggested assertions
// (/api/documents/{doc}/assertion-suggestions) and has docview.js draw
// them through window.qgDocview.setMarks: a suggested coding as a dashed
// outline in its code's colour, a suggested assertion's sentence with a
// dotted underline and, beside the text, a card "subject relation
// object" with its cue and score and Accept and Reject buttons. One
// switch per suggested code shows or hides that code's suggestions; the
// codes switched off are remembered in localStorage.
//
// Hovering a suggestion shows its explanation (code, score, the terms
// that weighed most, the most similar coded segments with document and
// coder; for an assertion its cue and mentions), built with textContent
// only. Keys, when no field or dialog has the focus: n and p move to the
// next and previous suggestion, a accepts it, r rejects it, Esc leaves
// it. An accepted coding is drawn at once as an ordinary coding; a
// rejected suggestion disappears. On every change of the project
// (body[data-changed]) the suggestions are fetched again: the model
// learns from each acceptance and rejection.
"use strict";
(function () {
  const root = document.getElementById("docview");
  const dv = window.qgDocview;
  if (!root || !dv) {
    return;
  }
  const docID = dv.doc;
  const offKey = "qg.suggest.off";
  const body = document.getElementById("doc-body");
  const textEl = document.getElementById("doc-text");
  const msgEl = document.getElementById("doc-msg");

  let on = false;
  let items = []; // the suggestions shown, in text order: {id, kind, s, e, g}
  let all = { codes: [], asserts: [] }; // as fetched
  let focused = ""; // the focused suggestion's id
  let codes = new Map(); // code id -> code node
  let entities = new Map(); // entity id -> name
  let docNames = new Map(); // document id -> name
  let loads = 0; // counts fetches, so that an older answer is not drawn

  const api = qg.api;
  const el = qg.el;

  function showError(e) {
    msgEl.textContent = String((e && e.message) || e);
    msgEl.hidden = false;
  }

  function offCodes() {
    try {
      const v = JSON.parse(localStorage.getItem(offKey) || "[]");
      return new Set(Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);
    } catch (e) {
      return new Set();
    }
  }

  function setOff(code, off) {
    const s = offCodes();
    if (off) {
      s.add(code);
    } else {
      s.delete(code);
    }
    try {
      localStorage.setItem(offKey, JSON.stringify(Array.from(s).sort()));
    } catch (e) {
      // no storage: the switch holds for this page only
    }
  }

  function label(code) {
    const c = codes.get(code);
    return (c && c.labels && c.labels.en) || code;
  }

  function entity(id) {
    return entities.get(id) || id;
  }

  // The bar: the switch, the per-code switches, the keys, a status line.
  const bar = el("div", "sugg-bar");
  bar.id = "sugg-bar";
  const sw = el("input");
  sw.type = "checkbox";
  sw.id = "sugg-toggle";
  const swl = el("label");
  swl.appendChild(sw);
  swl.appendChild(document.createTextNode(" Suggestions"));
  const codeList = el("div", "sugg-codes");
  codeList.id = "sugg-codes";
  codeList.setAttribute("role", "group");
  codeList.setAttribute("aria-label", "codes to suggest");
  const keys = el("span", "sugg-keys");
  for (const [k, what] of [["n", "next"], ["p", "previous"], ["a", "accept"], ["r", "reject"]]) {
    keys.appendChild(el("kbd", "", k));
    keys.appendChild(document.createTextNode(" " + what + " "));
  }
  const status = el("span", "sugg-status");
  status.id = "sugg-status";
  status.setAttribute("role", "status");
  bar.append(swl, codeList, keys, status);
  keys.hidden = true;
  body.parentNode.insertBefore(bar, body);

  const side = el("aside", "sugg-side");
  side.id = "sugg-side";
  side.setAttribute("aria-label", "suggested assertions");
  side.hidden = true;
  body.appendChild(side);

  const tip = el("div", "sugg-tip");
  tip.id = "sugg-tip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.appendChild(tip);

  // visible are the fetched suggestions whose code is switched on, and
  // the suggested assertions, in text order.
  function visible() {
    const off = offCodes();
    const out = [];
    for (const g of all.codes) {
      if (!off.has(g.code)) {
        out.push({ id: g.id, kind: "code", s: g.start, e: g.end, g: g });
      }
    }
    for (const g of all.asserts) {
      out.push({ id: g.id, kind: "assert", s: g.start, e: g.end, g: g });
    }
    out.sort((a, b) => (a.s - b.s) || (a.kind === b.kind ? 0 : a.kind === "code" ? -1 : 1) || (b.g.score - a.g.score));
    return out;
  }

  function draw() {
    items = on ? visible() : [];
    if (focused && !items.some((x) => x.id === focused)) {
      focused = "";
      dv.focus("");
      hideTip();
    }
    dv.setMarks(items.map((x) => ({
      id: x.id, s: x.s, e: x.e, kind: x.kind,
      colour: x.kind === "code" ? ((codes.get(x.g.code) || {}).colour || "") : "",
    })));
    drawCodes();
    drawSide();
    const nc = items.filter((x) => x.kind === "code").length;
    status.textContent = on ? nc + " suggested codings, " + all.asserts.length + " suggested assertions" : "";
    root.dataset.suggestions = on ? String(items.length) : "";
  }

  function drawCodes() {
    codeList.replaceChildren();
    if (!on) {
      return;
    }
    const off = offCodes();
    const counts = new Map();
    for (const g of all.codes) {
      counts.set(g.code, (counts.get(g.code) || 0) + 1);
    }
    for (const code of Array.from(counts.keys()).sort()) {
      const l = el("label");
      const cb = el("input");
      cb.type = "checkbox";
      cb.checked = !off.has(code);
      cb.dataset.code = code;
      cb.addEventListener("change", () => {
        setOff(code, !cb.checked);
        draw();
      });
      const swatch = el("span", "qg-swatch");
      const c = codes.get(code);
      swatch.style.backgroundColor = /^#[0-9a-f]{6}$/i.test((c && c.colour) || "") ? c.colour : "#7f8fa6";
      l.append(cb, swatch, el("bdi", "", label(code)), document.createTextNode(" (" + counts.get(code) + ")"));
      codeList.appendChild(l);
    }
  }

  function drawSide() {
    side.replaceChildren();
    side.hidden = !on;
    body.classList.toggle("with-sugg", on);
    if (!on) {
      return;
    }
    side.appendChild(el("h2", "", "Suggested assertions"));
    if (all.asserts.length === 0) {
      side.appendChild(el("p", "none", "None in this document."));
      return;
    }
    for (const x of items.filter((i) => i.kind === "assert")) {
      const g = x.g;
      const card = el("div", "sugg-card");
      card.tabIndex = 0;
      card.dataset.id = g.id;
      card.setAttribute("aria-current", x.id === focused ? "true" : "false");
      const stmt = el("div", "stmt");
      stmt.append(el("bdi", "", entity(g.subject)), el("span", "rel", g.relation), el("bdi", "", entity(g.object)));
      card.appendChild(stmt);
      card.appendChild(el("div", "meta", "cue “" + g.cue + "” · score " + g.score.toFixed(2)));
      card.appendChild(el("div", "quote", dv.text(g.start, g.end)));
      const acts = el("div", "qg-actions");
      for (const [name, fn] of [["Accept", accept], ["Reject", reject]]) {
        const b = el("button", "", name);
        b.type = "button";
        b.dataset.act = name.toLowerCase();
        b.addEventListener("click", (e) => {
          e.stopPropagation();
          fn(x);
        });
        acts.appendChild(b);
      }
      card.appendChild(acts);
      card.addEventListener("click", () => focusItem(x.id, false));
      card.addEventListener("focus", () => {
        if (focused !== x.id) {
          focusItem(x.id, false);
        }
      });
      side.appendChild(card);
    }
  }

  async function load() {
    if (!on) {
      return;
    }
    const n = ++loads;
    const enc = encodeURIComponent(docID);
    try {
      const need = [
        api("GET", "/api/documents/" + enc + "/suggestions"),
        api("GET", "/api/documents/" + enc + "/assertion-suggestions"),
      ];
      if (codes.size === 0) {
        need.push(api("GET", "/api/codes"), api("GET", "/api/entities"), api("GET", "/api/documents"));
      }
      const got = await Promise.all(need);
      if (n !== loads || !on) {
        return;
      }
      if (got.length > 2) {
        codes = new Map((got[2] || []).map((c) => [c.id, c]));
        entities = new Map((got[3] || []).map((x) => [x.id, x.name]));
        docNames = new Map((got[4] || []).map((d) => [d.id, d.name]));
      }
      all = { codes: got[0] || [], asserts: got[1] || [] };
      draw();
    } catch (e) {
      showError(e);
    }
  }

  sw.addEventListener("change", () => {
    on = sw.checked;
    keys.hidden = !on;
    if (!on) {
      all = { codes: [], asserts: [] };
      focused = "";
      dv.focus("");
      hideTip();
      draw();
      return;
    }
    load();
  });

  // explain fills the tooltip with the explanation of the suggestions of
  // ids.
  function explain(ids) {
    tip.replaceChildren();
    for (const id of ids) {
      const x = items.find((i) => i.id === id);
      if (!x) {
        continue;
      }
      const g = x.g;
      const box = el("div", "item");
      box.dataset.id = id;
      if (x.kind === "code") {
        box.appendChild(el("div", "head", "Suggested: " + label(g.code) + " (" + g.code + ") · score " + g.score.toFixed(2)));
        if (g.terms.length) {
          box.appendChild(el("div", "sec", "Terms that weighed most"));
          const ul = el("ul", "terms");
          for (const t of g.terms) {
            const li = el("li");
            li.append(el("bdi", "term", t.term), document.createTextNode(" " + t.weight.toFixed(3)));
            ul.appendChild(li);
          }
          box.appendChild(ul);
        }
        if (g.similar.length) {
          box.appendChild(el("div", "sec", "Most similar coded segments"));
          const ul = el("ul", "similar");
          for (const m of g.similar) {
            const li = el("li");
            const q = Array.from(m.text);
            li.append(el("bdi", "", "“" + (q.length > 90 ? q.slice(0, 90).join("") + "…" : m.text) + "”"),
              document.createTextNode(" — " + (docNames.get(m.doc) || m.doc) + ", " + m.coder));
            ul.appendChild(li);
          }
          box.appendChild(ul);
        }
      } else {
        box.appendChild(el("div", "head", "Suggested assertion: " + entity(g.subject) + " " + g.relation + " " + entity(g.object) +
          " · score " + g.score.toFixed(2)));
        box.appendChild(el("div", "sec", "cue “" + g.cue + "”; mentions " +
          g.mentions.map((m) => "“" + m.text + "” (" + entity(m.entity) + ")").join(", ")));
      }
      tip.appendChild(box);
    }
    return tip.childNodes.length > 0;
  }

  function showTip(ids, at) {
    if (!explain(ids)) {
      hideTip();
      return;
    }
    tip.hidden = false;
    const r = at.getBoundingClientRect();
    const w = tip.offsetWidth;
    const left = Math.max(4, Math.min(r.left, document.documentElement.clientWidth - w - 8));
    tip.style.left = (left + window.scrollX) + "px";
    tip.style.top = (r.bottom + window.scrollY + 6) + "px";
  }

  function hideTip() {
    tip.hidden = true;
    tip.replaceChildren();
  }

  textEl.addEventListener("mouseover", (e) => {
    const sp = e.target.closest ? e.target.closest("[data-sugg]") : null;
    if (sp && on) {
      showTip(sp.dataset.sugg.split(" "), sp);
    }
  });
  textEl.addEventListener("mouseout", (e) => {
    const sp = e.target.closest ? e.target.closest("[data-sugg]") : null;
    if (sp && !(e.relatedTarget && sp.contains(e.relatedTarget))) {
      if (focused) {
        const at = firstRun(focused);
        if (at) {
          showTip([focused], at);
          return;
        }
      }
      hideTip();
    }
  });

  function firstRun(id) {
    return textEl.querySelector('[data-sugg~="' + CSS.escape(id) + '"]');
  }

  // focusItem focuses the suggestion id: drawn as focused, scrolled to
  // (unless its card was clicked) and explained.
  function focusItem(id, scroll) {
    const x = items.find((i) => i.id === id);
    if (!x) {
      return;
    }
    focused = id;
    dv.build(x.s);
    dv.focus(id);
    for (const c of side.querySelectorAll(".sugg-card")) {
      c.setAttribute("aria-current", c.dataset.id === id ? "true" : "false");
    }
    const at = firstRun(id);
    if (at) {
      if (scroll !== false) {
        at.scrollIntoView({ block: "center" });
      }
      showTip([id], at);
    }
    root.dataset.suggFocus = id;
  }

  function move(step) {
    if (items.length === 0) {
      return;
    }
    let i = items.findIndex((x) => x.id === focused);
    i = i < 0 ? (step > 0 ? 0 : items.length - 1) : (i + step + items.length) % items.length;
    focusItem(items[i].id);
  }

  // settle drops x from the suggestions shown and focuses the next one.
  function settle(x) {
    const i = items.findIndex((y) => y.id === x.id);
    all = { codes: all.codes.filter((g) => g.id !== x.id), asserts: all.asserts.filter((g) => g.id !== x.id) };
    focused = "";
    dv.focus("");
    hideTip();
    draw();
    if (items.length > 0 && i >= 0) {
      focusItem(items[Math.min(i, items.length - 1)].id, true);
    }
  }

  async function accept(x) {
    const enc = encodeURIComponent(docID);
    try {
      if (x.kind === "code") {
        const cs = await api("POST", "/api/documents/" + enc + "/suggestions/accept", { ids: [x.id] });
        settle(x);
        dv.applied([], cs || []);
        status.textContent = "accepted: " + label(x.g.code);
      } else {
        await api("POST", "/api/documents/" + enc + "/assertion-suggestions/accept", { ids: [x.id] });
        settle(x);
        status.textContent = "accepted: " + entity(x.g.subject) + " " + x.g.relation + " " + entity(x.g.object);
      }
      msgEl.hidden = true;
    } catch (e) {
      showError(e);
    }
  }

  async function reject(x) {
    const enc = encodeURIComponent(docID);
    const path = x.kind === "code" ? "/suggestions/reject" : "/assertion-suggestions/reject";
    try {
      await api("POST", "/api/documents/" + enc + path, { ids: [x.id] });
      settle(x);
      status.textContent = "rejected";
      msgEl.hidden = true;
    } catch (e) {
      showError(e);
    }
  }

  document.addEventListener("keydown", (e) => {
    if (!on || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) {
      return;
    }
    const t = e.target;
    const typing = t && (t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName) ||
      (t.tagName === "INPUT" && !/^(checkbox|radio|button)$/.test(t.type)));
    if (typing || (t && t.closest && t.closest("dialog, .qg-pop"))) {
      return;
    }
    const pop = document.getElementById("qg-pop");
    if (pop && !pop.hidden) {
      return;
    }
    const x = items.find((i) => i.id === focused);
    switch (e.key) {
      case "n":
        move(1);
        break;
      case "p":
        move(-1);
        break;
      case "a":
        if (!x) {
          return;
        }
        accept(x);
        break;
      case "r":
        if (!x) {
          return;
        }
        reject(x);
        break;
      case "Escape":
        if (!focused) {
          return;
        }
        focused = "";
        dv.focus("");
        hideTip();
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  // Clicking a suggestion (not selecting text) focuses it.
  textEl.addEventListener("click", (e) => {
    const sp = e.target.closest ? e.target.closest("[data-sugg]") : null;
    const sel = window.getSelection();
    if (sp && on && (!sel || sel.isCollapsed)) {
      focusItem(sp.dataset.sugg.split(" ")[0], false);
    }
  });

  new MutationObserver(() => {
    load();
  }).observe(document.body, { attributes: true, attributeFilter: ["data-changed"] });

})();
