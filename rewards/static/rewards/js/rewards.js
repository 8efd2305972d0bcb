// The points chooser of a discount the member chooses: the range and the number input show
// the same value (the server checks the steps and bounds whatever is sent).
document.addEventListener("DOMContentLoaded", () => {
  const range = document.querySelector("[data-points-range]");
  const number = document.querySelector("[data-points-input]");
  if (!range || !number) return;
  range.addEventListener("input", () => { number.value = range.value; });
  number.addEventListener("input", () => { range.value = number.value; });
});
