// The region's system leaders (NLE, LLE, SLE); the home alliance designates them and keeps their details.
import { useState } from "preact/hooks";
import { all } from "../api.js";
import { html } from "../html.js";
import { label } from "../format.js";
import { ALLIANCE } from "../roles.js";
import { More, Notice, Page, Select, Status, Table, useLoad, usePages } from "../ui.js";
import { Designate, EditLeader, SPECIALISMS } from "./leader_form.js";

function Leaders({ me }) {
  const own = me.scope.alliance_id;
  const [specialism, setSpecialism] = useState("");
  const [whose, setWhose] = useState("");
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState(null);
  const pages = usePages("/system-leaders", { specialism, alliance_id: whose });
  const alliances = useLoad(() => all("/alliances"));
  const names = Object.fromEntries((alliances.data || []).map((a) => [a.id, a.name]));
  const done = (message) => { setNotice(message); setEditing(null); pages.reload(); };
  return html`<${Page} title="System leaders">
    <p>System leaders of your region: your alliance designates its own and keeps their details.</p>
    ${notice && html`<${Notice}>${notice}</${Notice}>`}
    <${Designate} alliance=${own} done=${done} />
    ${editing && html`<${EditLeader} key=${editing.id} leader=${editing} done=${done} close=${() => setEditing(null)} />`}
    <div class="filters">
      <${Select} label="Specialism" name="specialism" value=${specialism} onInput=${setSpecialism} blank="Any specialism"
        options=${Object.entries(SPECIALISMS)} />
      <${Select} label="Alliance" name="leader-alliance" value=${whose} onInput=${setWhose} blank="Every alliance"
        options=${(alliances.data || []).map((a) => [a.id, a.name])} />
    </div>
    <${Table} caption="System leaders" rows=${pages.items} empty="No system leaders match." columns=${[
      ["Name", (l) => html`<strong>${l.name}</strong><br /><small>${l.email}</small>`],
      ["Designation", (l) => l.designation],
      ["Alliance", (l) => names[l.alliance_id] || "—"],
      ["School", (l) => l.school_urn],
      ["Specialisms", (l) => l.specialisms.map((s) => SPECIALISMS[s] || label(s)).join(", ")],
      ["Phases", (l) => l.phases.map(label).join(", ") || "—"],
      ["Days a term", (l) => l.days_available],
      ["Status", (l) => html`<${Status} value=${l.status} />`],
      ["", (l) => (l.alliance_id === own ? html`<button type="button" class="secondary" onClick=${() => setEditing(l)}>
        Change<span class="visually-hidden"> ${l.name}'s details</span></button>` : "")],
    ]} />
    <${More} pages=${pages} />
  </${Page}>`;
}

export const routes = [
  { path: "/system-leaders", title: "System leaders", roles: ALLIANCE, view: Leaders,
    nav: { label: "System leaders", hint: "NLEs, LLEs and SLEs of the region" } },
];
