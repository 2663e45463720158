// The words of a referral, as services/specialisms.py and services/support/lifecycle.py spell them.
export const NEED_AREAS = [
  ["leadership", "Leadership"], ["school_improvement", "School improvement"], ["governance", "Governance"],
  ["curriculum", "Curriculum"], ["assessment", "Assessment"], ["maths", "Mathematics"], ["english", "English"],
  ["reading", "Reading"], ["phonics", "Phonics"], ["science", "Science"], ["computing", "Computing"],
  ["mfl", "Modern foreign languages"], ["humanities", "Humanities"], ["arts", "The arts"],
  ["pe", "Physical education"], ["early_years", "Early years"],
  ["send", "Special educational needs and disabilities (SEND)"], ["inclusion", "Inclusion"],
  ["pupil_premium", "Disadvantaged pupils (pupil premium)"], ["behaviour", "Behaviour"],
  ["attendance", "Attendance"], ["safeguarding", "Safeguarding"], ["wellbeing", "Wellbeing and mental health"],
  ["itt_mentoring", "Mentoring trainee and early career teachers"],
];
const NEED_LABELS = Object.fromEntries(NEED_AREAS);
export const needLabel = (code) => NEED_LABELS[code] || code;

export const STATUSES = [["open", "Open"], ["shared", "Shared with the region"], ["matched", "Matched"],
  ["active", "Support under way"], ["closed", "Closed"], ["withdrawn", "Withdrawn"]];
export const PRIORITIES = [["low", "Low"], ["medium", "Medium"], ["high", "High"], ["urgent", "Urgent"]];
export const SOURCES = [["local_authority", "Local authority"], ["self", "The school itself"],
  ["inspection", "Inspection"], ["alliance", "Alliance"]];
export const OUTCOMES = [["improved", "Improved"], ["sustained", "Sustained"], ["no_change", "No change"],
  ["escalated", "Escalated"]];
export const RAGS = [["green", "Green: on track"], ["amber", "Amber: some concerns"], ["red", "Red: off track"]];

const STATUS_LABELS = Object.fromEntries(STATUSES);
export const statusLabel = (code) => STATUS_LABELS[code] || code;
