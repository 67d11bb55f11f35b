// qualgraph workbench: live updates. The server sends a "change" event
// whenever the project's record grows (by this workbench or by the CLI);
// the overview then fetches its counts again.
"use strict";
(function () {
  const page = document.body.dataset.page;
  if (!window.EventSource || page === "login") {
    return;
  }
  const counts = ["documents", "codings", "codes", "entities", "assertions", "memos"];
  async function refreshOverview() {
    const r = await fetch("/api/overview", { credentials: "same-origin" });
    if (!r.ok) {
      return;
    }
    const o = await r.json();
    for (const k of counts) {
      const el = document.getElementById("count-" + k);
      if (el) {
        el.textContent = String(o[k]);
      }
    }
  }
  const es = new EventSource("/api/events");
  es.addEventListener("open", function () {
    document.body.dataset.events = "open"; // tests wait for it
  });
  es.addEventListener("change", function () {
    if (page === "overview") {
      refreshOverview();
    }
    document.body.dataset.changed = String(Date.now());
  });
})();
