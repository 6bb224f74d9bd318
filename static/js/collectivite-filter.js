/* Adds a "Rechercher" box above the collectivité list that narrows it as the user types (accents and
   case ignored). Without JavaScript the plain list works, with type-ahead. */
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }
  document.querySelectorAll("select[data-filterable]").forEach(function (select) {
    var wrapper = document.createElement("div");
    wrapper.className = "mb-2";
    var id = select.id + "_filtre";
    wrapper.innerHTML = '<label class="form-label" for="' + id + '">Rechercher une collectivité</label>' +
      '<input type="search" class="form-control" id="' + id + '" autocomplete="off" aria-describedby="' + id + '_etat">' +
      '<div class="form-text" id="' + id + '_etat" aria-live="polite"></div>';
    var field = select.closest("div[id^='div_']") || select;
    field.parentNode.insertBefore(wrapper, field);
    var input = wrapper.querySelector("input");
    var status = wrapper.querySelector(".form-text");
    var options = Array.prototype.slice.call(select.querySelectorAll("option")).filter(function (o) { return o.value; });
    input.addEventListener("input", function () {
      var query = fold(input.value);
      var shown = 0, first = null;
      options.forEach(function (option) {
        var match = !query || fold(option.textContent).indexOf(query) !== -1;
        option.hidden = !match;
        option.disabled = !match && !option.selected;
        if (match) { shown += 1; if (!first) { first = option; } }
      });
      if (query && first && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden || !select.value)) {
        select.value = first.value;
      }
      status.textContent = query ? shown + (shown > 1 ? " collectivités correspondent" : " collectivité correspond") : "";
    });
  });
})();
