"""Quality indicators per cohort and across cohorts, and the yearly summary for the BPF."""
