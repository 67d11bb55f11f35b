// qualgraph workbench: the list pages (segments, search, codebook,
// memos). The pages are rendered by the server; this script colours the
// code swatches and sends the pages' writes to the API: code all hits
// (preview, then apply), add and promote a code, add a memo. Text from
// the project is only ever set with textContent.
//
// Live lists: the parts of a page marked data-live="NAME" (the
// overview's coders and recent changes, whose counts app.js updates; the
// lists of documents, segments, assertions, codebook and memos) are
// fetched again when app.js marks a change (document.body.dataset.changed,
// from /api/events), parsed inertly with DOMParser, and those that differ
// replace the page's: the URL keeps the filters, forms outside the parts
// stay as they are, the scroll position is kept, and a part that holds the
// focus waits until the focus leaves it. document.body.dataset.refreshed
// counts the refreshes done.
"use strict";
(function () {
  const page = document.body.dataset.page;

  // Code colours: only #RRGGBB, set through the CSSOM (no inline styles).
  function colour(root) {
    for (const el of root.querySelectorAll("[data-colour]")) {
      const c = el.dataset.colour;
      if (/^#[0-9a-fA-F]{6}$/.test(c)) {
        el.style.backgroundColor = c;
      } else {
        el.classList.add("pg-nocolour");
      }
    }
  }
  colour(document);

  // send posts body as JSON to path and returns the decoded answer.
  function send(path, body) {
    return qg.api("POST", path, body);
  }

  function attrs(s) {
    const out = {};
    if (s) {
      const i = s.indexOf("=");
      out[s.slice(0, i)] = s.slice(i + 1);
    }
    return out;
  }

  function setupAutocode() {
    const form = document.getElementById("autocode");
    if (!form) {
      return;
    }
    const status = document.getElementById("autocode-status");
    const list = document.getElementById("autocode-preview");
    const apply = document.getElementById("autocode-apply");
    let planned = null; // the request previewed
    const names = {}; // document id -> name, from the hits' links
    for (const a of document.querySelectorAll("#search-hits tbody td:first-child a")) {
      const id = decodeURIComponent(a.getAttribute("href").split("#")[0].slice("/documents/".length));
      names[id] = a.textContent;
    }
    function request(dryRun) {
      return {
        query: form.dataset.q, code: form.elements.code.value.trim(), unit: form.elements.unit.value,
        kind: form.dataset.kind || "", speaker: form.dataset.speaker || "", attrs: attrs(form.dataset.attr), dry_run: dryRun,
      };
    }
    function show(res) {
      list.replaceChildren();
      res.codings.forEach(function (c, i) {
        const li = document.createElement("li");
        const where = document.createElement("a");
        where.href = "/documents/" + encodeURIComponent(c.doc) + "#s=" + c.start + "-" + c.end;
        where.textContent = (names[c.doc] || c.doc) + " " + c.start + "–" + c.end;
        const q = document.createElement("q");
        q.textContent = res.texts[i];
        li.append(where, " ", q);
        list.append(li);
      });
    }
    form.addEventListener("input", function () {
      planned = null;
      apply.disabled = true;
    });
    document.getElementById("autocode-preview-button").addEventListener("click", async function () {
      if (!form.reportValidity()) {
        return;
      }
      const req = request(true);
      status.classList.remove("error");
      try {
        const res = await send("/api/autocode", req);
        show(res);
        status.dataset.preview = String(res.codings.length);
        status.textContent = res.codings.length + " codings would be written with " + req.code + " (" + res.hits + " hits, " + res.existing + " already coded).";
        planned = req;
        apply.disabled = res.codings.length === 0;
      } catch (e) {
        status.classList.add("error");
        status.textContent = qg.why(e);
      }
    });
    apply.addEventListener("click", async function () {
      if (!planned) {
        return;
      }
      const req = Object.assign({}, planned, { dry_run: false });
      apply.disabled = true;
      try {
        const res = await send("/api/autocode", req);
        show(res);
        status.dataset.applied = String(res.codings.length);
        status.textContent = res.codings.length + " codings written with " + req.code + " (" + res.existing + " already coded).";
        planned = null;
      } catch (e) {
        status.classList.add("error");
        status.textContent = qg.why(e);
      }
    });
  }

  function setupCodebook() {
    const err = document.getElementById("codebook-error");
    const add = document.getElementById("add-code");
    if (add) {
      add.addEventListener("submit", async function (ev) {
        ev.preventDefault();
        const f = add.elements;
        try {
          await send("/api/codes", { id: f.id.value.trim(), parent: f.parent.value, definition: f.definition.value, colour: f.colour.value });
          location.reload();
        } catch (e) {
          err.textContent = qg.why(e);
        }
      });
    }
    // Delegated: the codebook's rows are replaced when it refreshes.
    document.addEventListener("click", async function (ev) {
      const b = ev.target.closest("button.promote");
      if (!b) {
        return;
      }
      const box = b.closest(".pg-promote");
      const msg = box.querySelector(".pg-msg");
      msg.textContent = "";
      try {
        await send("/api/codes/" + encodeURIComponent(b.dataset.code) + "/promote", { parent: box.querySelector("select").value });
        location.reload();
      } catch (e) {
        msg.textContent = qg.why(e);
      }
    });
  }

  function setupLive() {
    if (!document.querySelector("[data-live]")) {
      return;
    }
    let running = false;
    let again = false;
    let waiting = false; // a part kept for the focus waits for it to leave
    async function refresh() {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          await refreshOnce();
        } while (again);
      } finally {
        running = false;
      }
    }
    async function refreshOnce() {
      let r;
      try {
        r = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      } catch (e) {
        return;
      }
      if (!r.ok) {
        return;
      }
      const fresh = new DOMParser().parseFromString(await r.text(), "text/html");
      const x = window.scrollX;
      const y = window.scrollY;
      for (const el of document.querySelectorAll("[data-live]")) {
        const next = fresh.querySelector('[data-live="' + el.dataset.live + '"]');
        if (!next) {
          continue;
        }
        if (el.contains(document.activeElement) && document.activeElement !== document.body) {
          waiting = true;
          continue;
        }
        const node = document.importNode(next, true);
        colour(node);
        if (!node.isEqualNode(el)) {
          el.replaceWith(node); // an unchanged part keeps its nodes
        }
      }
      window.scrollTo(x, y);
      document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || "0") + 1);
    }
    document.addEventListener("focusout", function () {
      if (waiting) {
        waiting = false;
        // After the focus has moved on.
        setTimeout(refresh, 0);
      }
    });
    new MutationObserver(refresh).observe(document.body, { attributes: true, attributeFilter: ["data-changed"] });
  }

  function setupMemos() {
    const form = document.getElementById("add-memo");
    if (!form) {
      return;
    }
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      const err = document.getElementById("memo-error");
      err.textContent = "";
      try {
        await send("/api/memos", { target: form.elements.target.value.trim(), text: form.elements.text.value });
        location.reload();
      } catch (e) {
        err.textContent = qg.why(e);
      }
    });
  }

  setupLive();
  if (page === "search") {
    setupAutocode();
  } else if (page === "codebook") {
    setupCodebook();
  } else if (page === "memos") {
    setupMemos();
  }
})();
