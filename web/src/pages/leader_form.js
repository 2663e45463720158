// Designating a system leader of the alliance, and changing one's details (their home alliance only).
import { useState } from "preact/hooks";
import { all, patch, post } from "../api.js";
import { html } from "../html.js";
import { label } from "../format.js";
import { Field, Loaded, Problem, Select, useLoad, useSubmit } from "../ui.js";

export const SPECIALISMS = {
  leadership: "Leadership", school_improvement: "School improvement", governance: "Governance",
  curriculum: "Curriculum", assessment: "Assessment", maths: "Mathematics", english: "English", reading: "Reading",
  phonics: "Phonics", science: "Science", computing: "Computing", mfl: "Modern foreign languages",
  humanities: "Humanities", arts: "The arts", pe: "Physical education", early_years: "Early years",
  send: "Special educational needs and disabilities (SEND)", inclusion: "Inclusion",
  pupil_premium: "Disadvantaged pupils (pupil premium)", behaviour: "Behaviour", attendance: "Attendance",
  safeguarding: "Safeguarding", wellbeing: "Wellbeing and mental health",
  itt_mentoring: "Mentoring trainee and early career teachers",
};
const PHASES = ["nursery", "primary", "middle", "secondary", "all_through", "special", "alternative_provision", "post_16"];
const DESIGNATIONS = [["NLE", "National leader of education (NLE)"], ["LLE", "Local leader of education (LLE)"],
  ["SLE", "Specialist leader of education (SLE)"]];

// A group of checkboxes for a list field, with the field's error.
function Checks({ legend, name, choices, chosen, setChosen, error }) {
  const message = error?.field?.(name);
  const toggle = (value) => setChosen(chosen.includes(value) ? chosen.filter((v) => v !== value) : [...chosen, value]);
  return html`<fieldset aria-describedby=${message ? `${name}-error` : undefined}>
    <legend>${legend}</legend>
    ${message && html`<p class="field-error" id=${`${name}-error`}>${message}</p>`}
    <div class="checks">${choices.map(([value, text]) => html`<div class="field inline" key=${value}>
      <input type="checkbox" id=${`${name}-${value}`} checked=${chosen.includes(value)} onChange=${() => toggle(value)} />
      <label for=${`${name}-${value}`}>${text}</label></div>`)}</div>
  </fieldset>`;
}

const SPECIALISM_CHOICES = Object.entries(SPECIALISMS);
const PHASE_CHOICES = PHASES.map((p) => [p, label(p)]);

export function Designate({ alliance, done }) {
  const members = useLoad(() => all(`/alliances/${alliance}/members`, { status: "active" }), [alliance]);
  const blank = { name: "", email: "", designation: "SLE", school_urn: "", days: "5", specialisms: [], phases: [] };
  const [form, setForm] = useState(blank);
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const save = useSubmit(async () => {
    const leader = await post("/system-leaders", {
      name: form.name, email: form.email, designation: form.designation, school_urn: form.school_urn,
      alliance_id: alliance, specialisms: form.specialisms, phases: form.phases,
      days_available: form.days === "" ? null : Number(form.days),
    }, { idempotent: true });
    setForm(blank);
    done(`${leader.name} is designated ${leader.designation}.`);
    return leader;
  });
  return html`<details class="panel">
    <summary>Designate a system leader</summary>
    <${Loaded} state=${members} what="Loading your member schools">${(schools) => html`
      <form onSubmit=${(e) => { e.preventDefault(); save.submit(); }} novalidate>
        <${Problem} error=${save.error} />
        <${Field} label="Name" name="name" value=${form.name} onInput=${set("name")} error=${save.error} required />
        <${Field} label="Email" name="email" type="email" value=${form.email} onInput=${set("email")} error=${save.error} required />
        <${Select} label="Designation" name="designation" value=${form.designation} onInput=${set("designation")}
          options=${DESIGNATIONS} error=${save.error} />
        <${Select} label="School (a member of your alliance)" name="school_urn" value=${form.school_urn}
          onInput=${set("school_urn")} blank="Choose a school" error=${save.error}
          options=${schools.map((m) => [m.school_urn, `${m.school_name} (${m.school_urn})`])} />
        <${Field} label="Days available a term" name="days_available" type="number" min="0" value=${form.days}
          onInput=${set("days")} error=${save.error} required />
        <${Checks} legend="Specialisms" name="specialisms" choices=${SPECIALISM_CHOICES} chosen=${form.specialisms}
          setChosen=${set("specialisms")} error=${save.error} />
        <${Checks} legend="Phases" name="phases" choices=${PHASE_CHOICES} chosen=${form.phases}
          setChosen=${set("phases")} error=${save.error} />
        <button type="submit" disabled=${save.busy}>${save.busy ? "Saving…" : "Designate"}</button>
      </form>`}
    </${Loaded}>
  </details>`;
}

export function EditLeader({ leader, done, close }) {
  const [form, setForm] = useState({ days: String(leader.days_available), status: leader.status,
    specialisms: leader.specialisms, phases: leader.phases });
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const save = useSubmit(async () => {
    const saved = await patch(`/system-leaders/${leader.id}`, {
      days_available: form.days === "" ? null : Number(form.days), status: form.status,
      specialisms: form.specialisms, phases: form.phases,
    });
    done(`${saved.name}'s details are saved.`);
    return saved;
  });
  return html`<form class="panel" onSubmit=${(e) => { e.preventDefault(); save.submit(); }} novalidate
    aria-label=${`Change ${leader.name}'s details`}>
    <h2>Change ${leader.name}'s details</h2>
    <${Problem} error=${save.error} />
    <${Field} label="Days available a term" name="days_available" type="number" min="0" value=${form.days}
      onInput=${set("days")} error=${save.error} />
    <${Select} label="Status" name="status" value=${form.status} onInput=${set("status")} error=${save.error}
      options=${[["active", "Active: offered for support"], ["inactive", "Inactive: not offered"]]} />
    <${Checks} legend="Specialisms" name="specialisms" choices=${SPECIALISM_CHOICES} chosen=${form.specialisms}
      setChosen=${set("specialisms")} error=${save.error} />
    <${Checks} legend="Phases" name="phases" choices=${PHASE_CHOICES} chosen=${form.phases}
      setChosen=${set("phases")} error=${save.error} />
    <div class="actions"><button type="submit" disabled=${save.busy}>Save</button>
      <button type="button" class="secondary" onClick=${close}>Back</button></div>
  </form>`;
}
