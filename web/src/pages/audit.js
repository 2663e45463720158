// A service's audit log (GET /ops/audit-log): who wrote what, when, in which request, newest first.
import { useState } from "preact/hooks";
import { label, when } from "../format.js";
import { html } from "../html.js";
import { PLATFORM_ADMIN, ROLE_NAMES } from "../roles.js";
import { More, Page, Select, Table, usePages } from "../ui.js";

// The services behind the gateway (services/registry.py); each keeps its own audit log.
const SERVICES = ["membership", "courses", "support", "notifications"].map((s) => [s, label(s)]);
const shown = (value) => (value === null || value === undefined ? "none" : String(value));

function Changes({ entry }) {
  const fields = Object.entries(entry.changes || {});
  if (!fields.length) return html`<span class="hint">—</span>`;
  return html`<ul class="changes">${fields.map(([field, { before, after }]) => html`<li>
    ${label(field)}: ${shown(before)} → ${shown(after)}</li>`)}</ul>`;
}

function AuditLog() {
  const [service, setService] = useState("membership");
  const pages = usePages("/ops/audit-log", { service });
  return html`<${Page} title="Audit log">
    <p>Every change made through the API, kept by the service that owns it: who made it, when, in which
      request, and what changed in roles, memberships and prices.</p>
    <div class="filters">
      <${Select} label="Service" name="service" value=${service} onInput=${setService} options=${SERVICES} />
    </div>
    ${pages.loading && !pages.items.length ? null : html`<${Table} caption=${`Audit log of ${service}`}
      rows=${pages.items} empty="Nothing recorded yet." columns=${[
        ["When", (e) => when(e.at)],
        ["Who", (e) => html`${ROLE_NAMES[e.actor_role] || e.actor_role}
          <span class="hint break">${e.actor_id}</span>`],
        ["Action", (e) => html`<code>${e.action}</code>`],
        ["Subject", (e) => html`${label(e.subject_type)} <span class="break">${e.subject_id || ""}</span>`],
        ["Changes", (e) => html`<${Changes} entry=${e} />`],
        ["Request", (e) => html`<code class="break">${e.request_id || "—"}</code>`],
      ]} />`}
    <${More} pages=${pages} />
  </${Page}>`;
}

export const routes = [
  { path: "/admin/audit-log", title: "Audit log", roles: [PLATFORM_ADMIN], view: AuditLog,
    nav: { label: "Audit log", hint: "Who changed what, when, in which request" } },
];
