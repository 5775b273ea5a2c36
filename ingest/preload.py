"""Imported by the parse workers' forkserver (ingest/worker.py): imports the fact extractors and builds the BM25
tokenizer (jieba with the budget vocabulary, ≈ 2 s) once, so every parse worker forked from it chunks, extracts and tokenizes its file
without loading the dictionary again."""
from budgetqa.ingest.parallel import warm

warm()
