// DOM building without innerHTML: every value from the server becomes a text node, never markup.

/** `h("button", { type: "submit", onclick }, "Save")`; `null`/`false` children are skipped. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name in el && typeof value !== "string") el[name] = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A labelled input; returns the wrapper, with the input as `.input`. */
export function field(label, attrs = {}) {
  const id = attrs.id ?? `f-${Math.random().toString(36).slice(2, 9)}`;
  const input = attrs.multiline ? h("textarea", { ...attrs, id, multiline: undefined }) : h("input", { ...attrs, id });
  const wrapper = h(
    "div",
    { class: attrs.type === "checkbox" ? "field check" : "field" },
    h("label", { for: id }, label),
    input,
  );
  if (attrs.type === "checkbox") wrapper.prepend(input);
  wrapper.input = input;
  return wrapper;
}

/** The place where a form shows the server's answer; `role="alert"` so screen readers hear it. */
export function messageArea() {
  const el = h("p", { class: "message", role: "alert", hidden: true });
  el.show = (text, kind = "error") => {
    el.textContent = text;
    el.className = `message ${kind}`;
    el.hidden = false;
  };
  el.clear = () => {
    el.hidden = true;
    el.textContent = "";
  };
  return el;
}

/** Runs `work` with the button disabled, showing a failure's message (the server's own) in `area`. */
export async function busy(button, area, work) {
  button.disabled = true;
  area?.clear();
  try {
    return await work();
  } catch (err) {
    if (area) area.show(err.message);
    else throw err;
  } finally {
    button.disabled = false;
  }
}

export const formatTime = (iso) => new Date(iso).toLocaleString();

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1_048_576) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1_048_576).toFixed(1)} MiB`;
}
