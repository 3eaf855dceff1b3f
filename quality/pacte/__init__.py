"""PACTE (programme d'amélioration continue du travail en équipe, HAS): a two-year programme with its steps and
dates, the safety-culture surveys and CRM training sessions it uses, the maturity self-assessment on four axes per
period (drawn as a radar), and its own figures."""
