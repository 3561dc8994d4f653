"""Reports: a StepResult turned into text or files. No pytest import here."""
