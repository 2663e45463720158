// Opening a referral: a school for itself (with an alliance it belongs to), an alliance for a school, the region.
import { useState } from "preact/hooks";
import { ApiError, all, post } from "../api.js";
import { html } from "../html.js";
import { SCHOOL_USER } from "../roles.js";
import { href, navigate } from "../router.js";
import { Field, Loaded, Page, Problem, Select, useLoad, useSubmit } from "../ui.js";
import { NEED_AREAS, PRIORITIES, SOURCES } from "./referral_words.js";

// The alliances the caller may refer to: a school's active memberships, an alliance user's own, the region's.
function useHomeAlliances(me) {
  return useLoad(async () => {
    const alliances = await all("/alliances");
    if (me.scope.role === SCHOOL_USER) {
      const mine = new Set((await all(`/schools/${me.scope.school_urn}/memberships`, { status: "active" }))
        .map((m) => m.alliance_id));
      return alliances.filter((a) => mine.has(a.id));
    }
    return me.scope.alliance_id ? alliances.filter((a) => a.id === me.scope.alliance_id) : alliances;
  });
}

function NeedAreas({ value, onInput, error }) {
  const message = error instanceof ApiError ? error.field("need_areas") : "";
  const toggle = (code, on) => onInput(on ? [...value, code] : value.filter((v) => v !== code));
  return html`<fieldset class=${`field need-areas${message ? " invalid" : ""}`} aria-describedby=${message ? "need-areas-error" : undefined}>
    <legend>Need areas <span class="required" aria-hidden="true">*</span></legend>
    ${message && html`<p class="field-error" id="need-areas-error">${message}</p>`}
    <div class="checks">${NEED_AREAS.map(([code, text]) => html`<div class="field inline">
      <input type="checkbox" id=${`need-${code}`} checked=${value.includes(code)}
        onChange=${(e) => toggle(code, e.target.checked)} />
      <label for=${`need-${code}`}>${text}</label>
    </div>`)}</div>
  </fieldset>`;
}

function Form({ me, alliances }) {
  const school = me.scope.role === SCHOOL_USER;
  const [form, setForm] = useState({
    school_urn: school ? me.scope.school_urn : "", alliance_id: alliances.length === 1 ? alliances[0].id : "",
    need_areas: [], priority: "medium", source: school ? "self" : "", summary: "", consent_to_share: false,
    consent_given_by: "", received_on: "",
  });
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const save = useSubmit(async () => {
    const body = { ...form, source: form.source || undefined, received_on: form.received_on || undefined,
      consent_given_by: form.consent_to_share ? form.consent_given_by || undefined : undefined };
    const made = await post("/referrals", body, { idempotent: true });
    navigate(`/referrals/${made.id}`);
    return made;
  });
  const error = save.error;
  if (!alliances.length) {
    return html`<p class="notice notice-warn">${school ? "Your school is not an active member of an alliance, so there is no alliance to refer to. Ask an alliance to add your school."
      : "There is no alliance you may open a referral with."}</p>`;
  }
  return html`<form class="narrow" noValidate onSubmit=${(e) => { e.preventDefault(); save.submit(); }}>
    <${Problem} error=${error} />
    ${school ? html`<p>For your school (URN ${me.scope.school_urn}).</p>`
      : html`<${Field} label="School URN" name="school_urn" value=${form.school_urn} onInput=${set("school_urn")}
          error=${error} required inputmode="numeric" hint="The school's 6-digit unique reference number" />`}
    <${Select} label="Home alliance" name="alliance_id" value=${form.alliance_id} onInput=${set("alliance_id")}
      error=${error} required blank=${alliances.length > 1 ? "Choose an alliance" : undefined}
      options=${alliances.map((a) => [a.id, a.name])} />
    <${NeedAreas} value=${form.need_areas} onInput=${set("need_areas")} error=${error} />
    <${Select} label="Priority" name="priority" value=${form.priority} onInput=${set("priority")} error=${error}
      options=${PRIORITIES} required />
    <${Select} label="Source" name="source" value=${form.source} onInput=${set("source")} error=${error}
      options=${SOURCES} blank=${school ? undefined : "Alliance (the default)"} />
    <${Field} type="textarea" label="Summary of the need" name="summary" value=${form.summary} onInput=${set("summary")}
      error=${error} required maxlength="5000" />
    ${!school && html`<${Field} type="date" label="Received on" name="received_on" value=${form.received_on}
      onInput=${set("received_on")} error=${error} hint="Leave empty for today; within the last year" />`}
    <div class="field inline">
      <input type="checkbox" id="consent-to-share" checked=${form.consent_to_share}
        onChange=${(e) => set("consent_to_share")(e.target.checked)} />
      <label for="consent-to-share">The school consents to share this referral with the region's alliances</label>
    </div>
    ${form.consent_to_share && html`<${Field} label="Consent given by" name="consent_given_by"
      value=${form.consent_given_by} onInput=${set("consent_given_by")} error=${error} required
      hint="Name and role, e.g. Headteacher" />`}
    <div class="actions">
      <button type="submit" disabled=${save.busy}>${save.busy ? "Opening…" : "Open referral"}</button>
      <a href=${href("/referrals")}>Cancel</a>
    </div>
  </form>`;
}

export function NewReferral({ me }) {
  const alliances = useHomeAlliances(me);
  return html`<${Page} title="Open a referral">
    <${Loaded} state=${alliances} what="Loading the alliances you may refer to">${(list) => html`<${Form} me=${me} alliances=${list} />`}</${Loaded}>
  </${Page}>`;
}
