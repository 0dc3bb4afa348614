// The text editor's toolbar by keyboard. Trix acts on a toolbar button's mousedown, which a
// keyboard never sends: a click that comes from Enter or Space (detail 0) is passed on as one.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("trix-toolbar .trix-button-row button");
  if (!button || event.detail !== 0) return;
  event.preventDefault();
  button.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, cancelable: true }));
});
