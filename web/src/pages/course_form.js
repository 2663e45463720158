// Drafting a course with its sessions, and editing it afterwards (sessions are fixed once drafted).
import { useState } from "preact/hooks";
import { get, patch, post } from "../api.js";
import { html } from "../html.js";
import { isoToLondonInput, label, londonInputToIso, penceFromPounds } from "../format.js";
import { href, navigate } from "../router.js";
import { Field, Loaded, Page, Problem, Select, useLoad, useSubmit } from "../ui.js";

export const PROGRAMMES = ["ect", "npq", "middle_leadership", "senior_leadership", "headship", "governors", "subject_cpd",
  "itt", "other"].map((p) => [p, { ect: "Early career teachers (ECT)", npq: "NPQ", itt: "Initial teacher training (ITT)",
  subject_cpd: "Subject CPD" }[p] || label(p)]);
export const AREAS = [["itt", "Initial teacher training"], ["cpd", "CPD"], ["school_to_school_support", "School-to-school support"],
  ["leadership_development", "Leadership development"], ["specialist_leaders", "Specialist leaders"],
  ["research_and_development", "Research and development"], ["ecf", "Early career framework"], ["npq", "NPQ"],
  ["appropriate_body", "Appropriate body"]];
const VISIBILITIES = [["alliance", "Our member schools only"], ["region", "Schools of our region"], ["public", "Every school"]];

const named = (choices) => (code) => choices.find(([value]) => value === code)?.[1] || label(code);
export const programmeName = named(PROGRAMMES);
export const areaName = named(AREAS);
export const visibilityName = named(VISIBILITIES);

const pounds = (pence) => (pence === null || pence === undefined ? "" : (pence / 100).toFixed(2));
const penceOf = (text) => (String(text).trim() === "" ? null : penceFromPounds(text));
const numberOf = (text) => (String(text).trim() === "" ? null : Number(text));

function fromCourse(course) {
  return {
    title: course.title, description: course.description || "", visibility: course.visibility,
    capacity: String(course.capacity), member: pounds(course.price_member_pence),
    nonMember: pounds(course.price_non_member_pence), closes: isoToLondonInput(course.booking_closes_at),
    deadline: String(course.cancellation_deadline_days),
  };
}

// What both forms send: the editable fields, in the API's units.
function editable(form) {
  return {
    title: form.title, description: form.description || null, visibility: form.visibility,
    capacity: numberOf(form.capacity), price_member_pence: penceOf(form.member),
    price_non_member_pence: penceOf(form.nonMember), booking_closes_at: londonInputToIso(form.closes),
    cancellation_deadline_days: numberOf(form.deadline),
  };
}

function CommonFields({ form, set, error }) {
  return html`
    <${Field} label="Title" name="title" value=${form.title} onInput=${set("title")} error=${error} required />
    <${Field} label="Description" name="description" type="textarea" value=${form.description}
      onInput=${set("description")} error=${error} />
    <${Select} label="Offered to" name="visibility" value=${form.visibility} onInput=${set("visibility")}
      options=${VISIBILITIES} error=${error} />
    <${Field} label="Places" name="capacity" type="number" min="1" value=${form.capacity} onInput=${set("capacity")}
      error=${error} required />
    <${Field} label="Price for member schools (£)" name="price_member_pence" type="number" min="0" step="0.01"
      inputmode="decimal" value=${form.member} onInput=${set("member")} error=${error} required />
    <${Field} label="Price for other schools (£)" name="price_non_member_pence" type="number" min="0" step="0.01"
      inputmode="decimal" value=${form.nonMember} onInput=${set("nonMember")} error=${error} required />
    <${Field} label="Bookings close" name="booking_closes_at" type="datetime-local" value=${form.closes}
      onInput=${set("closes")} error=${error} hint="UK time. Leave empty to take bookings until the first session starts." />
    <${Field} label="Free cancellation until (days before the start)" name="cancellation_deadline_days" type="number"
      min="0" value=${form.deadline} onInput=${set("deadline")} error=${error}
      hint="A booking cancelled later than this is charged in full." />`;
}

const blankSession = () => ({ key: crypto.randomUUID(), starts: "", ends: "", venue: "" });

function Sessions({ sessions, setSessions, error }) {
  const change = (n, name) => (value) => setSessions(sessions.map((s, i) => (i === n ? { ...s, [name]: value } : s)));
  const message = error?.field?.("sessions");
  return html`<fieldset class="sessions">
    <legend>Sessions</legend>
    <p class="hint">Dates and times in UK time.</p>
    ${message && html`<p class="field-error">${message}</p>`}
    ${sessions.map((s, n) => html`<div class="session-row panel" key=${s.key}>
      <h3>Session ${n + 1}</h3>
      <${Field} label=${`Session ${n + 1} starts`} name=${`sessions.${n}.starts_at`} type="datetime-local"
        value=${s.starts} onInput=${change(n, "starts")} error=${error} required />
      <${Field} label=${`Session ${n + 1} ends`} name=${`sessions.${n}.ends_at`} type="datetime-local"
        value=${s.ends} onInput=${change(n, "ends")} error=${error} required />
      <${Field} label=${`Session ${n + 1} venue`} name=${`sessions.${n}.venue`} value=${s.venue}
        onInput=${change(n, "venue")} error=${error} />
      ${sessions.length > 1 && html`<button type="button" class="secondary"
        onClick=${() => setSessions(sessions.filter((_, i) => i !== n))}>Remove session ${n + 1}</button>`}
    </div>`)}
    <button type="button" class="secondary" onClick=${() => setSessions([...sessions, blankSession()])}>Add a session</button>
  </fieldset>`;
}

export function DraftCourse({ me }) {
  const [form, setForm] = useState({
    title: "", description: "", visibility: "region", capacity: "30", member: "", nonMember: "", closes: "",
    deadline: "14", programme: "subject_cpd", area: "cpd",
  });
  const [sessions, setSessions] = useState([blankSession()]);
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const save = useSubmit(async () => {
    const course = await post("/courses", {
      alliance_id: me.scope.alliance_id, programme: form.programme, area: form.area, ...editable(form),
      sessions: sessions.map((s) => ({
        starts_at: londonInputToIso(s.starts), ends_at: londonInputToIso(s.ends), venue: s.venue || null,
      })),
    }, { idempotent: true });
    navigate(`/courses/${course.id}`);
    return course;
  });
  return html`<${Page} title="Draft a course">
    <p><a href=${href("/courses")}>Back to courses</a></p>
    <form class="narrow" onSubmit=${(e) => { e.preventDefault(); save.submit(); }} novalidate>
      <${Problem} error=${save.error} />
      <${Select} label="Programme" name="programme" value=${form.programme} onInput=${set("programme")}
        options=${PROGRAMMES} error=${save.error} />
      <${Select} label="Area" name="area" value=${form.area} onInput=${set("area")} options=${AREAS}
        error=${save.error} />
      <${CommonFields} form=${form} set=${set} error=${save.error} />
      <${Sessions} sessions=${sessions} setSessions=${setSessions} error=${save.error} />
      <button type="submit" disabled=${save.busy}>${save.busy ? "Saving…" : "Save draft"}</button>
    </form>
  </${Page}>`;
}

function EditForm({ course }) {
  const [form, setForm] = useState(fromCourse(course));
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const save = useSubmit(async () => {
    const saved = await patch(`/courses/${course.id}`, editable(form));
    navigate(`/courses/${saved.id}`);
    return saved;
  });
  return html`<form class="narrow" onSubmit=${(e) => { e.preventDefault(); save.submit(); }} novalidate>
    <${Problem} error=${save.error} />
    <p>${programmeName(course.programme)} · ${course.sessions.length} session${course.sessions.length === 1 ? "" : "s"}
      (sessions cannot be changed once drafted; cancel the course and draft another instead).</p>
    <${CommonFields} form=${form} set=${set} error=${save.error} />
    <button type="submit" disabled=${save.busy}>${save.busy ? "Saving…" : "Save changes"}</button>
  </form>`;
}

export function EditCourse({ id }) {
  const state = useLoad(() => get(`/courses/${id}`), [id]);
  return html`<${Page} title="Edit a course">
    <p><a href=${href(`/courses/${id}`)}>Back to the course</a></p>
    <${Loaded} state=${state} what="Loading the course">${(course) => html`<${EditForm} course=${course} />`}</${Loaded}>
  </${Page}>`;
}
