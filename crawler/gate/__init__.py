"""`crawler check`, the CI gate: which problems fail a run (judgement) and how they are printed
(output: text, GitHub annotations, JSON, SARIF)."""
