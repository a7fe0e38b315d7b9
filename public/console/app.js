// The console (§10.10): a master key in sessionStorage, a hash router, one screen per resource.
import { createApi } from "./api.js";
import { binScreen } from "./bin.js";
import { busy, field, formatBytes, formatTime, h, messageArea } from "./dom.js";

const KEY = "edgebin.masterKey";
const session = {
  // sessionStorage only: gone when the tab closes, never sent anywhere but in X-Master-Key.
  get key() {
    return sessionStorage.getItem(KEY);
  },
  signIn(key) {
    sessionStorage.setItem(KEY, key);
  },
  signOut() {
    sessionStorage.removeItem(KEY);
  },
};
const api = createApi(() => session.key);
const main = document.getElementById("main");
const nav = document.getElementById("nav");

/** Replaces the screen; its first heading takes the focus, so keyboard and screen reader users follow. */
function show(...children) {
  main.replaceChildren(...children);
  main.querySelector("h1")?.focus();
}

function heading(text) {
  return h("h1", { tabindex: "-1" }, text);
}

// ---- Sign in ----
function signInScreen() {
  nav.hidden = true;
  const key = field("Master key", { type: "password", name: "key", autocomplete: "off", required: true });
  const message = messageArea();
  const submit = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    {
      class: "card narrow",
      onsubmit: (event) => {
        event.preventDefault();
        busy(submit, message, async () => {
          session.signIn(key.input.value.trim());
          try {
            await api.usage();
          } catch (err) {
            session.signOut();
            throw err;
          }
          form.reset();
          navigate("#/bins");
        });
      },
    },
    heading("Sign in"),
    h("p", {}, "The key stays in this tab's session storage and is sent only in the X-Master-Key header."),
    key,
    submit,
    message,
  );
  show(form);
}

// ---- Bins: per collection (or none), ten a page ----
async function binsScreen(params) {
  const scope = params.get("c") ?? "uncategorized";
  const order = params.get("order") ?? "descending";
  const after = params.get("after");
  const message = messageArea();
  const [collections, page] = await Promise.all([
    api.collections().then((r) => r.body),
    api.listBins(scope, after, order).then(
      (r) => r.body,
      (err) => {
        message.show(err.message);
        return [];
      },
    ),
  ]);
  const go = (changes) => {
    const next = new URLSearchParams({ c: scope, order });
    for (const [k, v] of Object.entries(changes)) v === null ? next.delete(k) : next.set(k, v);
    location.hash = `#/bins?${next}`;
  };
  const picker = h(
    "select",
    { id: "scope", onchange: (e) => go({ c: e.target.value, after: null }) },
    h("option", { value: "uncategorized", selected: scope === "uncategorized" }, "In no collection"),
    collections.map((c) => h("option", { value: c.record, selected: c.record === scope }, c.collectionMeta.name)),
  );
  const rows = page.map((bin) =>
    h(
      "tr",
      {},
      h("td", {}, h("a", { href: `#/bin/${bin.record}` }, bin.snippetMeta.name ?? "(unnamed)")),
      h("td", { class: "mono" }, bin.record),
      h("td", {}, bin.private ? "private" : "public"),
      h("td", {}, formatTime(bin.createdAt)),
    ),
  );
  const table = page.length
    ? h(
        "table",
        {},
        h("caption", { class: "sr-only" }, "Bins"),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["Name", "Id", "Privacy", "Created"].map((t) => h("th", { scope: "col" }, t)),
          ),
        ),
        h("tbody", {}, rows),
      )
    : h("p", {}, after ? "No more bins." : "No bins here yet.");
  const paging = h(
    "div",
    { class: "row" },
    after ? h("button", { type: "button", onclick: () => go({ after: null }) }, "First page") : null,
    page.length === 10
      ? h("button", { type: "button", onclick: () => go({ after: page.at(-1).record }) }, "Next page")
      : null,
    h(
      "button",
      {
        type: "button",
        onclick: () => go({ order: order === "descending" ? "ascending" : "descending", after: null }),
      },
      order === "descending" ? "Oldest first" : "Newest first",
    ),
  );
  show(
    heading("Bins"),
    h("div", { class: "field" }, h("label", { for: "scope" }, "Collection"), picker),
    message,
    table,
    paging,
    createBinForm(scope === "uncategorized" ? null : scope),
    openByIdForm(),
  );
}

function createBinForm(collectionId) {
  const name = field("Name", { name: "name", maxlength: "128" });
  const isPrivate = field("Private", { type: "checkbox", checked: true });
  const record = field("Record (JSON)", { multiline: true, rows: "6", class: "mono", spellcheck: "false" });
  record.input.value = '{\n  "hello": "world"\n}';
  const message = messageArea();
  const submit = h("button", { type: "submit" }, "Create bin");
  return h(
    "form",
    {
      class: "card",
      "aria-labelledby": "create-bin",
      onsubmit: (event) => {
        event.preventDefault();
        busy(submit, message, async () => {
          const res = await api.createBin(record.input.value, {
            name: name.input.value.trim(),
            isPrivate: isPrivate.input.checked,
            collectionId,
          });
          location.hash = `#/bin/${res.body.metadata.id}`;
        });
      },
    },
    h("h2", { id: "create-bin" }, collectionId ? "New bin in this collection" : "New bin"),
    name,
    isPrivate,
    record,
    submit,
    message,
  );
}

function openByIdForm() {
  const id = field("Bin id", { name: "id", pattern: "[0-9a-fA-F]{24}", required: true, class: "mono" });
  return h(
    "form",
    {
      class: "card",
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = `#/bin/${id.input.value.trim().toLowerCase()}`;
      },
    },
    h("h2", {}, "Open a bin"),
    id,
    h("button", { type: "submit" }, "Open"),
  );
}

// ---- Collections ----
async function collectionsScreen() {
  const list = (await api.collections()).body;
  const message = messageArea();
  const items = list.map((c) => {
    const rename = field("Name", { value: c.collectionMeta.name, maxlength: "32" });
    const schema = field("Schema doc id", { value: c.schemaDocId ?? "", class: "mono" });
    const rowMessage = messageArea();
    const act = (button, work) =>
      busy(button, rowMessage, async () => {
        await work();
        route();
      });
    const renameButton = h(
      "button",
      {
        type: "button",
        onclick: (e) => act(e.target, () => api.renameCollection(c.record, rename.input.value.trim())),
      },
      "Rename",
    );
    const attachButton = h(
      "button",
      { type: "button", onclick: (e) => act(e.target, () => api.attachSchema(c.record, schema.input.value.trim())) },
      "Attach schema",
    );
    return h(
      "li",
      { class: "card" },
      h("h2", {}, h("a", { href: `#/bins?c=${c.record}` }, c.collectionMeta.name)),
      h("p", { class: "mono" }, c.record, " · created ", formatTime(c.createdAt)),
      h("div", { class: "row" }, rename, renameButton),
      h(
        "div",
        { class: "row" },
        schema,
        attachButton,
        c.schemaDocId
          ? h(
              "button",
              { type: "button", onclick: (e) => act(e.target, () => api.detachSchema(c.record)) },
              "Detach schema",
            )
          : null,
      ),
      h(
        "button",
        { type: "button", class: "danger", onclick: (e) => act(e.target, () => api.deleteCollection(c.record)) },
        "Delete collection",
      ),
      rowMessage,
    );
  });
  const name = field("Name", { name: "name", maxlength: "32", required: true });
  const submit = h("button", { type: "submit" }, "Create collection");
  show(
    heading("Collections"),
    list.length ? h("ul", { class: "plain" }, items) : h("p", {}, "No collections yet."),
    h(
      "form",
      {
        class: "card",
        onsubmit: (event) => {
          event.preventDefault();
          busy(submit, message, async () => {
            await api.createCollection(name.input.value.trim());
            route();
          });
        },
      },
      h("h2", {}, "New collection"),
      name,
      submit,
      message,
    ),
  );
}

// ---- Schema docs: the API has no listing, so the console shows the ones collections use ----
async function schemasScreen(params) {
  const open = params.get("id");
  const collections = (await api.collections()).body;
  const known = [...new Set(collections.map((c) => c.schemaDocId).filter(Boolean))];
  const message = messageArea();
  const name = field("Name", { maxlength: "32", required: true });
  const text = field("JSON Schema", { multiline: true, rows: "8", class: "mono", spellcheck: "false" });
  text.input.value = '{\n  "type": "object",\n  "required": ["name"]\n}';
  const submit = h("button", { type: "submit" }, open ? "Save schema doc" : "Create schema doc");
  let editing = null;
  if (open) {
    try {
      editing = (await api.readSchema(open)).body;
      name.input.value = editing.metadata.name;
      text.input.value = JSON.stringify(editing.record, null, 2);
    } catch (err) {
      message.show(err.message);
    }
  }
  const idField = field("Schema doc id", { class: "mono", value: open ?? "" });
  show(
    heading("Schema docs"),
    known.length
      ? h(
          "ul",
          {},
          known.map((id) => h("li", {}, h("a", { href: `#/schemas?id=${id}`, class: "mono" }, id))),
        )
      : h("p", {}, "No collection uses a schema doc yet."),
    h(
      "form",
      {
        class: "card",
        onsubmit: (e) => {
          e.preventDefault();
          location.hash = `#/schemas?id=${idField.input.value.trim()}`;
        },
      },
      h("h2", {}, "Open a schema doc"),
      idField,
      h("button", { type: "submit" }, "Open"),
    ),
    h(
      "form",
      {
        class: "card",
        onsubmit: (event) => {
          event.preventDefault();
          busy(submit, message, async () => {
            if (editing) {
              if (name.input.value.trim() !== editing.metadata.name)
                await api.renameSchema(open, name.input.value.trim());
              await api.updateSchema(open, text.input.value);
              message.show("Saved.", "ok");
            } else {
              const res = await api.createSchema(name.input.value.trim(), text.input.value);
              message.show(`Created ${res.body.metadata.id}. Attach it to a collection under Collections.`, "ok");
            }
          });
        },
      },
      h("h2", {}, editing ? `Schema doc ${open}` : "New schema doc"),
      name,
      text,
      submit,
      message,
    ),
  );
}

// ---- Access keys ----
async function keysScreen() {
  const keys = (await api.accessKeys()).body;
  const message = messageArea();
  const name = field("Name", { maxlength: "32", required: true });
  const perms = ["create", "read", "update", "delete"].map((p) => [
    p,
    field(`May ${p} bins`, { type: "checkbox", name: p }),
  ]);
  const submit = h("button", { type: "submit" }, "Create access key");
  const created = h("div", { "aria-live": "polite" });
  const rows = keys.map((k) =>
    h(
      "tr",
      {},
      h("td", {}, k.metadata.name),
      h("td", { class: "mono" }, k.accessKeyId),
      h(
        "td",
        {},
        Object.entries(k.keyPermissions.bins)
          .filter(([, v]) => v)
          .map(([p]) => p)
          .join(", ") || "none",
      ),
      h(
        "td",
        {},
        h(
          "button",
          {
            type: "button",
            class: "danger",
            onclick: (e) =>
              busy(e.target, message, async () => {
                await api.deleteAccessKey(k.accessKeyId);
                route();
              }),
          },
          "Delete",
        ),
      ),
    ),
  );
  show(
    heading("Access keys"),
    keys.length
      ? h(
          "table",
          {},
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["Name", "Id", "Permissions", ""].map((t) => h("th", { scope: "col" }, t)),
            ),
          ),
          h("tbody", {}, rows),
        )
      : h("p", {}, "No access keys yet."),
    created,
    h(
      "form",
      {
        class: "card",
        onsubmit: (event) => {
          event.preventDefault();
          busy(submit, message, async () => {
            const bins = Object.fromEntries(perms.map(([p, f]) => [p, f.input.checked]));
            const res = await api.createAccessKey(name.input.value.trim(), bins);
            // Shown this once: the server keeps only its hash. Not stored by the console.
            created.replaceChildren(
              h(
                "div",
                { class: "card ok" },
                h("h2", {}, "New access key"),
                h("p", {}, "Copy it now: it is not shown again."),
                h("output", { class: "mono secret", id: "new-access-key" }, res.body.accessKey),
              ),
            );
            name.input.value = "";
          });
        },
      },
      h("h2", {}, "New access key"),
      name,
      h(
        "fieldset",
        {},
        h("legend", {}, "Permissions"),
        perms.map(([, f]) => f),
      ),
      submit,
      message,
    ),
  );
}

// ---- Usage ----
async function usageScreen() {
  const usage = (await api.usage()).body;
  show(
    heading("Usage"),
    h(
      "dl",
      { class: "card facts" },
      h("dt", {}, "Requests used"),
      h("dd", {}, String(usage.requests.used)),
      h("dt", {}, "Request quota"),
      h("dd", {}, usage.requests.limit === null ? "unlimited" : String(usage.requests.limit)),
      h("dt", {}, "Bins"),
      h("dd", {}, String(usage.bins)),
      h("dt", {}, "Storage"),
      h("dd", {}, formatBytes(usage.storageBytes)),
    ),
  );
}

// ---- Router ----
const screens = {
  bins: binsScreen,
  bin: (_params, id) => binScreen(api, id, { show, heading, back: () => (location.hash = "#/bins") }),
  collections: collectionsScreen,
  schemas: schemasScreen,
  keys: keysScreen,
  usage: usageScreen,
};

async function route() {
  if (!session.key) return signInScreen();
  nav.hidden = false;
  const [path, query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const [name, id] = path.split("/");
  const screen = screens[name] ?? binsScreen;
  for (const link of nav.querySelectorAll("a")) {
    link.toggleAttribute("aria-current", link.getAttribute("href") === `#/${name || "bins"}`);
  }
  try {
    await screen(new URLSearchParams(query), id);
  } catch (err) {
    // A rotated or deleted key: back to sign in, saying why.
    if (err.status === 401) {
      session.signOut();
      signInScreen();
    }
    const message = messageArea();
    main.append(message);
    message.show(err.message);
  }
}

/** Changing the hash re-renders through `hashchange`; the same hash re-renders here. */
function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

document.getElementById("sign-out").addEventListener("click", () => {
  session.signOut();
  navigate("#/");
});
window.addEventListener("hashchange", route);
route();
