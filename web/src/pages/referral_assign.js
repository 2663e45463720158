// Matching: the region's system leaders ranked for the referral, with the reasons; conflicts listed apart.
import { useState } from "preact/hooks";
import { get, post } from "../api.js";
import { html } from "../html.js";
import { Field, Loaded, Problem, useLoad, useSubmit } from "../ui.js";

function Candidate({ candidate, rank, chosen, onChoose, allianceName }) {
  const leader = candidate.system_leader;
  const id = `leader-${leader.id}`;
  return html`<li class=${`candidate${chosen ? " chosen" : ""}`}>
    <div class="choice">
      <input type="radio" name="leader" id=${id} value=${leader.id} checked=${chosen}
        onChange=${() => onChoose(leader.id)} aria-describedby=${`${id}-why`} />
      <label for=${id}><span class="rank">${rank}.</span> ${leader.name} (${leader.designation}), ${allianceName(leader.alliance_id)}
        <span class="score">score ${candidate.score} of 100</span></label>
    </div>
    <ul class="reasons" id=${`${id}-why`}>${candidate.reasons.map((r) => html`<li>${r}</li>`)}</ul>
  </li>`;
}

function Matches({ referral, matches, allianceName, onChanged }) {
  const [leaderId, setLeaderId] = useState("");
  const [days, setDays] = useState("2");
  const assign = useSubmit(async () => {
    const done = await post(`/referrals/${referral.id}/assign`, { system_leader_id: leaderId, days: Number(days) || days });
    onChanged(`${done.deployment?.system_leader_name || "The leader"} is assigned for ${done.deployment?.days} days${done.cross_alliance ? " (cross-alliance support)" : ""}.`);
    return done;
  });
  return html`<form onSubmit=${(e) => { e.preventDefault(); assign.submit(); }}>
    <${Problem} error=${assign.error} />
    ${matches.items.length
      ? html`<fieldset>
          <legend>Ranked system leaders (best match first)</legend>
          <ol class="candidates">${matches.items.map((c, i) => html`<${Candidate} key=${c.system_leader.id} candidate=${c}
            rank=${i + 1} chosen=${leaderId === c.system_leader.id} onChoose=${setLeaderId} allianceName=${allianceName} />`)}</ol>
        </fieldset>
        <${Field} type="number" label="Days to deploy" name="days" value=${days} onInput=${setDays} error=${assign.error}
          required min="1" hint="Days of the leader's time this academic year" />
        <button type="submit" disabled=${assign.busy || !leaderId}>${assign.busy ? "Assigning…" : "Assign the chosen leader"}</button>
        ${assign.error?.field?.("system_leader_id") && html`<p class="field-error">${assign.error.field("system_leader_id")}</p>`}`
      : html`<p class="empty">No system leader of the region is free of conflicts for this referral.</p>`}
    ${matches.excluded.length > 0 && html`<h4>Not eligible</h4>
      <ul class="excluded">${matches.excluded.map((c) => html`<li key=${c.system_leader.id}>
        <strong>${c.system_leader.name}</strong> (${c.system_leader.designation}), ${allianceName(c.system_leader.alliance_id)}:
        ${c.reasons.join("; ")}</li>`)}</ul>`}
  </form>`;
}

export function Assign({ referral, allianceName, onChanged }) {
  const [open, setOpen] = useState(false);
  const matches = useLoad(() => (open ? get(`/referrals/${referral.id}/matches`) : Promise.resolve(null)),
    [open, referral.id]);
  const heading = referral.deployments.length ? "Assign another system leader" : "Match a system leader";
  return html`<section class="panel" aria-labelledby="assign-h">
    <h2 id="assign-h">${heading}</h2>
    ${!open
      ? html`<button type="button" onClick=${() => setOpen(true)}>Find matching leaders</button>`
      : html`<${Loaded} state=${matches} what="Ranking the region's system leaders">${(found) => found && html`<${Matches}
          referral=${referral} matches=${found} allianceName=${allianceName}
          onChanged=${(message) => { setOpen(false); onChanged(message); }} />`}</${Loaded}>`}
  </section>`;
}
