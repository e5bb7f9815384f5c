"""Incident performance figures under a policy: how fast incidents are handled, what
they cost, who carries them, and whether what follows them gets done.

`figures.compute_figures` computes the full set from `data.MetricData`;
`tables.figure_tables` turns it into the tables the CLI prints and the GUI shows;
`definitions` says in words what each figure is. The figure modules (durations,
service, people, followup, with selection and stats) read as those definitions; the
numerical tricks that make them fast live, named, in `kernels`.
"""
