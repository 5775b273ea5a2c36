"""The side store in PostgreSQL (issue 12, BUDGETQA_DATABASE_URL): the same migrations, the same answers and
citations as SQLite over the shared corpus, migrations and the writer lock shared by processes, and clear
errors where PostgreSQL is not supported (backup) or not reachable. Skipped where PostgreSQL is not installed."""
from __future__ import annotations

import threading

import pytest

from budgetqa.answering.engine import Engine
from budgetqa.cli import main
from budgetqa.core.errors import StoreError
from budgetqa.core.records import Chunk, Document, DocMeta, Page
from budgetqa.core.settings import Settings
from budgetqa.evaluation import load_items
from budgetqa.ingest.pipeline import Ingestor
from budgetqa.store import migrate
from budgetqa.store.lock import store_writer_lock
from budgetqa.store.side_store import open_store
from tests.conftest import DEV2_SET, DEV_SET, PDFS, SEEDS


@pytest.fixture(scope="module")
def pg_engine(postgres_server, tmp_path_factory):
    """An engine over the whole shared corpus (seeds and PDFs) with the side store in PostgreSQL and the
    vectors in Chroma, ingested as `shared_engine` ingests it into SQLite."""
    name = postgres_server.new_database()
    settings = Settings(store=tmp_path_factory.mktemp("pg") / "store", embedding_model="hash",
                        database_url=postgres_server.url(name))
    results = Ingestor(settings).ingest(sorted(SEEDS.glob("*.txt")) + sorted(PDFS.glob("*.pdf")))
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    yield Engine(settings)
    postgres_server.drop_database(name)


def _comparable(answer) -> dict:
    out = answer.to_json()
    for fact in out["facts"]:
        fact.pop("fact_id", None)  # row ids: the same insert order, but not what a reader compares
    return out


def test_the_shared_corpus_answers_the_same_on_postgresql_as_on_sqlite(pg_engine, shared_engine):
    assert not shared_engine.settings.database_url and pg_engine.store.backend.name == "postgres"
    assert not pg_engine.settings.sqlite_path.exists()  # nothing of the side store in the folder
    pg_docs = [(d.name, d.org, d.year, d.kind, d.chunks, d.facts) for d in pg_engine.store.list_documents()]
    assert pg_docs == [(d.name, d.org, d.year, d.kind, d.chunks, d.facts)
                       for d in shared_engine.store.list_documents()]
    questions = [item["question"] for item in load_items(DEV_SET) + load_items(DEV2_SET)]
    fact_answers = 0
    for q in questions:
        on_pg, on_sqlite = pg_engine.ask(q), shared_engine.ask(q)
        assert _comparable(on_pg) == _comparable(on_sqlite), q
        fact_answers += bool(on_pg.facts and on_pg.citations)
    assert fact_answers >= len(questions) // 2  # the comparison covers answers from the fact store


def test_a_pdf_fact_question_is_answered_with_its_page_citation(pg_engine):
    answer = pg_engine.ask("普陀区商务委2025年收入预算是多少？")
    assert answer.status == "answered" and answer.facts, answer.answer
    cited = answer.citations[0]
    assert cited.doc.endswith(".pdf") and cited.page and cited.quote


def test_the_same_migration_list_drives_both_backends(pg_url, tmp_path):
    sqlite_store, pg_store = open_store(tmp_path / "s.sqlite"), open_store(pg_url)
    rows = "SELECT number, name FROM _migrations ORDER BY number"
    assert ([tuple(r) for r in pg_store.conn.execute(rows).fetchall()]
            == [tuple(r) for r in sqlite_store.conn.execute(rows).fetchall()])
    assert pg_store.schema_version() == sqlite_store.schema_version() == migrate.latest_schema_version()
    shared = {m.number: m.sql for m in migrate.migrations("sqlite")}
    special = {m.number for m in migrate.migrations("postgres") if m.sql != shared[m.number]}
    assert special and special < set(shared)  # a few per-dialect files, one numbering


def test_an_older_postgresql_store_is_migrated_forward(pg_url):
    store = open_store(pg_url)
    store.close()
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:  # back to schema 2, as before the queue
        conn.execute("DROP TABLE store_version; DROP FUNCTION budgetqa_bump_store_version() CASCADE;"
                     "ALTER TABLE chunks DROP COLUMN embed_state, DROP COLUMN text_width;"
                     "ALTER TABLE facts DROP COLUMN measure, DROP COLUMN blank;"
                     "ALTER TABLE documents DROP COLUMN extraction_version, DROP COLUMN aliases, DROP COLUMN meta_sources;"
                     "DROP INDEX facts_org_year, facts_year_item;"
                     "DELETE FROM _migrations WHERE number > 2;"
                     "INSERT INTO documents (id, name, path, format, pages, ingested_at) VALUES ('d','d','d','txt',1,'x');"
                     "INSERT INTO chunks (id, doc_id, ordinal, text, char_start, char_end) VALUES ('c','d',0,'t',0,1)")
    from budgetqa.store import embed_queue

    store = open_store(pg_url)
    assert store.schema_version() == migrate.latest_schema_version()
    assert embed_queue.status(store) == embed_queue.EmbedStatus(pending=0, done=1, skipped=0)


def test_processes_opening_a_new_database_at_once_migrate_it_once(pg_url):
    errors, stores = [], []

    def open_one():
        try:
            stores.append(open_store(pg_url))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(stores) == 4
    assert stores[0].conn.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0] == len(migrate.migrations())
    assert len({s.fingerprint() for s in stores}) == 1


def test_a_document_round_trips_with_nul_text_and_deletes_cascade(pg_url):
    store = open_store(pg_url)
    doc = Document(sha256="d1", name="a.txt", path="/x/a.txt", format="txt", pages=[Page(1, "正文\x00一")],
                   meta=DocMeta(org="某局", year=2024, kind="预算"))
    chunk = Chunk(doc_id="d1", ordinal=0, text="正文一", page=None, section="", char_start=0, char_end=3,
                  text_width=37.3)
    before = store.fingerprint()
    store.replace_document(doc, [chunk], [], tokens=[["正文"]])
    assert store.fingerprint() != before and store.page_text("d1", 1) == "正文一"
    [back] = store.chunks(doc_ids=["d1"])
    assert back.text_width == 37.3  # a double, as SQLite's REAL
    assert store.chunk_tokens() == [(chunk.id, ["正文"])] and store.chunks(ids=[]) == []
    store.delete_document("d1")
    assert store.list_documents() == [] and store.chunks() == [] and store.page_text("d1", 1) is None


def test_the_writer_lock_is_one_across_connections(pg_url, tmp_path):
    settings = Settings(store=tmp_path / "a", database_url=pg_url, ingest_lock_wait_s=0)
    elsewhere = settings.model_copy(update={"store": tmp_path / "b"})  # another machine: another folder
    with store_writer_lock(settings):
        with pytest.raises(StoreError, match="另一个导入或维护操作正在写入该资料库"):
            with store_writer_lock(elsewhere):
                pass
    with store_writer_lock(elsewhere):  # released with its holder
        pass


def test_backup_and_restore_point_to_pg_dump(pg_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BUDGETQA_DATABASE_URL", pg_url)
    store = ["--store", str(tmp_path / "store")]
    assert main([*store, "backup", str(tmp_path / "bk")]) == 2
    assert main([*store, "restore", str(tmp_path / "bk")]) == 2
    err = capsys.readouterr().err
    assert err.count("pg_dump") == 2 and not (tmp_path / "bk").exists()


def test_an_unreachable_server_is_a_clear_store_error(postgres_server, capsys, monkeypatch, tmp_path):
    url = postgres_server.url("postgres").replace(f":{postgres_server.port}/", ":1/")
    with pytest.raises(StoreError, match="无法连接 PostgreSQL"):
        open_store(url)
    monkeypatch.setenv("BUDGETQA_DATABASE_URL", url.replace("postgres@", "postgres:secret@"))
    assert main(["--store", str(tmp_path / "s"), "docs"]) == 2
    err = capsys.readouterr().err
    assert "无法连接 PostgreSQL" in err and "secret" not in err


def test_bench_backends_times_both_stores_and_compares_their_answers(pg_url, tmp_path, capsys, monkeypatch):
    import json

    from tests.conftest import seed

    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"question": "群众工作中心2021年工会经费是多少"}, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    args = ["--store", str(tmp_path / "s"), "--embedding-model", "hash", "bench-backends", str(questions),
            str(seed("000")), "--work", str(tmp_path / "w"), "--repeats", "1"]
    assert main(args) == 2 and "BUDGETQA_DATABASE_URL" in capsys.readouterr().err
    monkeypatch.setenv("BUDGETQA_DATABASE_URL", pg_url)
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["answers_differ"] == [] and out["sqlite"]["n"] == out["postgres"]["n"] == 1
    assert 0 < out["postgres"]["p50_ms"] and 0 < out["sqlite"]["p50_ms"]


def test_a_lost_connection_is_opened_again_between_statements(pg_url):
    import psycopg

    store = open_store(pg_url)
    before = store.fingerprint()
    pid = store.conn.raw.info.backend_pid
    with psycopg.connect(pg_url, autocommit=True) as admin:  # what a server restart does to the app's session
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    assert store.fingerprint() == before and store.conn.raw.info.backend_pid != pid
