// A table wider than a phone's screen scrolls sideways (css/layout.css): make it reachable
// by the keyboard (WCAG 2.1.1), so it can be scrolled with the arrow keys. Without this
// script the page works the same; only the keyboard focus on the table is missing.
"use strict";
function tablesReachable() {
  for (const table of document.querySelectorAll("main table")) {
    const scrolls = table.scrollWidth > table.clientWidth + 1;
    if (scrolls && !table.hasAttribute("tabindex")) {
      table.tabIndex = 0;
      table.dataset.scrolls = "1";
    } else if (!scrolls && table.dataset.scrolls) {
      table.removeAttribute("tabindex");
      delete table.dataset.scrolls;
    }
  }
}
tablesReachable();
window.addEventListener("resize", tablesReachable);
