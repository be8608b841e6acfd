// The few behaviours the pages share, without a framework: messages close themselves (errors
// stay until closed), and a button with data-confirm asks before its form is sent.
(function () {
  function closeToast(toast) {
    toast.classList.remove("show");
    toast.remove();
  }
  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-dismiss=toast]");
    if (close) closeToast(close.closest(".toast"));
    var confirmer = event.target.closest("[data-confirm]");
    if (confirmer && !window.confirm(confirmer.getAttribute("data-confirm"))) event.preventDefault();
  });
  document.querySelectorAll(".toast[data-autohide=yes]").forEach(function (toast) {
    setTimeout(function () { closeToast(toast); }, 8000);
  });
})();
