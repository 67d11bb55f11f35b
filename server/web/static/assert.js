// qualgraph workbench: mentions and assertions from a selection.
// The document view dispatches "qg-mention" and "qg-assert" on document
// with detail {doc, start, end, text} (offsets in code points); this
// script answers with a dialog that records a mention (POST /api/mentions)
// or an assertion (POST /api/assertions). On the assertions page it also
// opens the assertion dialog from a quote, retracts assertions and adds
// evidence to them. Everything is reachable by keyboard: the dialogs are
// modal <dialog> elements (Escape closes them), the lists are <select>s
// with a type-ahead filter above them.
"use strict";
(function () {
  if (document.body.dataset.page === "login") {
    return;
  }
  const api = qg.api;

  function el(tag, attrs, kids) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === "text") {
        e.textContent = attrs[k];
      } else {
        e.setAttribute(k, attrs[k]);
      }
    }
    for (const c of kids || []) {
      e.append(c);
    }
    return e;
  }
  function labelled(text, control) {
    return el("label", {}, [text + " ", control]);
  }
  function option(value, text) {
    return el("option", { value: value, text: text });
  }

  // cpIndex returns the code-point offset of the UTF-16 index i of s.
  function cpIndex(s, i) {
    return Array.from(s.slice(0, i)).length;
  }

  // context loads the entities, the vocabulary and, for a document, the
  // entities mentioned near [start, end) (code points), nearest first.
  async function context(sel) {
    const [entities, vocab] = await Promise.all([api("GET", "/api/entities"), api("GET", "/api/vocabulary")]);
    let near = [];
    if (sel && sel.doc) {
      try {
        const d = await api("GET", "/api/documents/" + encodeURIComponent(sel.doc));
        if (sel.start === undefined && sel.quote) {
          const i = d.text.indexOf(sel.quote);
          if (i >= 0) {
            sel.start = cpIndex(d.text, i);
            sel.end = sel.start + Array.from(sel.quote).length;
          }
        }
        if (sel.start !== undefined) {
          const dist = new Map();
          for (const m of d.mentions || []) {
            const gap = m.end <= sel.start ? sel.start - m.end : m.start >= sel.end ? m.start - sel.end : 0;
            if (gap <= 400 && (!dist.has(m.entity) || gap < dist.get(m.entity))) {
              dist.set(m.entity, gap);
            }
          }
          near = Array.from(dist.keys()).sort(function (a, b) { return dist.get(a) - dist.get(b); });
        }
      } catch (e) {
        // The document cannot be read: no entities come first.
      }
    }
    return { entities: entities, vocab: vocab, near: near };
  }

  // entityPicker is a filter input over a select of entities, those near
  // the selection first; concepts, if given, follow as class:ID.
  function entityPicker(name, ctx, concepts) {
    const byID = new Map(ctx.entities.map(function (e) { return [e.id, e]; }));
    const select = el("select", { name: name, required: "", size: "6", "data-role": name });
    const filter = el("input", { type: "search", placeholder: "type to filter", "aria-label": "Filter " + name, autocomplete: "off" });
    function fill() {
      const q = filter.value.trim().toLowerCase();
      const keep = function (text) { return q === "" || text.toLowerCase().includes(q); };
      const prev = select.value;
      select.replaceChildren();
      const show = function (e) { return e.name + " (" + e.type + ")"; };
      const nearGroup = el("optgroup", { label: "Mentioned near the selection" });
      for (const id of ctx.near) {
        const e = byID.get(id);
        if (e && keep(e.name + " " + (e.aliases || []).join(" "))) {
          nearGroup.append(option(e.id, show(e)));
        }
      }
      if (nearGroup.children.length) {
        select.append(nearGroup);
      }
      const all = el("optgroup", { label: "Entities" });
      for (const e of ctx.entities) {
        if (!ctx.near.includes(e.id) && keep(e.name + " " + (e.aliases || []).join(" "))) {
          all.append(option(e.id, show(e)));
        }
      }
      select.append(all);
      if (concepts) {
        const cs = el("optgroup", { label: "Concepts (takes position on)" });
        for (const c of concepts) {
          if (keep(c)) {
            cs.append(option("class:" + c, c + " (concept)"));
          }
        }
        select.append(cs);
      }
      if (prev && Array.from(select.options).some(function (o) { return o.value === prev; })) {
        select.value = prev;
      } else if (select.options.length) {
        select.selectedIndex = 0;
      }
      select.dispatchEvent(new Event("change"));
    }
    filter.addEventListener("input", fill);
    filter.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") {
        ev.preventDefault();
        select.focus();
      }
    });
    fill();
    return { filter: filter, select: select };
  }

  function dialog(title) {
    const d = el("dialog", { class: "qg-dialog", "aria-label": title });
    const form = el("form", { method: "dialog" });
    const msg = el("p", { class: "error", role: "alert" });
    d.append(el("h2", { text: title }), form);
    d.addEventListener("close", function () { d.remove(); });
    document.body.append(d);
    return { d: d, form: form, msg: msg };
  }
  function buttons(form, msg, label) {
    const ok = el("button", { type: "submit", text: label });
    const cancel = el("button", { type: "button", text: "Cancel" });
    form.append(msg, el("p", { class: "qg-buttons" }, [ok, cancel]));
    return cancel;
  }
  function quoteLine(sel) {
    return el("p", { class: "qg-selection" }, [el("q", {}, [el("bdi", { text: sel.text || sel.quote || "" })])]);
  }
  function done(text) {
    const m = document.getElementById("assertions-msg") || document.getElementById("links-msg");
    if (m) {
      m.textContent = text;
    }
    document.dispatchEvent(new CustomEvent("qg-recorded", { detail: { text: text } }));
  }

  async function mentionDialog(sel) {
    const ctx = await context(sel);
    const { d, form, msg } = dialog("Mention of an entity");
    const pick = entityPicker("entity", ctx, null);
    // Either an entity from the list or a new one: a filter that left the
    // list empty must not block saving a new entity (the submit handler
    // asks for one or the other).
    pick.select.required = false;
    const name = el("input", { name: "name", autocomplete: "off" });
    const cls = el("select", { name: "class" }, ctx.vocab.actors.map(function (c) { return option(c, c); }));
    form.append(quoteLine(sel), labelled("Entity", pick.filter), pick.select,
      el("fieldset", {}, [el("legend", { text: "or a new entity" }), labelled("Name", name), labelled("Class", cls)]));
    const cancel = buttons(form, msg, "Save mention");
    cancel.addEventListener("click", function () { d.close(); });
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      msg.textContent = "";
      try {
        let entity = pick.select.value;
        if (name.value.trim() !== "") {
          const id = name.value.trim().replace(/[^\p{L}\p{N}_.-]+/gu, "-").replace(/^[-.]+/, "");
          const e = await api("POST", "/api/entities", { id: id, type: cls.value, name: name.value.trim() });
          entity = e.id;
        }
        if (!entity) {
          throw new Error("pick an entity or name a new one");
        }
        await api("POST", "/api/mentions", { doc: sel.doc, start: sel.start, end: sel.end, entity: entity });
        d.close();
        done("Mention saved.");
      } catch (e) {
        msg.textContent = qg.why(e);
      }
    });
    d.showModal();
    pick.filter.focus();
  }

  async function assertDialog(sel) {
    const ctx = await context(sel);
    const { d, form, msg } = dialog("Assertion");
    const subj = entityPicker("subject", ctx, null);
    const obj = entityPicker("object", ctx, ctx.vocab.concepts);
    const rel = el("select", { name: "relation", required: "" });
    const sel2 = function (n, list) {
      return el("select", { name: n }, [option("", "none")].concat(list.map(function (c) { return option(c, c); })));
    };
    const practice = sel2("practice", ctx.vocab.practices);
    const phase = sel2("phase", ctx.vocab.phases);
    const polarity = el("select", { name: "polarity" }, [option("positive", "positive"), option("negative", "negative")]);
    const conf = el("input", { name: "confidence", type: "number", min: "0", max: "1", step: "0.05", value: "1", required: "" });
    let ask = 0;
    async function relations() {
      const n = ++ask;
      rel.replaceChildren();
      if (!subj.select.value || !obj.select.value) {
        return;
      }
      try {
        const rs = await api("GET", "/api/relations?subject=" + encodeURIComponent(subj.select.value) + "&object=" + encodeURIComponent(obj.select.value));
        if (n !== ask) {
          return;
        }
        for (const r of rs) {
          rel.append(option(r.id, r.id + (r.labels && r.labels.en ? " — " + r.labels.en : "")));
        }
        msg.textContent = rs.length ? "" : "The ontology admits no relation between these two.";
      } catch (e) {
        msg.textContent = qg.why(e);
      }
    }
    subj.select.addEventListener("change", relations);
    obj.select.addEventListener("change", relations);
    form.append(quoteLine(sel),
      el("div", { class: "qg-pair" }, [
        el("div", {}, [labelled("Subject", subj.filter), subj.select]),
        el("div", {}, [labelled("Object", obj.filter), obj.select])]),
      labelled("Relation", rel), labelled("Practice", practice), labelled("Phase", phase),
      labelled("Polarity", polarity), labelled("Confidence", conf));
    const cancel = buttons(form, msg, "Save assertion");
    cancel.addEventListener("click", function () { d.close(); });
    relations();
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      msg.textContent = "";
      const body = {
        subject: subj.select.value, relation: rel.value, object: obj.select.value,
        practice: practice.value, phase: phase.value, polarity: polarity.value,
        confidence: Number(conf.value), evidence: []
      };
      if (sel.quote !== undefined && sel.text === undefined) {
        body.evidence_quotes = [{ doc: sel.doc, text: sel.quote }];
      } else {
        body.evidence = [{ doc: sel.doc, start: sel.start, end: sel.end }];
      }
      try {
        if (!body.relation) {
          throw new Error("pick a relation: the ontology must admit it between subject and object");
        }
        const r = await api("POST", "/api/assertions", body);
        d.close();
        done(r.existing ? "You already assert this (" + r.assertion.id + ")." : "Assertion saved (" + r.assertion.id + ").");
      } catch (e) {
        msg.textContent = qg.why(e);
      }
    });
    d.showModal();
    subj.filter.focus();
  }

  function evidenceDialog(id) {
    const { d, form, msg } = dialog("Add evidence");
    const doc = el("input", { name: "doc", required: "" });
    const quote = el("input", { name: "quote", required: "", size: "50" });
    const s = window.qgSelection ? window.qgSelection() : null;
    if (s) {
      doc.value = s.doc;
      quote.value = s.text;
    }
    form.append(labelled("Document", doc), labelled("Quote", quote));
    const cancel = buttons(form, msg, "Add evidence");
    cancel.addEventListener("click", function () { d.close(); });
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      try {
        const r = await api("POST", "/api/assertions/" + encodeURIComponent(id) + "/evidence", { quotes: [{ doc: doc.value, text: quote.value }] });
        d.close();
        done(r.added > 0 ? "Evidence added." : "That evidence is there already.");
      } catch (e) {
        msg.textContent = qg.why(e);
      }
    });
    d.showModal();
    doc.focus();
  }

  function report(e) {
    const m = document.getElementById("assertions-msg") || document.getElementById("links-msg");
    if (m) {
      m.textContent = qg.why(e);
      m.classList.add("error");
    }
  }
  document.addEventListener("qg-mention", function (ev) { mentionDialog(Object.assign({}, ev.detail)).catch(report); });
  document.addEventListener("qg-assert", function (ev) { assertDialog(Object.assign({}, ev.detail)).catch(report); });

  const fromQuote = document.getElementById("assert-from-quote");
  if (fromQuote) {
    fromQuote.addEventListener("submit", function (ev) {
      ev.preventDefault();
      assertDialog({ doc: fromQuote.elements.doc.value.trim(), quote: fromQuote.elements.quote.value }).catch(report);
    });
  }
  document.addEventListener("click", async function (ev) {
    const b = ev.target.closest ? ev.target.closest("button[data-id]") : null;
    if (!b) {
      return;
    }
    if (b.classList.contains("qg-add-evidence")) {
      evidenceDialog(b.dataset.id);
    } else if (b.classList.contains("qg-retract")) {
      if (!window.confirm("Retract this assertion? It stays in the history.")) {
        return;
      }
      try {
        await api("DELETE", "/api/assertions/" + encodeURIComponent(b.dataset.id));
        const row = b.closest("tr");
        if (row) {
          row.remove();
        }
        done("Assertion retracted.");
      } catch (e) {
        report(e);
      }
    }
  });
  // The assertions page lists what the server had: after a change of
  // ours, show the new list.
  if (document.body.dataset.page === "assertions") {
    document.addEventListener("qg-recorded", function () {
      window.setTimeout(function () { window.location.reload(); }, 600);
    });
  }
})();
