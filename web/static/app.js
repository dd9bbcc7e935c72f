// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Submit the language switch as soon as a language is chosen.
  var sel = document.getElementById("lang-select");
  if (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  }
});
