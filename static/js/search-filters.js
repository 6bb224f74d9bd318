// The search filters fold behind "Filtrer" on a phone (a <details>, which works without JavaScript); on a wider
// screen there is room for them: open them.
(function () {
  if (!window.matchMedia("(min-width: 768px)").matches) return;
  document.querySelectorAll("details.search-filters").forEach(function (details) { details.open = true; });
})();
