// The citation's access date is the reader's today, which no static build can know.
(function () {
  var today = new Date();
  var lang = document.documentElement.lang || "ar";
  document.querySelectorAll("[data-accessed]").forEach(function (el) {
    el.setAttribute("datetime", today.toISOString().slice(0, 10));
    el.textContent = today.toLocaleDateString(lang, { year: "numeric", month: "long", day: "numeric" });
  });
})();
