// qualgraph workbench: what the page scripts share, as window.qg.
//
//   qg.api(method, path, body) sends a request to the JSON API (body, if
//     given, as JSON; the session's CSRF token on every request that
//     changes something) and returns the decoded answer. A refusal throws
//     an Error whose message is "STATUS KIND: the server's message", with
//     .status, .kind and .reason (the server's message alone).
//   qg.why(e) is what to tell a person of an error: the server's message
//     alone if the server refused, else the error's message.
//   qg.el(tag, cls, text) makes an element with a class and a text.
"use strict";
window.qg = (function () {
  let csrf = null; // a promise of the session's CSRF token ("" without one)

  function token() {
    if (csrf === null) {
      csrf = fetch("/api/me", { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : {}))
        .then(
          (me) => (me && me.csrf) || "",
          () => {
            csrf = null; // ask again next time
            return "";
          },
        );
    }
    return csrf;
  }

  async function api(method, path, body) {
    const opt = { method: method, credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      opt.headers["Content-Type"] = "application/json";
      opt.body = JSON.stringify(body);
    }
    if (method !== "GET" && method !== "HEAD") {
      const t = await token();
      if (t) {
        opt.headers["X-CSRF-Token"] = t;
      }
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
      const reason = data && data.error ? data.error : r.statusText;
      const kind = data && data.kind ? data.kind : "";
      const err = new Error(r.status + (kind ? " " + kind : "") + ": " + reason);
      err.status = r.status;
      err.kind = kind;
      err.reason = reason;
      throw err;
    }
    return data;
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

  function why(e) {
    return (e && (e.reason || e.message)) || String(e);
  }

  return { api: api, el: el, why: why };
})();
