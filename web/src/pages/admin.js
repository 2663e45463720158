// The platform admin's pages: regions here; alliances, users, parked events and the audit log in their own modules.
import { useState } from "preact/hooks";
import { post } from "../api.js";
import { day } from "../format.js";
import { html } from "../html.js";
import { PLATFORM_ADMIN } from "../roles.js";
import { Field, More, Notice, Page, Problem, Table, usePages, useSubmit } from "../ui.js";
import { routes as alliances } from "./alliances.js";
import { routes as audit } from "./audit.js";
import { routes as parked } from "./parked.js";
import { routes as users } from "./users.js";

function NewRegion({ onCreated }) {
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  const create = useSubmit(async () => {
    const region = await post("/regions", { name, code }, { idempotent: true });
    setName("");
    setCode("");
    onCreated();
    return region;
  });
  return html`<form class="panel narrow" aria-labelledby="new-region" novalidate
      onSubmit=${(e) => { e.preventDefault(); create.submit(); }}>
    <h2 id="new-region">New region</h2>
    <${Problem} error=${create.error} />
    ${create.done && html`<${Notice}>Region ${create.done.name} (${create.done.code}) created.</${Notice}>`}
    <${Field} label="Name" name="name" required value=${name} onInput=${setName} error=${create.error} />
    <${Field} label="Code" name="code" required value=${code} onInput=${(v) => setCode(v.toUpperCase())}
      hint="2 to 16 capital letters, digits, - or _ (for example EMSYH)." error=${create.error} />
    <button type="submit" disabled=${create.busy}>${create.busy ? "Creating…" : "Create region"}</button>
  </form>`;
}

function Regions() {
  const pages = usePages("/regions");
  return html`<${Page} title="Regions">
    <p>Every region of the platform. Coordinators, alliances and hubs each belong to one region.</p>
    ${pages.loading && !pages.items.length ? null : html`<${Table} caption="Regions" rows=${pages.items}
      empty="No regions yet." columns=${[
        ["Name", (r) => r.name],
        ["Code", (r) => html`<code>${r.code}</code>`],
        ["Created", (r) => day(r.created_at)],
      ]} />`}
    <${More} pages=${pages} />
    <${NewRegion} onCreated=${pages.reload} />
  </${Page}>`;
}

export const routes = [
  { path: "/admin/regions", title: "Regions", roles: [PLATFORM_ADMIN], view: Regions,
    nav: { label: "Regions", hint: "See and create the platform's regions" } },
  ...alliances,
  ...users,
  ...parked,
  ...audit,
];
