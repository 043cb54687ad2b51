/* caucasus-kg query page: posts the SPARQL query to the endpoint and shows the results.
   Every value is written with textContent; nothing is parsed as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ckg-data").textContent);
  var form = document.getElementById("ckg-query-form");
  var editor = document.getElementById("ckg-query");
  var status = document.getElementById("ckg-status");
  var table = document.getElementById("ckg-results");
  var csvButton = document.getElementById("ckg-csv");
  var jsonButton = document.getElementById("ckg-json");
  var state = { running: false, rows: null, lastQuery: null, lastJson: null, error: null };
  window.ckgQuery = state;

  Array.prototype.forEach.call(document.querySelectorAll(".ckg-example"), function (button) {
    button.addEventListener("click", function () {
      var example = data.examples[Number(button.getAttribute("data-index"))];
      if (example) { editor.value = example.query; editor.focus(); }
    });
  });

  function setStatus(text, isError) {
    status.textContent = text;
    status.className = "ckg-status" + (isError ? " error" : "");
  }

  function clearTable() { while (table.firstChild) { table.removeChild(table.firstChild); } }

  function cell(tag, text, title) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (title) { el.title = title; }
    return el;
  }

  function termText(term) {
    if (!term) { return ""; }
    return term.value;
  }

  function render(json) {
    clearTable();
    if (typeof json.boolean === "boolean") {
      var row = document.createElement("tr");
      row.appendChild(cell("td", json.boolean ? "true" : "false"));
      table.appendChild(row);
      state.rows = 1;
      return "ASK: " + (json.boolean ? "true" : "false");
    }
    var vars = (json.head && json.head.vars) || [];
    var bindings = (json.results && json.results.bindings) || [];
    var head = document.createElement("thead");
    var hr = document.createElement("tr");
    vars.forEach(function (v) { hr.appendChild(cell("th", "?" + v)); });
    head.appendChild(hr);
    table.appendChild(head);
    var body = document.createElement("tbody");
    bindings.forEach(function (b) {
      var tr = document.createElement("tr");
      vars.forEach(function (v) {
        var term = b[v];
        var title = term && term.datatype ? term.datatype : (term && term["xml:lang"] ? "@" + term["xml:lang"] : "");
        tr.appendChild(cell("td", termText(term), title));
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    state.rows = bindings.length;
    return bindings.length + " row" + (bindings.length === 1 ? "" : "s");
  }

  function errorText(response, text) {
    try {
      var json = JSON.parse(text);
      var err = json.error || json;
      var message = typeof err === "string" ? err : (err.message || err.detail || JSON.stringify(err));
      return response.status + ": " + message;
    } catch (e) {
      return response.status + ": " + text.slice(0, 500);
    }
  }

  function post(query, accept) {
    return fetch(data.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: new URLSearchParams({ query: query }).toString(),
      credentials: "same-origin",
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!data.endpoint) { setStatus("No SPARQL endpoint: this page was saved without a server.", true); return; }
    var query = editor.value;
    state.running = true; state.rows = null; state.error = null;
    csvButton.disabled = jsonButton.disabled = true;
    setStatus("running…", false);
    var started = performance.now();
    post(query, "application/sparql-results+json, application/json;q=0.9, text/turtle;q=0.5").then(function (response) {
      return response.text().then(function (text) {
        var seconds = ((performance.now() - started) / 1000).toFixed(2);
        if (!response.ok) { throw new Error(errorText(response, text)); }
        var type = response.headers.get("content-type") || "";
        clearTable();
        if (type.indexOf("json") >= 0 && type.indexOf("ld+json") < 0) {
          var json = JSON.parse(text);
          var summary = render(json);
          state.lastJson = text; state.lastQuery = query;
          csvButton.disabled = jsonButton.disabled = false;
          setStatus(summary + " in " + seconds + " s" + (response.headers.get("x-ckg-truncated") === "true" ? " (cut at the row limit)" : ""), false);
        } else {
          var row = document.createElement("tr");
          var td = document.createElement("td");
          td.appendChild(cell("pre", text));
          row.appendChild(td); table.appendChild(row);
          state.rows = 0; state.lastJson = null; state.lastQuery = query;
          csvButton.disabled = true; jsonButton.disabled = true;
          setStatus("graph result (" + type.split(";")[0] + ") in " + seconds + " s", false);
        }
      });
    }).catch(function (err) {
      clearTable();
      state.error = String(err.message || err);
      setStatus(state.error, true);
    }).then(function () { state.running = false; });
  });

  function download(text, name, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = document.createElement("a");
    a.href = url; a.download = name;
    document.body.appendChild(a); a.click(); document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  jsonButton.addEventListener("click", function () {
    if (state.lastJson) { download(state.lastJson, "results.json", "application/sparql-results+json"); }
  });
  csvButton.addEventListener("click", function () {
    if (!state.lastQuery) { return; }
    post(state.lastQuery, "text/csv").then(function (response) {
      return response.text().then(function (text) {
        if (!response.ok) { throw new Error(errorText(response, text)); }
        download(text, "results.csv", "text/csv");
      });
    }).catch(function (err) { setStatus(String(err.message || err), true); });
  });
})();
