/* trygg — category icons as simple SVG paths (24x24, stroke), served by trygg. */
const paths = {
  lamp: "M9 21h6M12 21V10M7 6a5 5 0 0 1 10 0c0 2-1.5 3-2 4H9c-.5-1-2-2-2-4zM9 13h6",
  trash: "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6",
  spray: "M8 9h6v12H8zM9 9V6h4v3M16 4h1M18 6h1M16 8h1M19 3h1",
  tree: "M12 22v-6M12 2l-6 8h3l-4 6h14l-4-6h3z",
  path: "M8 22L10 2M16 22L14 2M12 6v2M12 12v2M12 18v2",
  car: "M3 16v-4l2-5h14l2 5v4zM3 16v3h3v-3M18 16v3h3v-3M7 13h.01M17 13h.01",
  eye: "M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12zM12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM4 4l16 16",
  sign: "M12 22V10M5 4h12l3 3-3 3H5z",
  bench: "M3 10h18M4 14h16M6 14v5M18 14v5M5 6h14v4H5z",
  heart: "M12 21s-8-5-8-11a4.5 4.5 0 0 1 8-3 4.5 4.5 0 0 1 8 3c0 6-8 11-8 11z",
  dots: "M5 12h.01M12 12h.01M19 12h.01"
};
const NS = "http://www.w3.org/2000/svg";

/* An <svg> element for icon name (decorative: aria-hidden). */
export function icon(name, size) {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size || 32));
  svg.setAttribute("height", String(size || 32));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  const p = document.createElementNS(NS, "path");
  p.setAttribute("d", paths[name] || paths.dots);
  svg.appendChild(p);
  return svg;
}

/* One colour per category, each with at least 4.5:1 contrast against white text. */
const colours = {
  lighting: "#8a5a00", litter: "#5b4a3a", graffiti: "#8e2a8e", vegetation: "#2f6b2f",
  path: "#49525c", traffic: "#b3261e", hidden: "#3d3d8f", signage: "#005f73",
  furniture: "#7a4f1d", safe_place: "#1b6e3a", other: "#444444"
};

/* The colour of category code (grey for an unknown one). */
export function colour(code) { return colours[code] || "#444444"; }
