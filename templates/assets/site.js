/* Small enhancements; every page works without them.
   - actions.html: filter the list by owner, kind and due (also from ?owner=&kind=&due=);
     an action is on the list of everyone in its data-owners (its assignee and the customer's owners).
     On a list in several pages the filters choose among the page's actions, and the links to
     the other pages carry them along.
   - brief.html: a print button.
   - the header search: a fuller placeholder where there is room for it.
   - customer pages ("Log a touch", repo_url set): the new note is dated the day of the click,
     not of the build; without JavaScript the link keeps the build's date. */
(function () {
  "use strict";

  function filters() {
    var form = document.getElementById("action-filters");
    var list = document.getElementById("action-list");
    if (!form || !list) return;
    var items = Array.prototype.slice.call(list.querySelectorAll("li.action"));
    var count = document.getElementById("action-count");
    var none = document.getElementById("no-match");
    var fields = ["owner", "kind", "due"];

    function value(name) { return form.elements[name].value; }

    function apply(push) {
      var shown = 0;
      items.forEach(function (li) {
        var ok = (!value("owner") || (" " + li.getAttribute("data-owners") + " ").indexOf(" " + value("owner") + " ") >= 0) &&
                 (!value("kind") || li.getAttribute("data-kind") === value("kind")) &&
                 (!value("due") || (" " + li.getAttribute("data-due") + " ").indexOf(" " + value("due") + " ") >= 0);
        li.hidden = !ok;
        if (ok) shown += 1;
      });
      // On one page of several, the count says so: "12 of 200 actions shown on this page, of 1,154."
      var of = count && count.getAttribute("data-of");
      if (count) count.textContent = shown + (shown === items.length ? (shown === 1 ? " action" : " actions") :
        " of " + items.length + " actions shown") + (of ? " on this page, of " + of : "") + ".";
      if (none) none.hidden = shown !== 0;
      var q = new URLSearchParams();
      fields.forEach(function (f) { if (value(f)) q.set(f, value(f)); });
      var s = q.toString();
      // The other pages of a long list open with the same filters.
      Array.prototype.forEach.call(document.querySelectorAll("a[data-keep-query]"), function (a) {
        var plain = a.getAttribute("data-href") || a.getAttribute("href");
        a.setAttribute("data-href", plain);
        a.setAttribute("href", s ? plain + "?" + s : plain);
      });
      if (push && window.history && window.history.replaceState) {
        window.history.replaceState(null, "", s ? "?" + s : window.location.pathname.split("/").pop());
      }
    }

    var params = new URLSearchParams(window.location.search);
    fields.forEach(function (f) {
      var want = params.get(f);
      var select = form.elements[f];
      if (want !== null && Array.prototype.some.call(select.options, function (o) { return o.value === want; })) {
        select.value = want;
      }
    });
    form.hidden = false;
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
    form.addEventListener("reset", function () { window.setTimeout(function () { apply(true); }, 0); });
    apply(false);
  }

  function printButton() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
  }

  function searchPlaceholder() {
    var input = document.getElementById("site-q");
    var wide = input && input.getAttribute("data-wide-placeholder");
    if (!wide || !window.matchMedia) return;
    var narrow = input.getAttribute("placeholder");
    var query = window.matchMedia("(min-width: 600px)");
    function fit() { input.setAttribute("placeholder", query.matches ? wide : narrow); }
    if (query.addEventListener) query.addEventListener("change", fit);
    else if (query.addListener) query.addListener(fit);
    fit();
  }

  // data-dated-href holds the address with a literal {date} (braces never come out of the
  // build's URL-encoding, so no name can hold it); set before the browser follows the link.
  function datedLinks() {
    function today() {
      var d = new Date();
      function two(n) { return (n < 10 ? "0" : "") + n; }
      return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
    }
    function stamp(event) {
      var a = event.target.closest && event.target.closest("a[data-dated-href]");
      if (a) a.href = a.getAttribute("data-dated-href").split("{date}").join(today());
    }
    ["mousedown", "click", "auxclick", "contextmenu", "keydown"].forEach(function (type) {
      document.addEventListener(type, stamp, true);
    });
  }

  filters();
  datedLinks();
  printButton();
  searchPlaceholder();
}());
