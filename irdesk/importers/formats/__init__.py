"""One module per source format, each turning a file into plain records."""
