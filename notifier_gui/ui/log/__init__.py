"""The live delivery log: a columnar model over attempts, its filter, and the panel."""
