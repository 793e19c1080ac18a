/* Opened from disk (file://), a link to a folder shows a directory listing
   instead of the page, so folder links are pointed at their index.html.
   On a web server nothing changes: pretty URLs stay pretty. */
(function () {
  "use strict";
  if (location.protocol !== "file:") return;
  function fix(anchor) {
    var href = anchor.getAttribute("href");
    if (!href || href.charAt(0) === "#" || /^[a-z][a-z0-9+.-]*:/i.test(href)) return;
    var cut = href.search(/[?#]/);
    var path = cut < 0 ? href : href.slice(0, cut);
    var rest = cut < 0 ? "" : href.slice(cut);
    if (path.slice(-1) === "/") anchor.setAttribute("href", path + "index.html" + rest);
  }
  Array.prototype.forEach.call(document.querySelectorAll("a[href]"), fix);
  // The header's search form too: its action is the search page's folder.
  Array.prototype.forEach.call(document.querySelectorAll("form[action$='/']"), function (form) {
    form.setAttribute("action", form.getAttribute("action") + "index.html");
  });
  // Links drawn later (search results) are fixed as they are followed.
  document.addEventListener("click", function (event) {
    var anchor = event.target.closest ? event.target.closest("a[href]") : null;
    if (anchor) fix(anchor);
  }, true);
})();
