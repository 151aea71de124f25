// The attendance sheet: a tick fills the cell with the session's hours, taking it off clears the cell,
// and typing the session's hours ticks it. The form reads the ticks without this script too.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const number = (text) => Number.parseFloat(String(text).trim().replace(",", "."));
  for (const tick of document.querySelectorAll(".sheet-tick")) {
    const hours = tick.closest(".sheet-cell").querySelector("input[type=text]");
    if (!hours) continue;
    tick.addEventListener("change", () => {
      hours.value = tick.checked ? tick.dataset.hours : "";
    });
    hours.addEventListener("input", () => {
      tick.checked = hours.value.trim() !== "" && number(hours.value) === number(tick.dataset.hours);
    });
  }
});
