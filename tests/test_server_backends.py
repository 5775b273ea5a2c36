"""The stores against server backends (issue 12): the same ingest / embed / retrieve / replace cycle with the
vectors in a real local Chroma server (`chroma run` on loopback, BUDGETQA_CHROMA_URL)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import chromadb
import pytest

from budgetqa.core.errors import ConfigError
from budgetqa.ingest.pipeline import Ingestor
from budgetqa.retrieval.embeddings import get_embedder
from budgetqa.retrieval.vector_store import ChromaVectorStore
from budgetqa.store import embed_queue
from tests.conftest import seed

CHROMA = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    if not CHROMA.exists():
        pytest.skip(f"no `chroma` server executable beside {sys.executable} (chromadb's CLI); server test skipped")
    port = _free_port()
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path_factory.mktemp("chroma-server")), "--host", "127.0.0.1",
         "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the local Chroma server did not start within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_ingest_embed_search_and_replace_with_a_chroma_server(settings, tmp_path, chroma_url):
    s = settings.model_copy(update={"chroma_url": chroma_url, "chroma_collection": f"t{tmp_path.name[-8:]}"})
    corpus = tmp_path / "c"
    corpus.mkdir()
    target = corpus / seed("000").name
    shutil.copy(seed("000"), target)
    ingestor = Ingestor(s, embed=False)
    [result] = ingestor.ingest([corpus])
    report = ingestor.embed_pending()
    assert report.chunks == result.chunks and embed_queue.pending_count(ingestor.store) == 0
    assert not s.chroma_path.exists()  # nothing embedded locally: the vectors are on the server
    url = urlsplit(chroma_url)
    server = chromadb.HttpClient(host=url.hostname, port=url.port)
    assert server.get_collection(s.chroma_collection).count() == result.chunks

    other = ChromaVectorStore(s, get_embedder(s))  # a second process / machine on the same server
    assert other.count() == result.chunks
    top = other.query("群众工作中心下设处室", 3)
    assert top and all(cid.startswith(ingestor.store.document_ids().pop()[:16]) for cid, _ in top)

    old_id = next(iter(ingestor.store.document_ids()))
    target.write_text(target.read_text(encoding="utf-8") + "\n十、补充说明\n新增说明一条。\n", encoding="utf-8")
    Ingestor(s).ingest([target])
    assert old_id not in other.doc_ids() and other.doc_ids() == ingestor.store.document_ids()


def test_a_bad_chroma_url_is_a_config_error(settings):
    with pytest.raises(ConfigError, match="BUDGETQA_CHROMA_URL"):
        ChromaVectorStore(settings.model_copy(update={"chroma_url": "localhost:8000"}), get_embedder(settings))
