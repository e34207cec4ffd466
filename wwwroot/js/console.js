// Small helpers the components call through JS interop.
window.tokenConsole = {
  setCookie: (name, value) => {
    document.cookie = `${name}=${encodeURIComponent(value)}; path=/; max-age=31536000; samesite=lax`;
  },
  // Keeps the option a person moves to by key in view in a FilterSelect's list.
  revealOption: (id) => document.getElementById(id)?.scrollIntoView({ block: "nearest" }),
};

// A FilterSelect (data-tc-combobox) takes arrows, Home/End and Space itself: the page must not scroll under them. One
// listener for the document, so no component registers a handler of its own per circuit.
document.addEventListener("keydown", (e) => {
  if (e.target instanceof Element && e.target.hasAttribute("data-tc-combobox")
      && [" ", "ArrowDown", "ArrowUp", "Home", "End"].includes(e.key)) {
    e.preventDefault();
  }
});
