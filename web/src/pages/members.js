// The alliance's member schools: tiers and MoUs; its admins invite schools, change tiers, end memberships.
import { useState } from "preact/hooks";
import { del, patch, post } from "../api.js";
import { html } from "../html.js";
import { day, label, money } from "../format.js";
import { ALLIANCE, ALLIANCE_ADMIN } from "../roles.js";
import { Field, More, Notice, Page, Problem, Select, Status, Table, usePages, useSubmit } from "../ui.js";

const TIERS = [["lead", "Lead school"], ["strategic_partner", "Strategic partner"], ["partner", "Partner"],
  ["associate", "Associate"]];
const tierName = (tier) => TIERS.find(([t]) => t === tier)?.[1] || label(tier);
const STATUSES = [["active", "Members"], ["pending", "Invited, not yet accepted"], ["ended", "Ended"],
  ["declined", "Declined"], ["", "Every status"]];

function Invite({ alliance, done }) {
  const [form, setForm] = useState({ school_urn: "", tier: "partner", mou_signed_on: "", mou_version: "" });
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const invite = useSubmit(async () => {
    const made = await post(`/alliances/${alliance}/members`, {
      school_urn: form.school_urn.trim(), tier: form.tier, mou_signed_on: form.mou_signed_on || null,
      mou_version: form.mou_version || null,
    }, { idempotent: true });
    setForm({ school_urn: "", tier: "partner", mou_signed_on: "", mou_version: "" });
    done(`${made.school_name} is ${made.status === "pending" ? "invited: the membership starts when the school accepts" : "a member"}.`);
    return made;
  });
  return html`<details class="panel">
    <summary>Invite a school</summary>
    <form class="narrow" onSubmit=${(e) => { e.preventDefault(); invite.submit(); }} novalidate>
      <${Problem} error=${invite.error} />
      <${Field} label="School URN" name="school_urn" value=${form.school_urn} onInput=${set("school_urn")}
        hint="The school's 6-digit unique reference number." inputmode="numeric" error=${invite.error} required />
      <${Select} label="Tier" name="tier" value=${form.tier} onInput=${set("tier")} options=${TIERS} error=${invite.error} />
      <${Field} label="MoU signed on" name="mou_signed_on" type="date" value=${form.mou_signed_on}
        onInput=${set("mou_signed_on")} error=${invite.error} />
      <${Field} label="MoU version" name="mou_version" value=${form.mou_version} onInput=${set("mou_version")}
        error=${invite.error} />
      <button type="submit" disabled=${invite.busy}>${invite.busy ? "Inviting…" : "Invite"}</button>
    </form>
  </details>`;
}

function MemberActions({ member, alliance, done }) {
  const [mode, setMode] = useState(null);
  const [tier, setTier] = useState(member.tier);
  const change = useSubmit(async () => {
    const saved = await patch(`/alliances/${alliance}/members/${member.school_urn}`, { tier });
    setMode(null);
    done(`${member.school_name} is now ${tierName(saved.tier).toLowerCase()}.`);
  });
  const end = useSubmit(async () => {
    await del(`/alliances/${alliance}/members/${member.school_urn}`);
    setMode(null);
    done(`${member.school_name}: ${member.status === "pending" ? "invitation withdrawn" : "membership ended"}.`);
  });
  if (!["active", "pending"].includes(member.status)) return "—";
  const ending = member.status === "pending" ? "Withdraw the invitation" : "End membership";
  if (mode === "tier") {
    return html`<form onSubmit=${(e) => { e.preventDefault(); change.submit(); }}>
      <${Problem} error=${change.error} />
      <${Select} label=${`New tier for ${member.school_name}`} name="tier" value=${tier} onInput=${setTier}
        options=${TIERS} error=${change.error} />
      <div class="actions"><button type="submit" disabled=${change.busy}>Save tier</button>
        <button type="button" class="secondary" onClick=${() => setMode(null)}>Back</button></div>
    </form>`;
  }
  if (mode === "end") {
    return html`<div class="notice notice-warn" role="group" aria-label=${`${ending}: ${member.school_name}`}>
      <${Problem} error=${end.error} />
      <p>${member.status === "pending" ? `Withdraw the invitation to ${member.school_name}?`
        : `End ${member.school_name}'s membership? Its later bookings pay the non-member price, and it no longer sees
          courses offered to members only.`}</p>
      <div class="actions">
        <button type="button" class="danger" onClick=${() => end.submit()} disabled=${end.busy}>Yes, ${ending.toLowerCase()}</button>
        <button type="button" class="secondary" onClick=${() => setMode(null)}>No, keep it</button>
      </div>
    </div>`;
  }
  return html`<div class="actions">
    ${member.status === "active" && html`<button type="button" class="secondary" onClick=${() => setMode("tier")}>
      Change tier<span class="visually-hidden"> of ${member.school_name}</span></button>`}
    <button type="button" class="secondary" onClick=${() => setMode("end")}>
      ${ending}<span class="visually-hidden">: ${member.school_name}</span></button>
  </div>`;
}

function Members({ me }) {
  const alliance = me.scope.alliance_id;
  const admin = me.scope.role === ALLIANCE_ADMIN;
  const [status, setStatus] = useState("active");
  const [notice, setNotice] = useState(null);
  const pages = usePages(`/alliances/${alliance}/members`, { status });
  const done = (message) => { setNotice(message); pages.reload(); };
  const columns = [
    ["School", (m) => html`<strong>${m.school_name}</strong><br /><small>URN ${m.school_urn}</small>`],
    ["Tier", (m) => tierName(m.tier)],
    ["Status", (m) => html`<${Status} value=${m.status} />`],
    ["Joined", (m) => (m.status === "pending" ? "—" : day(m.joined_on))],
    ["MoU signed", (m) => (m.mou_signed_on ? `${day(m.mou_signed_on)}${m.mou_version ? ` (v${m.mou_version})` : ""}` : "Not recorded")],
    ["Subscription", (m) => (m.subscription_pence === null ? "—"
      : `${money(m.subscription_pence)}${m.paid_until ? `, paid until ${day(m.paid_until)}` : ""}`)],
    ["Ended", (m) => day(m.ended_on)],
  ];
  if (admin) columns.push(["Manage", (m) => html`<${MemberActions} member=${m} alliance=${alliance} done=${done} />`]);
  return html`<${Page} title="Members">
    <p>Your alliance's member schools, their tiers and memoranda of understanding (MoU).
      ${!admin && " Your alliance's admins invite schools and change tiers."}</p>
    ${notice && html`<${Notice}>${notice}</${Notice}>`}
    ${admin && html`<${Invite} alliance=${alliance} done=${done} />`}
    <div class="filters">
      <${Select} label="Show" name="member-status" value=${status} onInput=${setStatus} options=${STATUSES} />
    </div>
    <${Table} caption="Member schools" rows=${pages.items.map((m) => ({ ...m, id: m.id || m.school_urn }))}
      columns=${columns} empty="No schools with this status." />
    <${More} pages=${pages} />
  </${Page}>`;
}

export const routes = [
  { path: "/members", title: "Members", roles: ALLIANCE, view: Members,
    nav: { label: "Members", hint: "Member schools, tiers and MoUs" } },
];
