"""Incident performance figures under a policy (DESIGN.md, Metric definitions).

`figures.compute_figures` computes the full set from `data.MetricData`;
`tables.figure_tables` turns it into the tables the CLI prints and the GUI shows.
"""
