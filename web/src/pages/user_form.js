// Creating a user: the roles the caller may create (POST /users decides), and the scope each role needs:
// a region for a coordinator, an alliance for alliance staff or admins, a school's URN for a school user.
import { useState } from "preact/hooks";
import { post } from "../api.js";
import { html } from "../html.js";
import { ALLIANCE_ADMIN, ALLIANCE_STAFF, COORDINATOR, PLATFORM_ADMIN, ROLE_NAMES, SCHOOL_USER } from "../roles.js";
import { Field, Notice, Problem, Select, useSubmit } from "../ui.js";

// The roles each role may create, as services/membership/users.py has them for this page's callers.
const CREATABLE = {
  [PLATFORM_ADMIN]: [PLATFORM_ADMIN, COORDINATOR, ALLIANCE_ADMIN, ALLIANCE_STAFF, SCHOOL_USER],
  [ALLIANCE_ADMIN]: [ALLIANCE_STAFF, ALLIANCE_ADMIN],
};

function scopeOf(role, { regionId, allianceId, schoolUrn }) {
  if (role === COORDINATOR) return { region_id: regionId || null };
  if (role === ALLIANCE_ADMIN || role === ALLIANCE_STAFF) return allianceId ? { alliance_id: allianceId } : {};
  if (role === SCHOOL_USER) return { school_urn: schoolUrn || null, region_id: regionId || null };
  return {};
}

export function NewUser({ me, names, onCreated }) {
  const callerRole = me.scope.role;
  const isAdmin = callerRole === PLATFORM_ADMIN;
  const roles = CREATABLE[callerRole] || [];
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState(roles.includes(ALLIANCE_STAFF) ? ALLIANCE_STAFF : roles[0]);
  const [regionId, setRegionId] = useState("");
  const [allianceId, setAllianceId] = useState("");
  const [schoolUrn, setSchoolUrn] = useState("");
  const create = useSubmit(async () => {
    const user = await post("/users", {
      name, email, password, role, ...scopeOf(role, { regionId, allianceId: isAdmin ? allianceId : "", schoolUrn }),
    }, { idempotent: true });
    setName("");
    setEmail("");
    setPassword("");
    onCreated(user);
    return user;
  });
  const regionOptions = names.regions.map((r) => [r.id, r.name]);
  const allianceOptions = names.alliances.map((a) => [a.id, `${a.name}${names.region[a.region_id] ? ` (${names.region[a.region_id]})` : ""}`]);
  const err = create.error;
  return html`<form class="panel narrow" aria-labelledby="new-user" novalidate
      onSubmit=${(e) => { e.preventDefault(); create.submit(); }}>
    <h2 id="new-user">New user</h2>
    <${Problem} error=${err} />
    ${create.done && html`<${Notice}>${`${create.done.name} (${create.done.email}) can now sign in as ${
      ROLE_NAMES[create.done.role].toLowerCase()}.`}</${Notice}>`}
    <${Field} label="Full name" name="name" required value=${name} onInput=${setName} error=${err} autocomplete="off" />
    <${Field} label="Email address" name="email" type="email" required value=${email} onInput=${setEmail}
      error=${err} autocomplete="off" />
    <${Field} label="Password" name="password" type="password" required value=${password} onInput=${setPassword}
      error=${err} autocomplete="new-password" hint="At least 12 characters. Give it to them privately." />
    <${Select} label="Role" name="role" value=${role} onInput=${setRole} error=${err}
      options=${roles.map((r) => [r, ROLE_NAMES[r]])} />
    ${role === COORDINATOR && html`<${Select} label="Region" name="region_id" value=${regionId} onInput=${setRegionId}
      error=${err} blank="Choose a region" options=${regionOptions} />`}
    ${(role === ALLIANCE_ADMIN || role === ALLIANCE_STAFF) && (isAdmin
      ? html`<${Select} label="Alliance" name="alliance_id" value=${allianceId} onInput=${setAllianceId} error=${err}
          blank="Choose an alliance" options=${allianceOptions} />`
      : html`<p class="hint">They join your alliance${names.alliance[me.scope.alliance_id]
        ? `, ${names.alliance[me.scope.alliance_id]}` : ""}.</p>`)}
    ${role === SCHOOL_USER && html`
      <${Field} label="School URN" name="school_urn" required value=${schoolUrn} onInput=${setSchoolUrn} error=${err}
        inputmode="numeric" hint="The school's 6-digit URN." />
      <${Select} label="Region (for a school in no alliance)" name="region_id" value=${regionId} onInput=${setRegionId}
        error=${err} blank="None" options=${regionOptions} />`}
    <button type="submit" disabled=${create.busy}>${create.busy ? "Creating…" : "Create user"}</button>
  </form>`;
}
