"""Analyses of a body of evidence: what ``stemcell pool`` reads and shows, as plain data."""
