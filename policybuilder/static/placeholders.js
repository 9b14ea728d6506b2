// Federation editor: put the chosen question's code, such as {profile.name}, into the clause text at the cursor.
// Without JavaScript the list still shows every code, to type over.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("placeholder-code");
  const button = document.getElementById("placeholder-insert");
  if (!select || !button) return;
  const target = document.getElementById(select.dataset.target);
  button.hidden = false;
  button.addEventListener("click", () => {
    const start = target.selectionStart ?? target.value.length;
    const end = target.selectionEnd ?? start;
    target.setRangeText(select.value, start, end, "end");
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.focus();
  });
});
