"""spaCy boundary: loads pipelines and turns Doc objects into plain domain data."""
