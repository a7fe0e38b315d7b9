// One bin: its record as editable JSON, its settings, its version history with diff and restore.
import { busy, field, formatBytes, formatTime, h, messageArea } from "./dom.js";

/**
 * Live updates (§10.4) of the open bin. A browser's EventSource cannot send key headers, so only a
 * public bin is watched; a private one shows what it loaded. A change whose ETag the screen does not
 * show reloads it, unless the record is being edited: then a notice offers the reload, so nobody's
 * typing is thrown away. `ready` is compared too, since a reconnected stream replays nothing.
 */
function watchBin(id, { isPrivate, shownEtag, editing, notice, reload, gone }) {
  if (isPrivate || typeof EventSource === "undefined") return () => {};
  const source = new EventSource(`/v3/b/${encodeURIComponent(id)}/stream`);
  const changed = (event) => {
    const { etag, version } = JSON.parse(event.data);
    if (etag === shownEtag()) return;
    if (editing()) notice(version);
    else reload();
  };
  for (const name of ["ready", "update", "versions-deleted"]) source.addEventListener(name, changed);
  source.addEventListener("deleted", () => {
    source.close();
    gone();
  });
  // Turned private, or the key behind the stream went away: nothing more will come.
  source.addEventListener("closed", () => source.close());
  return () => source.close();
}

let stopWatching = () => {};

export async function binScreen(api, id, { show, heading, back }) {
  stopWatching();
  const [read, count] = await Promise.all([api.readBin(id), api.versionCount(id)]);
  const { record, metadata } = read.body;
  let etag = read.headers.get("ETag");
  const versionCount = count.body.metadata.versionCount;
  const reload = () => binScreen(api, id, { show, heading, back });

  // ---- The record ----
  const editor = field("Record (JSON)", { multiline: true, rows: "12", class: "mono", spellcheck: "false" });
  const loaded = JSON.stringify(record, null, 2);
  editor.input.value = loaded;
  const live = messageArea();
  stopWatching = watchBin(id, {
    isPrivate: metadata.private,
    shownEtag: () => etag,
    editing: () => editor.input.value !== loaded,
    notice: (version) => {
      live.show(`This bin changed elsewhere (now version ${version}). `, "info");
      live.append(h("button", { type: "button", onclick: reload }, "Reload"));
    },
    reload,
    gone: back,
  });
  const keepVersion = field("Keep the current record as a version", { type: "checkbox", checked: true });
  const saveMessage = messageArea();
  const save = h("button", { type: "submit" }, "Save");
  const editForm = h(
    "form",
    {
      class: "card",
      onsubmit: (event) => {
        event.preventDefault();
        busy(save, saveMessage, async () => {
          // If-Match: a write by someone else since this page loaded is refused, not overwritten.
          const res = await api.updateBin(id, editor.input.value, { versioned: keepVersion.input.checked, etag });
          etag = res.headers.get("ETag");
          const version = res.body.metadata.version;
          saveMessage.show(version ? `Saved as version ${version}.` : "Saved.", "ok");
          await reload();
        });
      },
    },
    h("h2", {}, "Record"),
    live,
    editor,
    keepVersion,
    save,
    saveMessage,
  );

  // ---- Settings ----
  const settingsMessage = messageArea();
  const name = field("Name", { value: metadata.name ?? "", maxlength: "128" });
  const renameButton = h("button", { type: "button" }, "Rename");
  renameButton.addEventListener("click", () =>
    busy(renameButton, settingsMessage, async () => {
      await api.renameBin(id, name.input.value.trim());
      await reload();
    }),
  );
  const privacyButton = h("button", { type: "button" }, metadata.private ? "Make public" : "Make private");
  privacyButton.addEventListener("click", () =>
    busy(privacyButton, settingsMessage, async () => {
      await api.setPrivacy(id, !metadata.private);
      await reload();
    }),
  );
  const deleteButton = h("button", { type: "button", class: "danger" }, "Delete bin");
  deleteButton.addEventListener("click", () => {
    if (!confirm(`Delete bin ${id} and all its versions?`)) return;
    busy(deleteButton, settingsMessage, async () => {
      await api.deleteBin(id);
      back();
    });
  });

  show(
    heading(metadata.name ?? "Unnamed bin"),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Id"),
      h("dd", { class: "mono" }, id),
      h("dt", {}, "Privacy"),
      h("dd", { id: "privacy" }, metadata.private ? "private" : "public"),
      metadata.collectionId ? [h("dt", {}, "Collection"), h("dd", { class: "mono" }, metadata.collectionId)] : null,
      h("dt", {}, "Created"),
      h("dd", {}, formatTime(metadata.createdAt)),
      h("dt", {}, "Versions"),
      h("dd", { id: "version-count" }, String(versionCount)),
    ),
    editForm,
    h(
      "section",
      { class: "card", "aria-labelledby": "settings" },
      h("h2", { id: "settings" }, "Settings"),
      h("div", { class: "row" }, name, renameButton),
      h("div", { class: "row" }, privacyButton, deleteButton),
      settingsMessage,
    ),
    await historySection(api, id, versionCount, reload),
  );
}

/** Newest first, ten a page; pick two records to diff, or restore one. */
async function historySection(api, id, latest, reload) {
  const message = messageArea();
  const list = h("tbody");
  const diffOutput = h("div", { id: "diff", "aria-live": "polite" });
  const from = field("From version", {
    type: "number",
    min: "0",
    max: String(latest),
    value: String(Math.max(0, latest - 1)),
  });
  const to = field("To version", { type: "number", min: "0", max: String(latest), value: String(latest) });
  const keepVersion = field("Restore as a new version", { type: "checkbox", checked: true });
  let before = null;
  const more = h("button", { type: "button", hidden: true }, "Older versions");

  async function loadPage() {
    const page = (await api.versions(id, before)).body;
    for (const v of page.versions) {
      const restore = h("button", { type: "button" }, `Restore ${v.version}`);
      restore.addEventListener("click", () =>
        busy(restore, message, async () => {
          await api.restore(id, v.version, keepVersion.input.checked);
          await reload();
        }),
      );
      const diffButton = h("button", { type: "button" }, "Diff with latest");
      diffButton.addEventListener("click", () => {
        from.input.value = String(v.version);
        to.input.value = String(latest);
        showDiff(diffButton);
      });
      list.append(
        h(
          "tr",
          {},
          h("th", { scope: "row" }, v.version === 0 ? "0 (base)" : String(v.version)),
          h("td", {}, formatTime(v.createdAt)),
          h("td", {}, formatBytes(v.size)),
          h("td", { class: "actions" }, diffButton, restore),
        ),
      );
    }
    before = page.metadata.nextBefore;
    more.hidden = before === null;
  }
  more.addEventListener("click", () => busy(more, message, loadPage));

  async function showDiff(button) {
    await busy(button, message, async () => {
      const res = (await api.diff(id, from.input.value, to.input.value)).body;
      diffOutput.replaceChildren(renderPatch(res));
    });
  }
  const diffButton = h("button", { type: "submit" }, "Show diff");
  await loadPage();
  return h(
    "section",
    { class: "card", "aria-labelledby": "history" },
    h("h2", { id: "history" }, "Versions"),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Version", "Written", "Size", ""].map((t) => h("th", { scope: "col" }, t)),
        ),
      ),
      list,
    ),
    more,
    keepVersion,
    h(
      "form",
      {
        class: "row",
        onsubmit: (event) => {
          event.preventDefault();
          showDiff(diffButton);
        },
      },
      from,
      to,
      diffButton,
    ),
    message,
    diffOutput,
  );
}

const OP_LABEL = { add: "added", remove: "removed", replace: "changed" };

/** Inline: one line per RFC 6902 operation, labelled in words as well as colour. */
function renderPatch({ from, to, patch }) {
  const title = h("h3", {}, `Changes from version ${from} to version ${to}`);
  if (patch.length === 0) return h("div", {}, title, h("p", {}, "The two records are the same."));
  return h(
    "div",
    {},
    title,
    h(
      "ol",
      { class: "patch" },
      patch.map((op) =>
        h(
          "li",
          { class: `op ${op.op}` },
          h("span", { class: "op-name" }, OP_LABEL[op.op]),
          " ",
          h("code", {}, op.path || "(whole record)"),
          "value" in op ? h("pre", { class: "mono" }, JSON.stringify(op.value, null, 2)) : null,
        ),
      ),
    ),
  );
}
