// The catalogue's words: programmes and areas as people say them (services/courses/schemas.py codes),
// and how a course's price and places read to the person looking.
import { money } from "../format.js";

export const PROGRAMMES = [
  ["ect", "Early career teachers (ECT)"], ["npq", "National professional qualification (NPQ)"],
  ["middle_leadership", "Middle leadership"], ["senior_leadership", "Senior leadership"], ["headship", "Headship"],
  ["governors", "Governors"], ["subject_cpd", "Subject CPD"], ["itt", "Initial teacher training (ITT)"],
  ["other", "Other"],
];

export const AREAS = [
  ["itt", "Initial teacher training"], ["cpd", "Continuing professional development"],
  ["school_to_school_support", "School-to-school support"], ["leadership_development", "Leadership development"],
  ["specialist_leaders", "Specialist leaders of education"], ["research_and_development", "Research and development"],
  ["ecf", "Early career framework"], ["npq", "National professional qualifications"],
  ["appropriate_body", "Appropriate body"],
];

const named = (list, code) => list.find(([value]) => value === code)?.[1] || code || "—";
export const programmeName = (code) => named(PROGRAMMES, code);
export const areaName = (code) => named(AREAS, code);

// "£950.00 member price": what this school pays (school users only; null for other roles).
export const priceKind = (course) => (course.your_member_price ? "member price" : "non-member price");
export function yourPrice(course) {
  if (course.your_price_pence === null || course.your_price_pence === undefined) return null;
  return `${money(course.your_price_pence)} ${priceKind(course)}`;
}

export const bothPrices = (course) =>
  `${money(course.price_member_pence)} member, ${money(course.price_non_member_pence)} non-member`;

export const fillRate = (course) =>
  (course.capacity ? Math.round((100 * course.confirmed_count) / course.capacity) : 0);

export function placesText(course, booking = true) {
  if (course.places_left > 0) return `${course.places_left} of ${course.capacity} left`;
  return booking ? "Full: you will join the waitlist" : "Full";
}
