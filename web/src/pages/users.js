// The users the caller manages (GET /users: all for the platform admin, its alliance's for an alliance
// admin), creating one, and deactivating one after an inline confirm.
import { useEffect, useRef, useState } from "preact/hooks";
import { all, get, post } from "../api.js";
import { day } from "../format.js";
import { html } from "../html.js";
import { ALLIANCE_ADMIN, PLATFORM_ADMIN, ROLE_NAMES } from "../roles.js";
import { Loaded, More, Notice, Page, Problem, Select, Status, Table, useLoad, usePages, useSubmit } from "../ui.js";
import { NewUser } from "./user_form.js";

// Names for the ids a user row carries: every region and alliance for the admin, its own for an alliance admin.
async function loadNames(me) {
  let regions = [];
  let alliances = [];
  if (me.scope.role === PLATFORM_ADMIN) {
    [regions, alliances] = await Promise.all([all("/regions"), all("/alliances")]);
  } else if (me.scope.alliance_id) {
    alliances = [await get(`/alliances/${me.scope.alliance_id}`)];
  }
  return {
    regions, alliances,
    region: Object.fromEntries(regions.map((r) => [r.id, r.name])),
    alliance: Object.fromEntries(alliances.map((a) => [a.id, a.name])),
  };
}

function scopeText(user, names) {
  if (user.alliance_id) return names.alliance[user.alliance_id] || "An alliance";
  if (user.school_urn) return `School URN ${user.school_urn}`;
  if (user.region_id) return names.region[user.region_id] || "A region";
  return "The whole platform";
}

function ConfirmDeactivate({ user, action, onCancel }) {
  const yes = useRef(null);
  useEffect(() => yes.current?.focus(), []);
  return html`<div class="confirm" role="group" aria-label=${`Deactivate ${user.name}?`}>
    <p><strong>Deactivate ${user.name}?</strong> They can no longer sign in, and their sessions end within a minute.
      The app cannot reactivate an account.</p>
    <div class="actions">
      <button type="button" class="danger" ref=${yes} disabled=${action.busy} onClick=${() => action.submit(user)}>
        ${action.busy ? "Deactivating…" : "Yes, deactivate"}</button>
      <button type="button" class="secondary" onClick=${onCancel}>Keep ${user.name}</button>
    </div>
  </div>`;
}

const ROLE_FILTER = Object.entries(ROLE_NAMES);
const STATE_FILTER = [["true", "Active"], ["false", "Deactivated"]];

function UserList({ me, names, version }) {
  const [role, setRole] = useState("");
  const [active, setActive] = useState("");
  const pages = usePages("/users", { role, active });
  const first = useRef(true);
  useEffect(() => { if (first.current) first.current = false; else pages.reload(); }, [version]);
  const [confirming, setConfirming] = useState(null);
  const deactivate = useSubmit(async (user) => {
    const done = await post(`/users/${user.id}/deactivate`);
    setConfirming(null);
    pages.reload();
    return done;
  });
  const canManage = (u) => u.active && u.id !== me.user.id;
  const action = (u) => {
    if (u.id === me.user.id) return html`<span class="hint">You</span>`;
    if (!canManage(u)) return null;
    if (confirming?.id === u.id) {
      return html`<${ConfirmDeactivate} user=${u} action=${deactivate} onCancel=${() => setConfirming(null)} />`;
    }
    return html`<button type="button" class="secondary" onClick=${() => { deactivate.reset(); setConfirming(u); }}>
      Deactivate<span class="visually-hidden"> ${u.name}</span></button>`;
  };
  const roleOptions = me.scope.role === PLATFORM_ADMIN ? ROLE_FILTER
    : ROLE_FILTER.filter(([r]) => r === ALLIANCE_ADMIN || r === "alliance_staff");
  return html`
    <div class="filters">
      <${Select} label="Show role" name="filter-role" value=${role} onInput=${setRole} blank="All roles" options=${roleOptions} />
      <${Select} label="Show status" name="filter-active" value=${active} onInput=${setActive} blank="Active and deactivated"
        options=${STATE_FILTER} />
    </div>
    <${Problem} error=${deactivate.error} />
    ${deactivate.done && html`<${Notice}>${deactivate.done.name} is deactivated.</${Notice}>`}
    ${pages.loading && !pages.items.length ? null : html`<${Table} caption="Users" rows=${pages.items}
      empty="No users match." columns=${[
        ["Name", (u) => u.name],
        ["Email", (u) => html`<span class="break">${u.email}</span>`],
        ["Role", (u) => ROLE_NAMES[u.role] || u.role],
        ["Scope", (u) => scopeText(u, names)],
        ["Since", (u) => day(u.created_at)],
        ["Status", (u) => html`<${Status} value=${u.active ? "active" : "deactivated"} />`],
        ["Action", action],
      ]} />`}
    <${More} pages=${pages} />
  `;
}

function Users({ me }) {
  const names = useLoad(() => loadNames(me), [me.user.id]);
  const [version, setVersion] = useState(0);
  const intro = me.scope.role === PLATFORM_ADMIN ? "Every user of the platform."
    : "The admins and staff of your alliance.";
  return html`<${Page} title="Users">
    <p>${intro}</p>
    <${Loaded} state=${names} what="Loading users">${(known) => html`
      <${UserList} version=${version} me=${me} names=${known} />
      <${NewUser} me=${me} names=${known} onCreated=${() => setVersion((v) => v + 1)} />`}</${Loaded}>
  </${Page}>`;
}

export const routes = [
  { path: "/users", title: "Users", roles: [PLATFORM_ADMIN, ALLIANCE_ADMIN], view: Users,
    nav: { label: "Users", hint: "Who can sign in: create users, deactivate them" } },
];
