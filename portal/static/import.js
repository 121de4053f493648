// While a CSV file is checked or imported, say so: on submit, a form marked data-progress shows
// an indeterminate progress bar with the text of its status element and disables its button
// (a second click would send the file again). Without JavaScript the forms work the same.
"use strict";

for (const form of document.querySelectorAll("form[data-progress]")) {
  const button = form.querySelector("button[type=submit]");
  const status = form.querySelector(".import-progress");
  form.addEventListener("submit", () => {
    if (status) {
      const bar = document.createElement("progress");
      bar.setAttribute("aria-label", status.dataset.text);
      status.replaceChildren(bar, " ", status.dataset.text);
    }
    if (button) {
      // After the browser has collected the form's data, or the button would be left out.
      setTimeout(() => { button.disabled = true; }, 0);
    }
  });
}

// Coming back to the page from the browser's history: the form can be sent again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  for (const form of document.querySelectorAll("form[data-progress]")) {
    const button = form.querySelector("button[type=submit]");
    const status = form.querySelector(".import-progress");
    if (button) button.disabled = false;
    if (status) status.replaceChildren();
  }
});
