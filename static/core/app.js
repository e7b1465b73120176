/* Page behaviour of every page, in one static file: the Content-Security-Policy allows no inline script
   (suxian/settings.py CONTENT_SECURITY_POLICY). Markup declares what it wants with data attributes:
     data-action="print"       a button that prints the page
     data-autosubmit           a select (or input) that submits its form when changed
     details[data-open-wide]   a filter panel open on wide screens; on a phone the results come first */
(function () {
  "use strict";
  var WIDE = "(min-width: 721px)";

  function init(root) {
    if (!root || !root.querySelectorAll) { return; }
    var panels = root.querySelectorAll("details[data-open-wide]");
    for (var i = 0; i < panels.length; i++) {
      if (!panels[i].dataset.openWideDone) {
        panels[i].dataset.openWideDone = "1";
        if (window.matchMedia(WIDE).matches) { panels[i].open = true; }
      }
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-action='print']");
    if (button) { event.preventDefault(); window.print(); }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
    }
  });
  // Content swapped in by htmx gets the same treatment as the first page.
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
