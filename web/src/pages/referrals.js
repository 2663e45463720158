// Support referrals: the list every role sees as far as the API lets it, and the routes of the area.
import { useState } from "preact/hooks";
import { all } from "../api.js";
import { day } from "../format.js";
import { html } from "../html.js";
import { EVERYONE, PLATFORM_ADMIN, SCHOOL_USER } from "../roles.js";
import { href, navigate } from "../router.js";
import { Field, More, Page, Select, Status, Table, useLoad, usePages } from "../ui.js";
import { useAllianceNames } from "./alliance_names.js";
import { NewReferral } from "./referral_form.js";
import { ReferralPage } from "./referral_detail.js";
import { PRIORITIES, STATUSES, needLabel } from "./referral_words.js";

const FILTERS = ["status", "priority", "alliance_id", "region_id", "school_urn"];

function Filters({ me, query, alliances }) {
  const [urn, setUrn] = useState(query.school_urn || "");
  const regions = useLoad(() => (me.scope.role === PLATFORM_ADMIN ? all("/regions") : Promise.resolve([])));
  const set = (name, value) => {
    const next = new URLSearchParams(Object.entries(query).filter(([k, v]) => FILTERS.includes(k) && v));
    if (value) next.set(name, value); else next.delete(name);
    const text = next.toString();
    navigate(`/referrals${text ? `?${text}` : ""}`);
  };
  const school = me.scope.role === SCHOOL_USER;
  return html`<form class="filters panel" role="search" aria-label="Filter referrals"
      onSubmit=${(e) => { e.preventDefault(); set("school_urn", urn.trim()); }}>
    <${Select} label="Status" name="status" value=${query.status || ""} blank="Any status" options=${STATUSES}
      onInput=${(v) => set("status", v)} />
    <${Select} label="Priority" name="priority" value=${query.priority || ""} blank="Any priority" options=${PRIORITIES}
      onInput=${(v) => set("priority", v)} />
    ${!school && html`<${Select} label="Home alliance" name="alliance_id" value=${query.alliance_id || ""}
      blank="Any alliance" options=${alliances.map((a) => [a.id, a.name])} onInput=${(v) => set("alliance_id", v)} />`}
    ${(regions.data || []).length > 0 && html`<${Select} label="Region" name="region_id" value=${query.region_id || ""}
      blank="Any region" options=${regions.data.map((r) => [r.id, r.name])} onInput=${(v) => set("region_id", v)} />`}
    ${!school && html`<${Field} label="School URN" name="school_urn" value=${urn} onInput=${setUrn}
      inputmode="numeric" hint="6 digits; press Enter to filter" />`}
  </form>`;
}

function ReferralList({ me, query }) {
  const params = Object.fromEntries(FILTERS.map((k) => [k, query[k]]));
  const pages = usePages("/referrals", params);
  const { alliances, name } = useAllianceNames();
  const filtered = FILTERS.some((k) => query[k]);
  return html`<${Page} title="Referrals" actions=${html`<a class="button" href=${href("/referrals/new")}>Open a referral</a>`}>
    <p>${me.scope.role === SCHOOL_USER ? "Your school's requests for support."
      : "Referrals of schools for support, in the order they were opened, as far as your role may see them."}</p>
    <${Filters} me=${me} query=${query} alliances=${alliances} />
    <${Table} caption=${`Referrals${filtered ? " (filtered)" : ""}`} rows=${pages.items}
      empty=${pages.loading ? "" : "No referrals match."} columns=${[
        ["School", (r) => html`<a href=${href(`/referrals/${r.id}`)}>${r.school_name || r.school_urn}</a>
          <div class="muted">${r.need_areas.map(needLabel).join(", ")}</div>`],
        ["Status", (r) => html`<${Status} value=${r.status} />${r.overdue && html` <span class="status status-overdue">overdue</span>`}`],
        ["Home alliance", (r) => name(r.alliance_id)],
        ["Priority", (r) => html`<span class=${`priority priority-${r.priority}`}>${r.priority}</span>`],
        ["Received", (r) => day(r.received_on)],
        ["Match due", (r) => (["open", "shared"].includes(r.status) ? day(r.match_due_on) : "—")],
      ]} />
    <${More} pages=${pages} />
  </${Page}>`;
}

export const routes = [
  { path: "/referrals", title: "Referrals", roles: EVERYONE, view: ReferralList,
    nav: { label: "Referrals", hint: "Schools' requests for support, their matches and progress" } },
  { path: "/referrals/new", title: "Open a referral", roles: EVERYONE, view: NewReferral },
  { path: "/referrals/:id", title: "Referral", roles: EVERYONE, view: ReferralPage },
];
