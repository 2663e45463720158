// UK formats, in Europe/London time, whatever the browser's own zone.
const LONDON = "Europe/London";
const dateTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: LONDON, day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
});
const dateOnly = new Intl.DateTimeFormat("en-GB", { timeZone: LONDON, day: "numeric", month: "short", year: "numeric" });
const pounds = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" });

export const when = (iso) => (iso ? dateTime.format(new Date(iso)) : "—");
export const day = (iso) => (iso ? dateOnly.format(new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso)) : "—");
export const money = (pence) => (pence === null || pence === undefined ? "—" : pounds.format(pence / 100));
export const label = (code) => (code ? String(code).replace(/_/g, " ").replace(/^\w/, (c) => c.toUpperCase()) : "—");

// "2026-11-24T09:30" in London → an ISO instant, for <input type="datetime-local">.
export function londonInputToIso(value) {
  if (!value) return null;
  const guess = new Date(`${value}:00Z`);
  const shown = new Date(guess.toLocaleString("en-US", { timeZone: LONDON }));
  const offset = shown.getTime() - new Date(guess.toLocaleString("en-US", { timeZone: "UTC" })).getTime();
  return new Date(guess.getTime() - offset).toISOString();
}

export function isoToLondonInput(iso) {
  if (!iso) return "";
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: LONDON, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export const penceFromPounds = (text) => Math.round(Number(text) * 100);
