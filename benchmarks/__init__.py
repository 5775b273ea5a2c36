"""Benchmark commands that print measured figures: ingest speed against pdfplumber alone (`bench-ingest`) and
synthetic corpora of N documents with the LangChain baseline beside ours (`bench-scale`)."""
