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

// A region with data-refresh (a register import's progress, the archive packages' list) is
// fetched again every few seconds and replaced in place, so the page follows a job without
// reloading itself (a timed reload is an accessibility failure); once the job has ended, the
// page is loaded once more to show its report, or, with data-refresh-end (a page with a
// form that may be half filled in), the region's last state replaces it in place.
(function () {
  function poll() {
    var region = document.querySelector("[data-refresh]");
    if (!region || !window.fetch || !window.DOMParser) return;
    var seconds = parseInt(region.getAttribute("data-refresh"), 10) || 5;
    window.setTimeout(function () {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.text() : Promise.reject(response.status);
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
          if (fresh && !fresh.hasAttribute("data-refresh") && region.hasAttribute("data-refresh-end")) {
            // The page has a form someone may be filling in: show the end in place.
            region.replaceWith(fresh);
            return;
          }
          if (!fresh || !fresh.hasAttribute("data-refresh")) {
            window.location.reload();
            return;
          }
          region.innerHTML = fresh.innerHTML;
          poll();
        })
        .catch(poll);
    }, seconds * 1000);
  }
  document.addEventListener("DOMContentLoaded", poll);
})();
