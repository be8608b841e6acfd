// The ballot's niceties; without them the form still works (plain radio buttons, and "rate the rest
// qualified" comes back from the server filled in). Here: the count of members rated follows each tap,
// "rate the rest qualified" fills in the page itself, and a ballot with members left out is not sent
// but shows the first of them.
(function () {
  var form = document.getElementById("ballot-form");
  if (!form) return;
  var cards = Array.prototype.slice.call(form.querySelectorAll(".ballot-card"));
  var progress = document.getElementById("ballot-progress");
  var count = document.getElementById("ballot-rated");
  var QUALIFIED = { "1": "qualified", "0": "4" };

  function checked(group) {
    var input = group.querySelector("input:checked");
    return input ? input.value : "";
  }
  function isRated(card) {
    if (checked(card.querySelector("[data-overall]"))) return true;
    if (card.dataset.full === "1") return false;
    return Array.prototype.every.call(card.querySelectorAll("[data-criterion]"), function (row) { return checked(row) !== ""; });
  }
  function update() {
    var rated = 0;
    cards.forEach(function (card) {
      var yes = isRated(card);
      card.classList.toggle("is-rated", yes);
      if (yes) card.classList.remove("is-missing");
      rated += yes ? 1 : 0;
    });
    progress.value = rated;
    count.textContent = String(rated);
    var note = document.getElementById("ballot-missing");
    if (note && rated === cards.length) note.remove();
    return rated;
  }
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    var rest = event.submitter && event.submitter.id === "ballot-rest";
    if (rest) {
      event.preventDefault();
      cards.forEach(function (card) {
        if (isRated(card)) return;
        var input = card.querySelector("[data-overall] input[value='" + QUALIFIED[card.dataset.full] + "']");
        if (input) input.checked = true;
      });
      update();
      return;
    }
    var missing = cards.filter(function (card) { return !isRated(card); });
    if (!missing.length) return;
    event.preventDefault();
    missing.forEach(function (card) { card.classList.add("is-missing"); });
    var note = document.getElementById("ballot-missing");
    if (!note) {
      note = document.createElement("p");
      note.id = "ballot-missing";
      note.className = "ballot-missing";
      note.setAttribute("role", "alert");
      form.querySelector(".ballot-bar").prepend(note);
    }
    note.textContent = form.dataset.missing;
    missing[0].scrollIntoView({ block: "center" });
    missing[0].querySelector("input").focus({ preventScroll: true });
  });
  update();
})();
