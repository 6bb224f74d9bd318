// "Imprimer" on the printable documents: shown only when JavaScript runs (the browser's menu works anyway).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
