// The console's own behaviour, loaded with <script src> (no inline script: the CSP forbids it).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
  // A confirm button (data-confirm="...") asks before its form is sent.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var text = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (text && !window.confirm(text)) {
      event.preventDefault();
    }
  });
  // A file picker (cases/edit.html) shows the names of the files chosen.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("file-pick-input")) {
      return;
    }
    var shown = input.parentNode.querySelector(".file-pick-name");
    var names = [];
    for (var i = 0; i < input.files.length; i++) {
      names.push(input.files[i].name);
    }
    if (shown && names.length) {
      shown.textContent = names.join("、");
    }
  });
  // Scrolling tables can be reached and scrolled with the keyboard.
  document.addEventListener("DOMContentLoaded", function () {
    var regions = document.querySelectorAll(".table-responsive");
    for (var i = 0; i < regions.length; i++) {
      if (!regions[i].hasAttribute("tabindex")) {
        regions[i].setAttribute("tabindex", "0");
      }
    }
  });
})();
