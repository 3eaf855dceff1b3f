"""Surveys: the safety-culture survey (personal single-use links) and the patient-satisfaction questionnaire
(public links per cabinet or pathway) share one engine: questions as data grouped in dimensions, a five-point
scale, answers stored with no link to a person."""
