/* Person pickers of the crisis centre: a search box before each select[data-person-search]
   that asks the site (centre:person_search, the centre's own records only) as the person
   on duty types, and narrows the select to the people found; what was chosen stays chosen.
   The select itself stays the control that is sent, so the page works without JavaScript
   (the full list) and a screen reader meets an ordinary labelled list. Served from the
   site (Content-Security-Policy: script-src 'self'). */
(function () {
  "use strict";
  var DELAY = 250;

  function enhance(select) {
    var url = select.getAttribute("data-person-search");
    var id = select.id + "_search";
    var original = Array.prototype.slice.call(select.options).map(function (o) { return o.cloneNode(true); });
    var label = document.createElement("label");
    label.htmlFor = id;
    label.className = "person-search-label";
    label.textContent = select.getAttribute("data-search-label");
    var box = document.createElement("input");
    box.type = "search";
    box.id = id;
    box.className = "person-search";
    box.setAttribute("autocomplete", "off");
    box.setAttribute("aria-controls", select.id);
    var status = document.createElement("span");
    status.className = "person-search-status";
    status.setAttribute("role", "status");
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(status, select);
    if (select.autofocus) { box.focus(); }

    function show(options) {
      var chosen = Array.prototype.filter.call(select.options, function (o) { return o.selected && o.value; });
      var keep = {};
      select.innerHTML = "";
      original.forEach(function (o) { if (!o.value && !select.multiple) { select.appendChild(o.cloneNode(true)); } });
      chosen.forEach(function (o) { keep[o.value] = true; select.appendChild(o); });
      options.forEach(function (o) { if (!keep[o.value]) { select.appendChild(o); } });
    }

    var timer = null;
    var asked = 0;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      var query = box.value.trim();
      if (query.length < 2) {
        status.textContent = "";
        show(original.filter(function (o) { return o.value; }).map(function (o) { return o.cloneNode(true); }));
        return;
      }
      timer = setTimeout(function () {
        var mine = ++asked;
        var sep = url.indexOf("?") < 0 ? "?" : "&";
        fetch(url + sep + "q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            if (mine !== asked) { return; }
            show(data.results.map(function (p) { return new Option(p.label, String(p.id)); }));
            status.textContent = select.getAttribute("data-search-found") + " " + data.results.length;
          });
      }, DELAY);
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-person-search]"), enhance);
  });
})();
