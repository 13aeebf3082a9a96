"""Bodies of evidence: two-arm comparisons in a study, and outcomes pooled across studies from
their plain stored records (never the descriptor model), with a GRADE certainty rating and
absolute effects. The statistics themselves are :mod:`stemcell_cli.synthesis`."""
