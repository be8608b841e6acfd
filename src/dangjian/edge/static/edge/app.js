// The few behaviours the pages share, without a framework: messages close themselves (errors
// stay until closed), and a button with data-confirm (or an htmx request with hx-confirm) asks in
// a dialog before it goes. Without JavaScript the form is simply sent.
(function () {
  function closeToast(toast) {
    toast.classList.remove("show");
    toast.remove();
  }

  // Ask in the page's one <dialog>; `proceed` runs when the person confirms.
  function ask(question, proceed) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(question)) proceed();
      return;
    }
    dialog.querySelector("#confirm-dialog-text").textContent = question;
    dialog.returnValue = "";
    dialog.addEventListener("close", function once() {
      dialog.removeEventListener("close", once);
      if (dialog.returnValue === "ok") proceed();
    });
    dialog.showModal();
  }

  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-dismiss=toast]");
    if (close) closeToast(close.closest(".toast"));
    var confirmer = event.target.closest("[data-confirm]");
    if (confirmer && !confirmer.hasAttribute("data-confirmed")) {
      event.preventDefault();
      ask(confirmer.getAttribute("data-confirm"), function () {
        confirmer.setAttribute("data-confirmed", "");
        confirmer.click();
        confirmer.removeAttribute("data-confirmed");
      });
    }
  });

  document.addEventListener("htmx:confirm", function (event) {
    if (!event.detail.question) return;
    event.preventDefault();
    ask(event.detail.question, function () { event.detail.issueRequest(true); });
  });

  document.querySelectorAll(".toast[data-autohide=yes]").forEach(function (toast) {
    setTimeout(function () { closeToast(toast); }, 8000);
  });
})();
