/* Ticks the password rules as the user types. Progressive enhancement: without it, the rules are
   simply listed, and the server checks them anyway. */
(function () {
  "use strict";
  function check(li, value) {
    var min = parseInt(li.getAttribute("data-min-length") || "0", 10);
    var pattern = li.getAttribute("data-pattern");
    if (min) { return value.length >= min; }
    if (pattern) { return new RegExp(pattern).test(value); }
    return false;
  }
  function update(list, input) {
    var value = input.value || "";
    list.querySelectorAll("li[data-rule]").forEach(function (li) {
      var met = value.length > 0 && check(li, value);
      li.classList.toggle("is-met", met);
      var state = li.querySelector(".rule-state");
      if (state) { state.textContent = value.length ? (met ? " : respecté" : " : pas encore respecté") : ""; }
    });
  }
  document.querySelectorAll("[data-password-rules]").forEach(function (list) {
    var input = document.getElementById(list.getAttribute("data-for"));
    if (!input) { return; }
    list.classList.add("is-live");
    input.addEventListener("input", function () { update(list, input); });
    update(list, input);
  });
})();
