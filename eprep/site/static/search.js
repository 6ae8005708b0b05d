/* Search page: Pagefind UI when served over HTTP; a note when opened from file://. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  var note = document.getElementById("search-offline");
  if (location.protocol === "file:") { note.hidden = false; return; }
  var bundle = box.getAttribute("data-bundle");
  var script = document.createElement("script");
  script.src = bundle + "pagefind-ui.js";
  script.onload = function () {
    /* global PagefindUI */
    new PagefindUI({ element: "#search", bundlePath: bundle, showImages: false, resetStyles: false });
    var input = box.querySelector("input");
    if (input) input.focus();
  };
  script.onerror = function () { note.hidden = false; };
  document.head.appendChild(script);
})();
