// uptake: optional enhancements. Every page works without this script.
// 1. Click a column header of a `table.sortable` to sort its rows in the page.
// 2. Review queue keys: j/k next/previous item, c/d/e confirm/dismiss/escalate.
// 3. Imports: files can be dropped on the upload box (the labelled file input
//    stays the control), each is sent on its own with its upload progress,
//    and the background imports' progress moves without reloading.
(function () {
  "use strict";
  function value(cell) {
    var v = cell.getAttribute("data-v");
    if (v === null) { v = cell.textContent.trim(); }
    var n = parseFloat(v);
    return { empty: v === "", num: !isNaN(n) && isFinite(v), n: n, s: v.toLowerCase() };
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0];
    if (!body || !table.tHead) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      if (th.querySelector("a")) { return; } // sorted by the server across pages
      th.tabIndex = 0;
      var dir = 1;
      function sort() {
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = value(a.cells[col]), y = value(b.cells[col]);
          if (x.empty !== y.empty) { return x.empty ? 1 : -1; }
          if (x.num && y.num) { return (x.n - y.n) * dir; }
          return x.s < y.s ? -dir : x.s > y.s ? dir : 0;
        });
        rows.forEach(function (r) { body.appendChild(r); });
        table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        dir = -dir;
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
  });
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  if (items.length === 0) { return; }
  var at = 0;
  function go(i) { at = Math.max(0, Math.min(items.length - 1, i)); items[at].focus(); }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) { return; }
    var i = items.indexOf(document.activeElement);
    if (i >= 0) { at = i; }
    if (e.key === "j") { go(at + 1); e.preventDefault(); return; }
    if (e.key === "k") { go(at - 1); e.preventDefault(); return; }
    if (e.key === "c" || e.key === "d" || e.key === "e") {
      var b = items[at].querySelector("button[data-key='" + e.key + "']");
      if (b) { b.click(); e.preventDefault(); }
    }
  });
})();

(function () {
  "use strict";
  function size(n) {
    if (n < 1024) { return n + " B"; }
    if (n < 1048576) { return (n / 1024).toFixed(1) + " KB"; }
    return (n / 1048576).toFixed(1) + " MB";
  }
  // The message of an error page (its first paragraph), or the status.
  function reason(xhr) {
    try {
      var p = new DOMParser().parseFromString(xhr.responseText, "text/html").querySelector("main p");
      if (p && p.textContent) { return p.textContent; }
    } catch (e) { /* not HTML */ }
    return "HTTP " + xhr.status + ".";
  }

  var form = document.getElementById("upload");
  var input = document.getElementById("upload-files");
  var zone = form && form.querySelector(".dropzone");
  if (form && input && zone && window.FormData && window.XMLHttpRequest) {
    var list = form.querySelector("ul.picked");
    var status = form.querySelector(".upload-status");
    var hint = document.getElementById("upload-hint");
    var button = form.querySelector("button[type=submit]");
    var busy = false;
    if (hint) { hint.textContent = "Choose one or more files, or drop them on this box; each is imported on its own."; }
    zone.classList.add("droppable");
    var show = function () {
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (f) {
        var li = document.createElement("li");
        li.textContent = f.name + " (" + size(f.size) + ")";
        list.appendChild(li);
      });
      list.hidden = input.files.length === 0;
    };
    var hasFiles = function (e) {
      return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") >= 0;
    };
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) {
        if (!hasFiles(e) || busy) { return; }
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        zone.classList.add("over");
      });
    });
    zone.addEventListener("dragleave", function (e) {
      if (!zone.contains(e.relatedTarget)) { zone.classList.remove("over"); }
    });
    zone.addEventListener("drop", function (e) {
      zone.classList.remove("over");
      if (!e.dataTransfer || e.dataTransfer.files.length === 0) { return; }
      e.preventDefault();
      if (busy) { return; }
      input.files = e.dataTransfer.files;
      show();
      status.textContent = input.files.length + (input.files.length === 1 ? " file" : " files") + " ready: press Upload and import.";
    });
    form.addEventListener("submit", function (e) {
      var files = Array.prototype.slice.call(input.files);
      if (files.length === 0) { return; } // the browser says the field is required
      e.preventDefault();
      if (busy) { return; }
      busy = true;
      button.disabled = true;
      show();
      var token = form.querySelector("input[name=csrf]").value;
      var failures = [];
      var send = function (i) {
        if (i >= files.length) {
          if (failures.length === 0) { window.location.assign("/imports"); return; }
          busy = false;
          button.disabled = false;
          status.textContent = failures.join(" ") + (failures.length < files.length ? " Refresh the page to see the other uploads." : "");
          return;
        }
        var f = files[i];
        var bar = document.createElement("progress");
        bar.max = f.size || 1;
        bar.value = 0;
        bar.setAttribute("aria-label", "Upload of " + f.name);
        var li = list.children[i];
        if (li) { li.appendChild(document.createTextNode(" ")); li.appendChild(bar); }
        status.textContent = "Sending " + f.name + " (" + (i + 1) + " of " + files.length + ")…";
        // The token first: the server reads nothing else before checking it.
        var data = new FormData();
        data.append("csrf", token);
        data.append("file", f, f.name);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        xhr.upload.addEventListener("progress", function (p) {
          if (p.lengthComputable) { bar.max = p.total || 1; bar.value = p.loaded; }
        });
        xhr.addEventListener("load", function () {
          var path = "";
          try { path = new URL(xhr.responseURL).pathname; } catch (err) { /* old browser */ }
          if (xhr.status >= 200 && xhr.status < 300 && path !== "/login") {
            bar.value = bar.max;
          } else if (path === "/login") {
            failures.push(f.name + ": you are signed out; sign in again.");
          } else {
            failures.push(f.name + ": " + reason(xhr));
          }
          send(i + 1);
        });
        xhr.addEventListener("error", function () {
          failures.push(f.name + ": the connection failed.");
          send(i + 1);
        });
        xhr.send(data);
      };
      send(0);
    });
  }

  // Background imports: poll each unfinished job until it is done or failed.
  var active = function (row) {
    var s = row.getAttribute("data-state");
    return s === "queued" || s === "running";
  };
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-job]")).filter(active);
  var news = document.querySelector(".job-news");
  if (rows.length === 0 || !window.fetch || !window.Promise) { return; }
  var update = function (row, job) {
    row.setAttribute("data-state", job.state);
    var cell = row.querySelector("td.status");
    var bar = cell.querySelector("progress");
    var text = cell.querySelector(".status-text");
    if (bar && job.state !== "failed") {
      bar.max = Math.max(job.total_bytes, 1);
      bar.value = job.state === "done" ? bar.max : Math.min(job.bytes_read, job.total_bytes);
      bar.textContent = job.percent + "%";
    } else if (bar) {
      cell.removeChild(bar);
    }
    if (job.state === "failed") {
      text.textContent = "";
      var strong = document.createElement("strong");
      strong.textContent = "failed";
      text.appendChild(strong);
      text.appendChild(document.createTextNode(job.text.slice("failed".length)));
    } else {
      text.textContent = job.text;
    }
    if ((job.state === "done" || job.state === "failed") && news) {
      news.textContent = job.file + ": " + job.state + ". Refresh to see it in the import history.";
    }
  };
  var poll = function () {
    rows = rows.filter(active);
    if (rows.length === 0) { return; }
    Promise.all(rows.map(function (row) {
      return fetch("/imports/jobs/" + encodeURIComponent(row.getAttribute("data-job")), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store"
      }).then(function (res) {
        if (!res.ok) { throw new Error("HTTP " + res.status); }
        return res.json();
      }).then(function (job) { update(row, job); });
    })).then(function () {
      window.setTimeout(poll, 1000);
    }, function () {
      if (news) { news.textContent = "Progress stopped updating: use Refresh."; }
    });
  };
  window.setTimeout(poll, 500);
})();
