"""Layer 3: the NetworkX projection, lineage queries, maps and the `lineage` command."""
