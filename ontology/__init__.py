"""Layer 2: the vocabulary, the reference catalogue, records to RDF, and the stores."""
