// Street suggestions (htmx fills #street-suggestions): choosing one puts it in the street field.
// Without JavaScript the field is a plain text input and a link leads to a search page.
document.addEventListener("click", function (event) {
  var choice = event.target.closest("[data-street-fill]");
  if (!choice) return;
  var input = document.getElementById("id_street");
  var list = document.getElementById("street-suggestions");
  if (input) {
    input.value = choice.getAttribute("data-street-fill");
  }
  if (list) list.innerHTML = "";
  var next = document.getElementById("id_house");
  if (next) next.focus();
});
