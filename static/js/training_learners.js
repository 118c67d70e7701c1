// My training: copy the private calendar link.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const input = document.getElementById(button.dataset.copyTarget);
  if (!input) return;
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
    document.execCommand("copy");
  }
  const status = document.getElementById("calendar-copy-status");
  const label = button.querySelector("span");
  if (label) label.textContent = button.dataset.copiedText;
  if (status) status.textContent = button.dataset.copiedText;
});
