// Small helpers the components call through JS interop.
window.tokenConsole = {
  setCookie: (name, value) => {
    document.cookie = `${name}=${encodeURIComponent(value)}; path=/; max-age=31536000; samesite=lax`;
  },
};
