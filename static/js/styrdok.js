document.documentElement.classList.add("js");

// A form with data-busy shows its message and a progress bar while the server works (the
// organisation import's dry run and import take up to a minute for a large municipality).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute && form.getAttribute("data-busy");
  if (!message) return;
  var status = form.querySelector(".busy");
  if (status) {
    status.textContent = message;
    var bar = document.createElement("progress");
    bar.setAttribute("aria-label", message);
    status.appendChild(document.createElement("br"));
    status.appendChild(bar);
  }
  var buttons = form.querySelectorAll("button[type=submit]");
  for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
});
