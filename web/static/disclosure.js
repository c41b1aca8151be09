/*
 * trygg — disclosure buttons: a button[data-disclosure][aria-controls] shows
 * and hides the element it controls (its hidden attribute) and says so in
 * aria-expanded. It starts open when the media query in data-open-when
 * matches (e.g. a desktop's width) and closed otherwise, and follows that
 * query when the window changes size (a tablet turned) until the person
 * has used the button; after that, their choice holds. The public map uses
 * it to fold its filters away on a phone. Holds no texts: the button's own
 * content names it.
 */
function wire(button) {
  const panel = document.getElementById(button.getAttribute("aria-controls"));
  if (!panel) return;
  const query = button.dataset.openWhen ? window.matchMedia(button.dataset.openWhen) : null;
  let touched = false;
  const set = (open) => {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    panel.hidden = !open;
  };
  set(query ? query.matches : button.getAttribute("aria-expanded") === "true");
  if (query) query.addEventListener("change", () => { if (!touched) set(query.matches); });
  button.addEventListener("click", () => {
    touched = true;
    set(button.getAttribute("aria-expanded") !== "true");
  });
}

document.querySelectorAll("button[data-disclosure][aria-controls]").forEach(wire);
