// The courses offered to a school (with the price it pays), and a region's catalogue for its
// coordinator and the platform admin (with each course's fill rate and waitlist).
import { useEffect, useState } from "preact/hooks";
import { when } from "../format.js";
import { html } from "../html.js";
import { COORDINATOR, PLATFORM_ADMIN, SCHOOL_USER } from "../roles.js";
import { href, navigate } from "../router.js";
import { Field, More, Page, Select, Table, usePages } from "../ui.js";
import { routes as courseRoutes } from "./catalogue_course.js";
import { AREAS, PROGRAMMES, areaName, bothPrices, fillRate, placesText, programmeName, yourPrice } from "./catalogue_terms.js";

const FILTERS = ["q", "programme", "area"];

function Filters({ query }) {
  const [q, setQ] = useState(query.q || "");
  useEffect(() => setQ(query.q || ""), [query.q]);  // back and forward keep the form in step
  const apply = (changes) => {
    const wanted = { ...query, ...changes };
    const search = new URLSearchParams(FILTERS.filter((k) => wanted[k]).map((k) => [k, wanted[k]])).toString();
    navigate(`/courses${search ? `?${search}` : ""}`);
  };
  return html`<form class="filters panel" role="search" aria-label="Courses"
      onSubmit=${(e) => { e.preventDefault(); apply({ q: q.trim() }); }}>
    <${Field} label="Search titles and descriptions" name="q" type="search" value=${q} onInput=${setQ} />
    <${Select} label="Programme" name="programme" value=${query.programme || ""} blank="All programmes"
      options=${PROGRAMMES} onInput=${(v) => apply({ programme: v, q: q.trim() })} />
    <${Select} label="Area" name="area" value=${query.area || ""} blank="All areas"
      options=${AREAS} onInput=${(v) => apply({ area: v, q: q.trim() })} />
    <div class="field"><button type="submit">Search</button></div>
  </form>`;
}

const title = (c) => html`<a href=${href(`/courses/${c.id}`)}>${c.title}</a>
  <div class="hint">${programmeName(c.programme)} · ${areaName(c.area)}</div>`;

const SCHOOL_COLUMNS = [
  ["Course", title],
  ["Alliance", (c) => c.alliance_name || "—"],
  ["First session", (c) => html`<time datetime=${c.starts_at}>${when(c.starts_at)}</time>`],
  ["Places", (c) => placesText(c)],
  ["Your price", (c) => yourPrice(c)],
];

function FillRate({ course }) {
  const rate = fillRate(course);
  return html`<div class="fill">
    <span class="fill-figure">${rate}%</span>
    <span class="fill-track" aria-hidden="true"><span class="fill-part" style=${{ width: `${Math.min(rate, 100)}%` }}></span></span>
    <span class="hint">${course.confirmed_count} of ${course.capacity} confirmed</span>
  </div>`;
}

const REGION_COLUMNS = [
  ["Course", title],
  ["Alliance", (c) => c.alliance_name || "—"],
  ["First session", (c) => html`<time datetime=${c.starts_at}>${when(c.starts_at)}</time>`],
  ["Fill rate", (c) => html`<${FillRate} course=${c} />`],
  ["Waitlist", (c) => c.waitlist_count],
  ["Prices", bothPrices],
];

function Catalogue({ query, me }) {
  const school = me.scope.role === SCHOOL_USER;
  const params = Object.fromEntries(FILTERS.filter((k) => query[k]).map((k) => [k, query[k]]));
  const pages = usePages("/courses", params);
  const filtered = Object.keys(params).length > 0;
  return html`<${Page} title=${school ? "Courses for your school" : "Course catalogue"}>
    <p>${school
      ? "Published courses offered to your school. The price shown is what your school pays for a place."
      : "Every alliance's published courses in your region, and public ones, with how full each is."}</p>
    <${Filters} query=${query} />
    <p class="summary" aria-live="polite">${pages.loading ? "" : `${pages.items.length}${pages.done ? "" : "+"} course${pages.items.length === 1 ? "" : "s"}${filtered ? " match" : ""}`}</p>
    ${(!pages.loading || pages.items.length > 0) && html`<${Table} caption=${school ? "Courses offered to your school" : "Courses and how full they are"}
      columns=${school ? SCHOOL_COLUMNS : REGION_COLUMNS} rows=${pages.items}
      empty=${filtered ? "No course matches these filters." : "No published courses yet."} />`}
    <${More} pages=${pages} />
  </${Page}>`;
}

export const routes = [
  { path: "/courses", title: "Courses", roles: [SCHOOL_USER], view: Catalogue,
    nav: { label: "Courses", hint: "Find a course and book a place for your staff" } },
  { path: "/courses", title: "Course catalogue", roles: [COORDINATOR, PLATFORM_ADMIN], view: Catalogue,
    nav: { label: "Course catalogue", hint: "Every alliance's courses: how full they are, their waitlists" } },
  ...courseRoutes,
];
