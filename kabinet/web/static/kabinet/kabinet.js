// Help popovers ("?"): a button toggles the sample text tied to its field by aria-describedby.
// Works by mouse, touch and keyboard because it is a real <button>; without JavaScript the
// sample is shown as plain text under the field.
document.addEventListener("DOMContentLoaded", function () {
  document.documentElement.classList.add("js");
  document.querySelectorAll("[data-help-toggle]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) return;
    target.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      target.hidden = open;
    });
    button.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        button.setAttribute("aria-expanded", "false");
        target.hidden = true;
      }
    });
  });
});
