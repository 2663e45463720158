"""Words more than one service uses: specialisms and need areas, school phases.

System leaders' specialisms (membership) and referrals' need areas (support)
are words of the one list below, so a referral's need matches a leader's
specialism when the words are equal. A new word is added here, for both.
"""

SPECIALISM_LABELS: dict[str, str] = {
    "leadership": "Leadership",
    "school_improvement": "School improvement",
    "governance": "Governance",
    "curriculum": "Curriculum",
    "assessment": "Assessment",
    "maths": "Mathematics",
    "english": "English",
    "reading": "Reading",
    "phonics": "Phonics",
    "science": "Science",
    "computing": "Computing",
    "mfl": "Modern foreign languages",
    "humanities": "Humanities",
    "arts": "The arts",
    "pe": "Physical education",
    "early_years": "Early years",
    "send": "Special educational needs and disabilities (SEND)",
    "inclusion": "Inclusion",
    "pupil_premium": "Disadvantaged pupils (pupil premium)",
    "behaviour": "Behaviour",
    "attendance": "Attendance",
    "safeguarding": "Safeguarding",
    "wellbeing": "Wellbeing and mental health",
    "itt_mentoring": "Mentoring trainee and early career teachers",
}
SPECIALISMS: tuple[str, ...] = tuple(SPECIALISM_LABELS)

PHASES: tuple[str, ...] = ("nursery", "primary", "middle", "secondary", "all_through", "special",
                           "alternative_provision", "post_16")
