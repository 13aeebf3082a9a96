"""The descriptor: closed vocabularies, the pydantic models, the published JSON Schema, the
template ``stemcell new`` writes, author lists and registry identifiers."""
