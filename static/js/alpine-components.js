// The Alpine components the templates name in x-data. The vendored Alpine is its CSP
// build, which evaluates no JavaScript from attributes: the behaviour lives here, and the
// templates only read properties and call these methods. Loaded (deferred) before Alpine,
// so the listener is in place when Alpine fires alpine:init.
document.addEventListener("alpine:init", () => {
  "use strict";

  // The header's mobile menu: a button that opens it, a click anywhere else closes it.
  window.Alpine.data("siteMenu", () => ({
    open: false,
    toggleOpen() {
      this.open = !this.open;
    },
    close() {
      this.open = false;
    },
  }));

  // The design demo's image switcher. The root's data-count says how many images there
  // are; each image and each picker button carries its position in data-index.
  window.Alpine.data("imageSwitcher", () => ({
    current: 0,
    count: 1,
    init() {
      this.count = Math.max(1, Number(this.$el.dataset.count) || 1);
    },
    previous() {
      this.current = (this.current + this.count - 1) % this.count;
    },
    next() {
      this.current = (this.current + 1) % this.count;
    },
    select(event) {
      this.current = Number(event.currentTarget.dataset.index);
    },
    isCurrent(el) {
      return this.current === Number(el.dataset.index);
    },
    pickerClass(el) {
      return this.isCurrent(el) ? "btn-primary" : "";
    },
  }));
});
