/* Search normalisation, the JS half of sitegen/search/normalize.py: the same
   folding and clitic rules, so a query meets the index the way it was built.
   Tests run both over one table of cases; change them together. */
(function (root) {
  "use strict";
  var FROM = "أإآٱىة٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹";
  var TO = "اااايه01234567890123456789";
  var TASHKEEL = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g;
  var INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]/g;
  var WORD = /[\p{L}\p{N}]+/gu;
  var ARTICLE = /^([وف]?[بكل]?ال|[وف]?لل)(.{3,})$/u;
  var ALEF = /^([وف][بكل]?|[بكل])(ا.{3,})$/u;
  var LAM = /^([وف]?ل)(.{2,}[^ي]ه)$/u;
  var MAX_QUERY_WORDS = 12;

  function clean(text) {
    return String(text).normalize("NFC").replace(INVISIBLE, "").replace(TASHKEEL, "");
  }
  function foldChars(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var at = FROM.indexOf(text.charAt(i));
      out += at < 0 ? text.charAt(i) : TO.charAt(at);
    }
    return out.toLowerCase();
  }
  function fold(text) { return foldChars(clean(text)); }
  function words(text) { return clean(text).match(WORD) || []; }
  function key(word) {
    var folded = fold(word);
    var rules = [ARTICLE, ALEF, LAM];
    for (var i = 0; i < rules.length; i++) {
      var m = rules[i].exec(folded);
      if (m) return m[2];
    }
    return folded;
  }
  /* What Pagefind is asked: ى→ي, no tashkeel, tatweel, bidi marks or punctuation. */
  function queryText(query) {
    var text = clean(query).replace(/ى/g, "ي");
    return (text.match(WORD) || []).slice(0, MAX_QUERY_WORDS).join(" ");
  }
  function queryKeys(query) {
    var seen = [];
    words(query).slice(0, MAX_QUERY_WORDS).forEach(function (w) {
      var k = key(w);
      if (seen.indexOf(k) < 0) seen.push(k);
    });
    return seen;
  }
  root.SitegenNormalize = { fold: fold, words: words, key: key, queryText: queryText, queryKeys: queryKeys };
})(window);
