"""Group commit: many threads' changes share transactions; each is acknowledged after its own commit."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summitry.errors import StoreError
from summitry.formats import load_scenario, scenario_to_document
from summitry.store import GENESIS, LogEntry, SessionRecord, SessionStore, chain_hash, open_store
from summitry.store.group_commit import GroupCommit, Pending
from summitry.store.repository import ActionKey


def run_apart(coroutine: Any) -> Any:
    """Run ``coroutine`` on a new event loop in a thread of its own (the test's thread may have one running)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


class Ledger:
    """A write function that records each group it was given, and refuses or fails on request."""

    def __init__(self, refuse: frozenset[int] = frozenset(), fail_on: frozenset[int] = frozenset()) -> None:
        self.refuse, self.fail_on = refuse, fail_on
        self.committed: list[int] = []
        self.groups: list[list[int]] = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()

    def write(self, group: Sequence[Pending[int]]) -> None:
        self.entered.set()
        self.release.wait()
        changes = [p.change for p in group]
        if len(changes) > 1 and self.fail_on & set(changes):
            raise RuntimeError("the transaction failed")
        if self.fail_on & set(changes):
            raise ValueError(f"change {changes[0]} cannot be written")
        with self.lock:
            self.groups.append(changes)
            for pending in group:
                if pending.change in self.refuse:
                    pending.error = StoreError(f"change {pending.change} refused")
                else:
                    self.committed.append(pending.change)


def submit_all(ledger: Ledger, changes: Sequence[int]) -> dict[int, str]:
    commit: GroupCommit[int] = GroupCommit(ledger.write)
    outcomes: dict[int, str] = {}

    def one(change: int) -> None:
        try:
            commit.submit(change)
        except Exception as exc:  # reason: the outcome is what is checked
            outcomes[change] = type(exc).__name__
        else:
            assert change in ledger.committed  # acknowledged only once written
            outcomes[change] = "ok"

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(one, changes))
    assert commit.changes == len(changes) and commit.groups >= 1
    return outcomes


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=1, max_value=60).flatmap(
        lambda n: st.tuples(st.just(n), st.frozensets(st.integers(0, n - 1)), st.frozensets(st.integers(0, n - 1)))
    )
)
def test_each_change_gets_its_own_outcome_whatever_the_groups(case: tuple[int, frozenset[int], frozenset[int]]) -> None:
    n, refuse, fail_on = case
    ledger = Ledger(refuse=refuse - fail_on, fail_on=fail_on)
    outcomes = submit_all(ledger, range(n))
    for change in range(n):
        expected = "ValueError" if change in fail_on else "StoreError" if change in refuse else "ok"
        assert outcomes[change] == expected, change
    assert sorted(ledger.committed) == sorted(set(range(n)) - refuse - fail_on)  # each written once
    assert all(len(group) == len(set(group)) for group in ledger.groups)


def test_changes_that_arrive_during_a_commit_share_the_next_one() -> None:
    ledger = Ledger()
    ledger.release.clear()  # hold the first commit until the others queue behind it
    commit: GroupCommit[int] = GroupCommit(ledger.write)
    first = threading.Thread(target=commit.submit, args=(0,))
    first.start()
    ledger.entered.wait()  # the first change's commit is under way
    others = [threading.Thread(target=commit.submit, args=(i,)) for i in range(1, 9)]
    for thread in others:
        thread.start()
    while True:  # the eight wait (queued) while the first one's commit is held
        with commit._condition:
            if len(commit._queue) == 8:
                break
        time.sleep(0.001)
    ledger.release.set()
    for thread in [first, *others]:
        thread.join()
    assert ledger.groups == [[0], [1, 2, 3, 4, 5, 6, 7, 8]]
    assert (commit.changes, commit.groups) == (9, 2)


def add_sessions(store: SessionStore, *ids: str) -> None:
    """Store new server sessions ``ids`` of the Hanoi deal between two people, with empty logs."""
    document = scenario_to_document(load_scenario("hanoi-deal"))
    for sid in ids:
        record = SessionRecord(
            id=sid, source="server", created_at=0.0, scenario_name="hanoi-deal", scenario=document,
            protocol="sao", settings={}, seed=1, parties={"dprk": {"kind": "human"}, "usa": {"kind": "human"}},
        )  # fmt: skip
        store.create_session(record, (), ())


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("postgres_url"))


def test_concurrent_appends_to_many_sessions_are_all_stored_in_order(url: str) -> None:
    store = open_store(url)
    try:
        sessions = [f"s{i}" for i in range(12)]
        add_sessions(store, *sessions)

        def play(sid: str) -> str:
            head = GENESIS
            for position in range(15):
                entry = {"position": position, "kind": "letter", "party": "dprk", "data": {"to": [], "text": sid}}
                head = chain_hash(head, entry)
                store.append(sid, [LogEntry(position, entry, head)], status="running", result=None)
            return head

        with ThreadPoolExecutor(max_workers=12) as pool:
            heads = dict(zip(sessions, pool.map(play, sessions), strict=True))
        for sid in sessions:
            assert [e.position for e in store.entries(sid)] == list(range(15))
            assert store.verify(sid) == heads[sid]
        appends, transactions = store.commits
        assert appends == 12 * 15 and 1 <= transactions <= appends
        with pytest.raises(StoreError, match="do not continue"):  # a stale writer is still refused
            store.append(sessions[0], store.entries(sessions[0])[:1], status="running", result=None)
    finally:
        store.close()


@pytest.mark.parametrize("on_loop", [False, True], ids=["writer-thread", "on-loop"])
def test_changes_queued_from_an_event_loop_resolve_after_their_commit(on_loop: bool) -> None:
    ledger = Ledger(refuse=frozenset({3}))
    commit: GroupCommit[int] = GroupCommit(ledger.write, on_loop=on_loop)

    async def main() -> list[str]:
        futures = [commit.submit_soon(i) for i in range(6)]
        outcomes = []
        for change, future in zip(range(6), futures, strict=True):
            try:
                await future
            except StoreError:
                outcomes.append("refused")
            else:
                assert change in ledger.committed
                outcomes.append("ok")
        return outcomes

    assert run_apart(main()) == ["ok", "ok", "ok", "refused", "ok", "ok"]
    assert sorted(ledger.committed) == [0, 1, 2, 4, 5]


def test_a_stale_change_in_a_group_is_refused_alone(url: str) -> None:
    store = open_store(url)
    try:
        add_sessions(store, *("a", "b", "c"))

        def entry(position: int, text: str, previous: str = GENESIS) -> LogEntry:
            record = {"position": position, "kind": "letter", "party": "dprk", "data": {"to": [], "text": text}}
            return LogEntry(position, record, chain_hash(previous, record))

        write, entered, gate, groups = store._appends._write, threading.Event(), threading.Event(), []
        on_loop = store._appends._on_loop  # SQLite: the loop writes what it queued (no thread to hold up)
        assert on_loop == url.startswith("sqlite")

        def gated_write(group: Any) -> None:  # the first commit waits until the three are queued behind it
            groups.append(len(group))
            if len(groups) == 1 and not on_loop:
                entered.set()
                gate.wait(60)
            write(group)

        store._appends._write = gated_write

        async def main() -> list[str]:
            first = store.append_soon("a", [], status="running", result=None)
            if not on_loop:
                await asyncio.to_thread(entered.wait, 60)
            futures = [
                store.append_soon("a", [entry(0, "a")], status="running", result=None),
                store.append_soon("b", [entry(1, "b")], status="running", result=None),  # b's log is empty: a gap
                store.append_soon("c", [entry(0, "c")], status="agreed", result={"rounds": 1}),
            ]
            gate.set()
            await first
            outcomes = []
            for future in futures:
                try:
                    await future
                except StoreError as exc:
                    outcomes.append(str(exc))
                else:
                    outcomes.append("ok")
            return outcomes

        outcomes = run_apart(main())
        # One transaction for the three (on the loop: for all four, queued in one iteration), refused; then each alone.
        assert groups == ([4, 1, 1, 1, 1] if on_loop else [1, 3, 1, 1, 1])
        assert outcomes[0] == "ok" and outcomes[2] == "ok"
        assert "session b: log entries from 1 do not continue" in outcomes[1]
        assert [len(store.entries(sid)) for sid in ("a", "b", "c")] == [1, 0, 1]
        assert store.session("c").status == "agreed" and store.session("c").result == {"rounds": 1}
        assert store.session("b").length == 0
    finally:
        store.close()


def test_on_the_loop_a_loop_iteration_s_changes_are_one_group_written_by_the_loop() -> None:
    writers: list[int] = []
    ledger = Ledger(refuse=frozenset({2}), fail_on=frozenset({7}))
    commit: GroupCommit[int] = GroupCommit(
        lambda group: (writers.append(threading.get_ident()), ledger.write(group))[-1], on_loop=True, max_group=4
    )

    async def main() -> tuple[int, list[str]]:
        futures = [commit.submit_soon(i) for i in range(9)]  # one iteration: groups of at most 4
        assert ledger.groups == []  # written after this callback, not during it
        await asyncio.sleep(0)  # the write runs as the loop's next callback
        assert all(f.done() for f in futures)
        outcomes = []
        for future in futures:
            try:
                await future
            except StoreError:
                outcomes.append("refused")
            except ValueError:
                outcomes.append("failed")
            else:
                outcomes.append("ok")
        return threading.get_ident(), outcomes

    loop_thread, outcomes = run_apart(main())
    assert outcomes == ["ok", "ok", "refused", "ok", "ok", "ok", "ok", "failed", "ok"]
    assert set(writers) == {loop_thread}  # no writer thread
    assert commit._writer is None
    # [0..3], then [4..7], which failed as a whole (7) and was written change by change, then [8].
    assert ledger.groups == [[0, 1, 2, 3], [4], [5], [6], [8]]
    assert sorted(ledger.committed) == [0, 1, 3, 4, 5, 6, 8]
    assert (commit.changes, commit.groups) == (9, 3)


def test_on_the_loop_changes_from_threads_still_go_through_the_writer_thread() -> None:
    writers: set[str] = set()
    ledger = Ledger()
    commit: GroupCommit[int] = GroupCommit(
        lambda group: (writers.add(threading.current_thread().name), ledger.write(group))[-1], on_loop=True
    )
    commit.submit(1)
    assert writers == {"summitry-group-commit"} and ledger.committed == [1]


def test_the_store_writes_on_the_loop_on_sqlite_only(tmp_path: Path, postgres_url: str) -> None:
    for url, expected in ((f"sqlite:///{tmp_path / 's.db'}", True), (postgres_url, False)):
        store = open_store(url)
        try:
            assert store._appends._on_loop is expected, url
        finally:
            store.close()


class HeldLock:
    """A writers' lock another writer holds for the first ``busy`` tries (counts the blocking waits)."""

    def __init__(self, busy: int) -> None:
        self.busy, self.tries, self.waits, self.held = busy, 0, 0, False

    def try_acquire(self) -> bool:
        self.tries += 1
        if self.tries <= self.busy:
            return False
        self.held = True
        return True

    def __enter__(self) -> None:
        self.waits += 1
        self.held = True

    def __exit__(self, *_exc: object) -> None:
        self.held = False


def test_on_the_loop_a_held_lock_is_tried_again_later_with_the_changes_queued_meanwhile() -> None:
    lock = HeldLock(busy=3)
    groups: list[list[int]] = []

    def write(group: Sequence[Pending[int]]) -> None:
        assert lock.held
        groups.append([p.change for p in group])

    commit: GroupCommit[int] = GroupCommit(write, on_loop=True, lock=lock)

    async def main() -> None:
        first = [commit.submit_soon(i) for i in range(3)]
        await asyncio.sleep(0)  # the first try: the lock is held
        assert groups == [] and lock.tries == 1 and not first[0].done()
        later = [commit.submit_soon(i) for i in range(3, 5)]  # join the waiting group
        await asyncio.gather(*first, *later)

    run_apart(main())
    assert groups == [[0, 1, 2, 3, 4]] and lock.tries == 4 and lock.waits == 0 and not lock.held


def test_on_the_loop_a_lock_held_past_the_loop_s_patience_is_waited_for_by_the_writer_thread() -> None:
    """The loop never waits for the lock: a long writer elsewhere must not freeze its other requests."""
    held = threading.Lock()
    held.acquire()  # another writer, for as long as this test says

    class LongWriter(HeldLock):
        def __enter__(self) -> None:  # waits for the other writer, as WriteLock does
            self.waits += 1
            held.acquire()
            self.held = True

        def __exit__(self, *exc: object) -> None:
            super().__exit__(*exc)
            held.release()

    lock = LongWriter(busy=10**9)
    writers: list[str] = []
    groups: list[list[int]] = []

    def write(group: Sequence[Pending[int]]) -> None:
        assert lock.held
        writers.append(threading.current_thread().name)
        groups.append([p.change for p in group])

    commit: GroupCommit[int] = GroupCommit(write, on_loop=True, lock=lock)

    async def main() -> int:
        threading.Timer(0.3, held.release).start()  # the other writer ends, whatever the loop does
        future = commit.submit_soon(7)
        ticks = 0  # the loop's turns while the lock is waited for
        while not future.done():
            await asyncio.sleep(0.005)
            if lock.waits and not future.done():
                ticks += 1
        done_at = list(groups)  # acknowledged: its commit came first
        await future
        assert done_at == [[7]]
        return ticks

    ticks = run_apart(main())
    assert groups == [[7]] and writers == ["summitry-group-commit"] and lock.waits == 1 and not lock.held
    assert lock.tries >= 2  # tried again (for _LOOP_PATIENCE) before it handed the group over
    assert ticks >= 5  # the loop kept running while the lock was held


def test_on_the_loop_a_writer_outside_the_lock_is_waited_for_by_the_writer_thread(tmp_path: Path) -> None:
    """sqlite3 on the command line, say, holding the database: the loop does not wait in SQLite's busy handler."""
    import sqlite3
    from contextlib import closing

    path = tmp_path / "s.db"
    store = open_store(f"sqlite:///{path}")
    try:
        add_sessions(store, "a")
        entries = []
        head = GENESIS
        for position in range(2):
            data = {"position": position, "kind": "letter", "party": "dprk", "data": {"to": [], "text": "x"}}
            head = chain_hash(head, data)
            entries.append(LogEntry(position, data, head))
        writers: list[str] = []
        write = store._appends._write
        store._appends._write = lambda group: (writers.append(threading.current_thread().name), write(group))[-1]
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # holds the database's write lock, not the store's
        other.execute("UPDATE sessions SET updated_at = 1 WHERE id = 'a'")

        async def main() -> int:
            first = store.append_soon("a", entries[:1], status="running", result=None)
            while not writers:  # the loop's own try, refused at once
                await asyncio.sleep(0.001)
            threading.Timer(0.3, other.execute, ("COMMIT",)).start()  # then the other writer ends
            ticks = 0  # the loop's turns while the other writer holds the database
            while not first.done():
                await asyncio.sleep(0.005)
                ticks += 1
            await first
            await store.append_soon("a", entries[1:], status="running", result=None)  # the loop writes again
            return ticks

        ticks = run_apart(main())
        other.close()
        assert ticks >= 5  # the loop kept running (before, it waited in SQLite's busy handler)
        assert writers[-1] != "summitry-group-commit" and "summitry-group-commit" in writers
        assert [e.position for e in store.entries("a")] == [0, 1] and store.verify("a") == head
        with closing(sqlite3.connect(path)) as reader:  # the other writer's change came first, then the appends
            assert reader.execute("SELECT updated_at FROM sessions WHERE id = 'a'").fetchone()[0] > 1
    finally:
        store.close()


def test_a_group_with_two_changes_of_one_session_and_a_long_change_is_stored_whole(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL writes a group's rows of each kind in one statement (in parts of 1,000 rows):
    # a session changed twice in one group is matched once there, so the group is written
    # again change by change; every change lands, in order, and the long one in full.
    store = open_store(url)
    try:
        add_sessions(store, *("a", "b", "c"))

        def entries(sid: str, first: int, count: int, previous: str = GENESIS) -> list[LogEntry]:
            out = []
            for position in range(first, first + count):
                record = {"position": position, "kind": "letter", "party": "dprk", "data": {"to": [], "text": sid}}
                previous = chain_hash(previous, record)
                out.append(LogEntry(position, record, previous))
            return out

        a0 = entries("a", 0, 1)
        a1 = entries("a", 1, 2, a0[-1].hash)
        a2 = entries("a", 3, 1, a1[-1].hash)
        long = entries("b", 0, 2_500)
        keys = [
            ActionKey(party="dprk", key=f"k{i}", request_hash="h", status=200, body=b'{"events":[]}') for i in range(4)
        ]
        statements: list[str] = []
        if url.startswith("postgresql"):  # the multi-row statements go through psycopg's RawCursor
            import psycopg

            execute = psycopg.RawCursor.execute
            monkeypatch.setattr(
                psycopg.RawCursor,
                "execute",
                lambda self, query, *a, **k: statements.append(query) or execute(self, query, *a, **k),
            )
        write, on_loop = store._appends._write, store._appends._on_loop
        holding, entered, release = threading.Event(), threading.Event(), threading.Event()

        def gated_write(group: Any) -> None:  # the writer thread holds one commit while a group queues behind it
            if holding.is_set():
                holding.clear()
                entered.set()
                release.wait(60)
            write(group)

        store._appends._write = gated_write

        async def in_one_group(*changes: tuple[str, list[LogEntry], ActionKey | None]) -> None:
            blocker = None
            if not on_loop:  # SQLite: the loop writes what one iteration queued, as one group
                holding.set()
                entered.clear()
                release.clear()
                blocker = store.append_soon("c", [], status="agreed", result=None)
                await asyncio.to_thread(entered.wait, 60)
            futures = [store.append_soon(sid, e, status="running", result=None, key=key) for sid, e, key in changes]
            release.set()
            if blocker is not None:
                await blocker
            await asyncio.gather(*futures)

        async def main() -> None:
            await in_one_group(("a", a0, keys[0]), ("b", long, None), ("c", entries("c", 0, 1), keys[1]))
            await in_one_group(("a", a1, keys[2]), ("a", a2, keys[3]))

        run_apart(main())
        if url.startswith("postgresql"):  # the multi-row statements were used: the long change went in parts
            assert any("FROM (VALUES" in s for s in statements)
            assert sum(s.startswith("INSERT INTO entries") and s.count("), (") == 999 for s in statements) == 2
        assert [e.position for e in store.entries("a")] == [0, 1, 2, 3] and store.verify("a") == a2[-1].hash
        assert len(store.entries("b")) == 2_500 and store.verify("b") == long[-1].hash
        assert store.session("c").length == 1
        assert sorted(k.key for k in store.action_keys("a")) == ["k0", "k2", "k3"]
        assert [k.key for k in store.action_keys("c")] == ["k1"]
    finally:
        store.close()


def test_an_answer_stored_twice_under_one_key_is_refused_and_writes_nothing(url: str) -> None:
    store = open_store(url)
    try:
        add_sessions(store, "s")
        log, head = [], GENESIS
        for position in range(2):
            entry = {"position": position, "kind": "letter", "party": "dprk", "data": {"to": [], "text": "t"}}
            head = chain_hash(head, entry)
            log.append(LogEntry(position, entry, head))
        key = ActionKey(party="dprk", key="once", request_hash="h", status=200, body=b'{"events":[]}')
        store.append("s", log[:1], status="running", result=None, key=key)
        with pytest.raises(Exception, match="already stored|UNIQUE|unique"):  # the key's first answer stays
            store.append("s", log[1:], status="agreed", result=None, key=key)
        assert [e.position for e in store.entries("s")] == [0] and store.session("s").status == "running"
        assert store.session("s").length == 1 and store.verify("s") == log[0].hash
    finally:
        store.close()


def test_without_pipelines_postgresql_writes_a_group_all_the_same(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    def no_pipeline(*_: Any) -> None:
        raise psycopg.NotSupportedError("libpq 13")

    monkeypatch.setattr(psycopg.Pipeline, "is_supported", classmethod(lambda cls: False))  # libpq before 14
    monkeypatch.setattr(psycopg.Connection, "pipeline", no_pipeline)
    store = open_store(postgres_url)
    try:
        add_sessions(store, *("a", "b"))
        heads = {}
        for sid in ("a", "b"):
            entry = {"position": 0, "kind": "letter", "party": "dprk", "data": {"to": [], "text": sid}}
            heads[sid] = LogEntry(0, entry, chain_hash(GENESIS, entry))

        async def main() -> None:
            await asyncio.gather(*(store.append_soon(s, [e], status="running", result=None) for s, e in heads.items()))

        run_apart(main())
        assert all(store.verify(sid) == entry.hash for sid, entry in heads.items())
        with pytest.raises(StoreError, match="do not continue"):  # a stale change is still refused by name
            store.append("a", [heads["a"]], status="running", result=None)
    finally:
        store.close()
