// The alliances and hubs of a region: the platform admin picks the region, a coordinator has its own.
// Both may create them and change their name, kind and lead school (POST and PATCH /alliances), so the page
// is theirs (REGION); an alliance admin may rename its own alliance, but not from this page.
import { useEffect, useRef, useState } from "preact/hooks";
import { all, patch, post } from "../api.js";
import { html } from "../html.js";
import { PLATFORM_ADMIN, REGION } from "../roles.js";
import { navigate } from "../router.js";
import { Field, Loaded, More, Notice, Page, Problem, Select, Table, useLoad, usePages, useSubmit } from "../ui.js";

const KINDS = [["teaching_school_alliance", "Teaching school alliance"], ["teaching_school_hub", "Teaching school hub"]];

function AllianceForm({ alliance, regionId, onDone, onCancel }) {
  const [name, setName] = useState(alliance?.name ?? "");
  const [kind, setKind] = useState(alliance?.kind ?? KINDS[0][0]);
  const [lead, setLead] = useState(alliance?.lead_school_urn ?? "");
  const save = useSubmit(async () => {
    let saved;
    if (alliance) {
      const changes = {};
      if (name !== alliance.name) changes.name = name;
      if (kind !== alliance.kind) changes.kind = kind;
      if ((lead || null) !== (alliance.lead_school_urn || null)) changes.lead_school_urn = lead || null;
      saved = Object.keys(changes).length ? await patch(`/alliances/${alliance.id}`, changes) : alliance;
    } else {
      saved = await post("/alliances", { name, region_id: regionId, kind, lead_school_urn: lead || null },
        { idempotent: true });
      setName("");
      setLead("");
    }
    onDone(saved);
    return saved;
  });
  const heading = useRef(null);
  useEffect(() => { if (alliance) heading.current?.focus(); }, []);
  const title = alliance ? `Change ${alliance.name}` : "New alliance or hub";
  const id = alliance ? `edit-${alliance.id}` : "new-alliance";
  return html`<form class="panel narrow" aria-labelledby=${id} novalidate
      onSubmit=${(e) => { e.preventDefault(); save.submit(); }}>
    <h2 id=${id} tabindex="-1" ref=${heading}>${title}</h2>
    <${Problem} error=${save.error} />
    ${!alliance && save.done && html`<${Notice}>${save.done.name} created.</${Notice}>`}
    <${Field} label="Name" name="name" required value=${name} onInput=${setName} error=${save.error} />
    <${Select} label="Kind" name="kind" value=${kind} onInput=${setKind} options=${KINDS} error=${save.error} />
    <${Field} label="Lead school URN" name="lead_school_urn" value=${lead} onInput=${setLead} error=${save.error}
      inputmode="numeric" hint="The 6-digit URN of its lead school; leave empty for none." />
    <div class="actions">
      <button type="submit" disabled=${save.busy}>${save.busy ? "Saving…" : alliance ? "Save changes" : "Create"}</button>
      ${onCancel && html`<button type="button" class="secondary" onClick=${onCancel}>Cancel</button>`}
    </div>
  </form>`;
}

function RegionAlliances({ regionId }) {
  const pages = usePages("/alliances", { region_id: regionId });
  const [editing, setEditing] = useState(null);
  const [changed, setChanged] = useState(null);
  const edited = (saved) => { setEditing(null); setChanged(saved); pages.reload(); };
  return html`
    ${changed && html`<${Notice}>${changed.name} saved.</${Notice}>`}
    ${pages.loading && !pages.items.length ? null : html`<${Table} caption="Alliances and hubs" rows=${pages.items}
      empty="No alliances or hubs in this region yet." columns=${[
        ["Name", (a) => a.name],
        ["Kind", (a) => a.kind_label],
        ["Lead school URN", (a) => a.lead_school_urn || "—"],
        ["", (a) => html`<button type="button" class="secondary" onClick=${() => { setChanged(null); setEditing(a); }}>
          Change<span class="visually-hidden"> ${a.name}</span></button>`],
      ]} />`}
    <${More} pages=${pages} />
    ${editing && html`<${AllianceForm} key=${editing.id} alliance=${editing} onDone=${edited}
      onCancel=${() => setEditing(null)} />`}
    <${AllianceForm} key=${`new-${regionId}`} regionId=${regionId} onDone=${() => pages.reload()} />`;
}

function Alliances({ me, query }) {
  const isAdmin = me.scope.role === PLATFORM_ADMIN;
  const regions = useLoad(() => (isAdmin ? all("/regions") : Promise.resolve([])), [isAdmin]);
  return html`<${Page} title="Alliances and hubs">
    ${isAdmin ? html`<${Loaded} state=${regions} what="Loading regions">${(list) => {
      if (!list.length) return html`<p class="empty">No regions yet: create one on the Regions page first.</p>`;
      const regionId = list.some((r) => r.id === query.region_id) ? query.region_id : list[0].id;
      return html`<div class="filters">
          <${Select} label="Region" name="region_id" value=${regionId} options=${list.map((r) => [r.id, r.name])}
            onInput=${(v) => navigate(`/alliances?region_id=${encodeURIComponent(v)}`)} />
        </div>
        <${RegionAlliances} key=${regionId} regionId=${regionId} />`;
    }}</${Loaded}>` : html`<p>The alliances and hubs of your region.</p>
      <${RegionAlliances} regionId=${me.scope.region_id} />`}
  </${Page}>`;
}

export const routes = [
  { path: "/alliances", title: "Alliances and hubs", roles: REGION, view: Alliances,
    nav: { label: "Alliances", hint: "The region's alliances and hubs: create them, change them" } },
];
