"use strict";
(function () {
  // Every value below comes from the embedded JSON and is only ever set as text
  // (textContent, option.text, attribute values); no HTML is built from data.
  var report = JSON.parse(document.getElementById("bulkhead-report").textContent);
  var index = JSON.parse(document.getElementById("bulkhead-index").textContent);
  var findings = report.findings || [];
  var SEVS = ["critical", "high", "medium", "low"];
  var PAGE = 200;
  var shownMax = PAGE;
  var selected = -1;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function $(id) { return document.getElementById(id); }

  // Pictures: one gzip-compressed JSON array of SVG texts, decoded once.
  var graphs = (function () {
    var b64 = JSON.parse($("bulkhead-graphs").textContent);
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(function (t) {
      document.body.setAttribute("data-graphs", "ready");
      return JSON.parse(t);
    });
  })();
  graphs.catch(function (e) { console.error("bulkhead: pictures could not be decoded: " + e); });

  var SVG_OK = { svg: 1, g: 1, path: 1, polygon: 1, polyline: 1, ellipse: 1, circle: 1, rect: 1, line: 1, text: 1, tspan: 1, a: 1, title: 1, defs: 1, linearGradient: 1, radialGradient: 1, stop: 1 };
  // The pictures were checked when the page was built; this keeps to drawing elements
  // again, so that a picture can never carry a script or a link into the page.
  function svgNode(text) {
    var doc = new DOMParser().parseFromString(text, "image/svg+xml");
    var root = doc.documentElement;
    if (!root || root.nodeName !== "svg") return el("p", "note", "picture could not be read");
    var all = root.querySelectorAll("*");
    for (var i = all.length - 1; i >= 0; i--) {
      var n = all[i];
      if (!SVG_OK[n.localName]) { n.remove(); continue; }
      for (var j = n.attributes.length - 1; j >= 0; j--) {
        var a = n.attributes[j].name.toLowerCase();
        if (a.indexOf("on") === 0 || a === "href" || a === "xlink:href" || a === "src") n.removeAttribute(n.attributes[j].name);
      }
    }
    return document.importNode(root, true);
  }
  function showGraph(box, n, note) {
    box.textContent = "";
    if (n === undefined || n < 0) {
      box.appendChild(el("p", "note", note || "no picture"));
      return;
    }
    var g = el("div", "graph");
    g.appendChild(el("p", "note", "laying out..."));
    box.appendChild(g);
    if (note) box.appendChild(el("p", "note", note));
    graphs.then(function (list) {
      g.textContent = "";
      g.appendChild(svgNode(list[n]));
    });
  }

  // Search text and filter values per finding.
  var hay = findings.map(function (f, i) {
    var x = index.findings[i] || {};
    var parts = [f.rule, f.name, f.severity, f.message, f.detail, f.location, f.advice, f.fingerprint, f.resource];
    (f.path || []).forEach(function (h) { parts.push(h.label, h.note, h.via); (h.ids || []).forEach(function (id) { parts.push(id); }); });
    (f.resources || []).forEach(function (id) { parts.push(id); });
    [x.p, x.e, x.c, x.n].forEach(function (l) { (l || []).forEach(function (v) { parts.push(v); }); });
    return parts.filter(Boolean).join("\n").toLowerCase();
  });

  function fill(sel, values) {
    values.forEach(function (v) {
      var o = document.createElement("option");
      o.value = v; o.text = v;
      sel.appendChild(o);
    });
  }
  function uniq(get) {
    var s = {};
    findings.forEach(function (f, i) { (get(f, index.findings[i] || {}) || []).forEach(function (v) { s[v] = 1; }); });
    return Object.keys(s).sort();
  }
  fill($("f-sev"), SEVS.filter(function (s) { return findings.some(function (f) { return f.severity === s; }); }));
  fill($("f-rule"), uniq(function (f) { return [f.rule]; }));
  fill($("f-tier"), uniq(function (f, x) { return x.t; }));
  fill($("f-env"), uniq(function (f, x) { return x.e; }));
  fill($("f-proj"), uniq(function (f, x) { return x.p; }));
  fill($("f-cred"), uniq(function (f, x) { return x.c; }));

  function has(list, v) { return (list || []).indexOf(v) >= 0; }
  function matches(i) {
    var f = findings[i], x = index.findings[i] || {};
    var q = $("q").value.trim().toLowerCase();
    if (q) {
      var words = q.split(/\s+/);
      for (var w = 0; w < words.length; w++) if (hay[i].indexOf(words[w]) < 0) return false;
    }
    var v;
    if ((v = $("f-sev").value) && f.severity !== v) return false;
    if ((v = $("f-rule").value) && f.rule !== v) return false;
    if ((v = $("f-tier").value) && !has(x.t, v)) return false;
    if ((v = $("f-env").value) && !has(x.e, v)) return false;
    if ((v = $("f-proj").value) && !has(x.p, v)) return false;
    if ((v = $("f-cred").value) && !has(x.c, v)) return false;
    return true;
  }

  function renderList() {
    var list = $("list");
    list.textContent = "";
    var n = 0, drawn = 0;
    for (var i = 0; i < findings.length; i++) {
      if (!matches(i)) continue;
      n++;
      if (drawn >= shownMax) continue;
      drawn++;
      var f = findings[i];
      var li = el("li");
      li.setAttribute("data-finding", i);
      if (i === selected) li.className = "sel";
      var b = el("button", "pick sev-" + f.severity);
      b.type = "button";
      b.setAttribute("data-finding", i);
      b.appendChild(el("span", "sev", f.severity));
      b.appendChild(document.createTextNode(" "));
      b.appendChild(el("span", "rule", f.rule + " " + f.name));
      b.appendChild(document.createTextNode(" "));
      b.appendChild(el("span", "msg", f.message));
      var x = index.findings[i] || {};
      var sub = [].concat(x.p || []).slice(0, 3).join(", ");
      if (f.status && f.status !== "new") sub = f.status + (sub ? " · " + sub : "");
      if (sub) b.appendChild(el("span", "sub", sub));
      li.appendChild(b);
      list.appendChild(li);
    }
    if (n > drawn) {
      var more = el("li", "more-row");
      var mb = el("button", null, "show " + Math.min(PAGE, n - drawn) + " more of " + (n - drawn));
      mb.type = "button";
      mb.id = "more";
      more.appendChild(mb);
      list.appendChild(more);
    }
    $("shown").textContent = n === findings.length ? n + " findings" : n + " of " + findings.length + " findings";
    list.setAttribute("data-count", n);
  }

  function pathText(f) {
    var hops = f.path || [];
    var lines = [];
    hops.forEach(function (h, i) {
      var t = h.label + (h.note ? " (" + h.note + ")" : "");
      if (i === 0) lines.push(t);
      else lines.push((i === hops.length - 1 ? "└─ " : "├─ ") + (h.via ? h.via + " → " : "") + t);
    });
    if (f.detail) lines.push("⇒ " + f.detail);
    return lines.join("\n");
  }

  function copyButton(text) {
    var b = el("button", "copy", "copy");
    b.type = "button";
    b.addEventListener("click", function () {
      if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { b.textContent = "copied"; }, function () { b.textContent = "select and copy"; });
    });
    return b;
  }

  function select(i) {
    selected = i;
    var f = findings[i], x = index.findings[i] || {};
    var d = $("detail");
    d.textContent = "";
    d.setAttribute("data-finding", i);
    var h = el("h3", "sev-" + f.severity);
    h.appendChild(el("span", "sev", f.severity));
    h.appendChild(document.createTextNode(" " + f.rule + " " + f.name));
    d.appendChild(h);
    d.appendChild(el("p", "msg", f.message));
    if (f.location) d.appendChild(el("p", "note", "at " + f.location));
    if (f.status && f.status !== "new") d.appendChild(el("p", "note", "status: " + f.status + (f.waived ? " (waived: " + f.waived.reason + ")" : "")));
    d.appendChild(el("div", "path", pathText(f)));
    var rule = (index.rules || {})[f.rule] || {};
    d.appendChild(el("h4", null, "Fix"));
    if (f.advice) d.appendChild(el("p", "advice", f.advice));
    if (rule.text) {
      var det = el("details");
      det.appendChild(el("summary", null, rule.title || "about " + f.rule));
      det.appendChild(el("p", null, rule.text));
      if (rule.after) { det.appendChild(el("p", "note", "fixed configuration:")); det.appendChild(el("pre", null, rule.after)); }
      d.appendChild(det);
    }
    d.appendChild(el("h4", null, "Path"));
    var gbox = el("div", "gbox");
    d.appendChild(gbox);
    showGraph(gbox, x.g, x.gn);
    d.appendChild(el("h4", null, "Accept the risk instead (bulkhead.hcl)"));
    d.appendChild(copyButton(x.w));
    d.appendChild(el("pre", "waive", x.w));
    d.appendChild(el("p", "note", "fingerprint " + f.fingerprint + " · resource " + f.resource));
    var items = $("list").querySelectorAll("li");
    for (var k = 0; k < items.length; k++) items[k].classList.toggle("sel", items[k].getAttribute("data-finding") === String(i));
  }

  function selectTile(n) {
    var t = (index.tiles || [])[n];
    if (!t) return;
    var all = document.querySelectorAll(".tile");
    for (var k = 0; k < all.length; k++) all[k].classList.toggle("sel", all[k].getAttribute("data-tile") === String(n));
    var box = $("tile-detail");
    box.textContent = "";
    box.appendChild(el("h3", null, t.name + (t.prod ? " (production)" : "") + ": " + t.n + " resources"));
    var gbox = el("div");
    box.appendChild(gbox);
    showGraph(gbox, t.g, t.gn || (t.g < 0 ? "no picture for a group outside any project" : ""));
    var sel = $("f-proj");
    if (has(Array.prototype.map.call(sel.options, function (o) { return o.value; }), t.name)) {
      sel.value = t.name;
      shownMax = PAGE;
      renderList();
    }
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target.closest ? ev.target.closest("button") : null;
    if (!t) return;
    if (t.id === "more") { shownMax += PAGE; renderList(); return; }
    if (t.id === "f-clear") {
      $("q").value = "";
      ["f-sev", "f-rule", "f-tier", "f-env", "f-proj", "f-cred"].forEach(function (id) { $(id).value = ""; });
      shownMax = PAGE; renderList(); return;
    }
    var fi = t.getAttribute("data-finding");
    if (fi !== null) { select(+fi); if (t.closest("#worst")) $("detail").scrollIntoView({ block: "nearest" }); return; }
    var filter = t.getAttribute("data-filter");
    if (filter) {
      var sel = $("f-" + filter);
      if (sel) { sel.value = t.getAttribute("data-value"); shownMax = PAGE; renderList(); }
      return;
    }
    var tile = t.getAttribute("data-tile");
    if (tile !== null) selectTile(+tile);
  });
  var timer = 0;
  $("q").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { shownMax = PAGE; renderList(); }, 80);
  });
  ["f-sev", "f-rule", "f-tier", "f-env", "f-proj", "f-cred"].forEach(function (id) {
    $(id).addEventListener("change", function () { shownMax = PAGE; renderList(); });
  });

  renderList();
  document.body.setAttribute("data-ready", "1");
})();
