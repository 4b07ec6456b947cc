"""What every page shares: the database, cached reads, and filters that live in the URL.

Session-state keys (each also a URL parameter of the same name where a page uses it):
    issue    slug of the chosen issue
    actors   list of actor codes (URL: comma-separated)
    years    (first, last) year of the date range (URL: from=YYYY&to=YYYY)

URL values are checked before use: an unknown or malformed one is ignored with a notice.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import sqlite_utils
import streamlit as st

from stance.actors import registry
from stance.db import DatabaseError, open_db, plain_sqlite_error, read_only_mode, resolve_db_path, unusable
from stance.sample import BuildStatus, build_sample, ensure_database

T = TypeVar("T")
DEFAULT_ACTORS = 6


def db_path() -> Path:
    return resolve_db_path()


@contextlib.contextmanager
def database(write: bool = False) -> Iterator[sqlite_utils.Database]:
    """A connection for this run only; read-only unless writing (and always in read-only mode).

    A write that SQLite refuses (another writer, such as a load, held the lock past the busy
    timeout; a full disk; a read-only file) becomes a DatabaseError with a plain message, which
    the forms show above the values the user typed: no traceback, nothing written."""
    db = open_db(db_path(), read_only=read_only_mode() or not write)
    try:
        yield db
    except (sqlite3.DatabaseError, pd.errors.DatabaseError) as exc:
        if not write:
            cannot_read(exc)
        raise DatabaseError(f"{plain_sqlite_error(exc)}. Nothing was written; what you typed is kept, "
                            "so try again in a moment.") from None
    finally:
        db.close()


def data_version(path: Path) -> tuple[int, int]:
    """Changes whenever the database does: WAL writes land in the -wal file first.

    An empty -wal file is left out: SQLite deletes and recreates it as connections come and
    go, which says nothing about the data and would throw the whole cache away."""
    wal = Path(f"{path}-wal")
    files = [p for p in (path, wal) if p.exists() and (p == path or p.stat().st_size > 0)]
    return (max((p.stat().st_mtime_ns for p in files), default=0), sum(p.stat().st_size for p in files))


def ensure_ready() -> Path:
    """The database, built on first run from data/ (the sample and the General Assembly record).

    The build takes about fifteen seconds: the page says what is being built and how far it is
    (and so does the terminal), and a second session opened meanwhile waits on the first one's
    build with the same progress instead of starting its own."""
    path = db_path()
    if path.exists():
        refuse_unusable(path)
        return path
    if read_only_mode():
        st.error(f"No database at `{path}`, and read-only mode cannot create one. "
                 "Build it with `python -m stance sample`.")
        st.stop()
    st.title("Stance: first run")
    st.write("Building the database from the files in `data/`: the hand-coded sample and the whole UN General "
             "Assembly record, 870,109 votes on 6,203 roll calls, 1946-2020 (Voeten's data, via the unvotes package). "
             "This happens once and takes about 15 seconds; later runs open at once.")
    bar = st.progress(0.0, text="Starting")
    last = [-1.0]

    def report(status: BuildStatus) -> None:
        if status.done - last[0] < 0.01 and status.done < 1.0:
            return
        last[0] = status.done
        bar.progress(min(max(status.done, 0.0), 1.0), text=status.step)
        print(f"stance: first run: {status.step} ({status.done:.0%})", file=sys.stderr, flush=True)

    try:
        ensure_database(path, report)
    except Exception as exc:  # the page says what failed; the terminal has the rest
        print(f"stance: first run failed: {exc}", file=sys.stderr, flush=True)
        st.error(f"Building the database failed: {md_escape(str(exc)[:500])}. Nothing was left at `{path}`; "
                 "try `python -m stance sample` in a terminal to see every message.")
        st.stop()
    st.cache_data.clear()
    st.rerun()
    return path


def refuse_unusable(path: Path) -> None:
    """A folder, random bytes, a truncated or empty file, or a newer Stance's database: say so
    plainly and stop, on every page, instead of a traceback (showing the file's name, not the
    server's folders)."""
    problem = unusable(path)
    if problem:
        st.error(f"The database file “{md_escape(path.name)}” {md_escape(problem)}.")
        st.stop()


def cannot_read(exc: Exception) -> None:
    """A read SQLite refused after the file looked usable (damage deep inside, a lock, the
    disk): a plain message and stop, no SQL or server paths."""
    st.error(f"The database could not be read: {md_escape(plain_sqlite_error(exc))}. "
             "`python -m stance check` on the server says more.")
    st.stop()


def _query_function(name: str) -> Callable[..., pd.DataFrame]:
    """'issues' -> stance.queries.issues; 'alignment.matrix' -> stance.queries.alignment.matrix."""
    module, _, func = name.rpartition(".")
    return getattr(importlib.import_module("stance.queries" + (f".{module}" if module else "")), func)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(query_name: str, path: str, version: tuple[int, int], *args: Any) -> Any:
    from stance.db import open_db

    db = open_db(path, read_only=True)
    try:
        return _query_function(query_name)(db, *args)
    finally:
        db.close()


def read(query_name: str, *args: Any) -> Any:
    """Run a stance.queries function, cached until the database changes.

    Arguments must be hashable plain values (use tuples, not lists)."""
    path = db_path()
    try:
        return _cached(query_name, str(path), data_version(path), *args)
    except (sqlite3.DatabaseError, pd.errors.DatabaseError) as exc:
        cannot_read(exc)


def require_data(issues: pd.DataFrame) -> None:
    """An empty database gets guidance and, unless read-only, a button that loads the sample."""
    if not issues.empty:
        return
    st.info("This database holds no issues yet. Load data with `python -m stance load FILE`, "
            "or build the sample with `python -m stance sample`.")
    if not read_only_mode() and st.button("Load the bundled sample now"):
        build_sample(db_path())
        st.cache_data.clear()
        st.rerun()
    st.stop()


def md_escape(text: object) -> str:
    """Stored or typed text for a markdown sink (st.markdown, st.info, st.caption, widget labels
    and help, radio options): it must stay text.

    Every markdown character (and Streamlit's :directives:, $ for KaTeX) is backslash-escaped, so
    `![p](http://host/x.png)` is no image the browser fetches and `[a](url)` no disguised link.
    A bare http(s) URL in the text is still shown as a link to itself by GFM's autolinking,
    which no escape prevents: it fetches nothing and says where it goes."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~$:&])", r"\\\1", str(text))


def shown(raw: str, limit: int = 60) -> str:
    """A value from the URL, cut short and escaped, for a notice: never a code span, since
    markdown escapes do not work inside one and a backtick in the value would close it."""
    return f"“{md_escape(raw[:limit])}”"


def digits(raw: str) -> int | None:
    """An ASCII whole number, or None: str.isdigit() accepts '²', which int() refuses."""
    return int(raw) if raw.isascii() and raw.isdigit() else None


def safe_link(url: object) -> str | None:
    """The URL if it is http(s), else None: only those become clickable links."""
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None


def evidence_card(row: pd.Series, heading: str, subject: str, fields: tuple[tuple[str, str], ...]) -> None:
    """One stance point in full: a heading we compose, then who (and on what) and every
    coder-typed field with st.text (never markdown or HTML), then a button to the source when
    its link is http(s)."""
    with st.container(border=True):
        st.caption(md_escape(heading))
        st.text(subject)
        for label, column in fields:
            value = row.get(column)
            if isinstance(value, str) and value:
                st.caption(f"{label}:")
                st.text(value)
        url = safe_link(row.get("source_url"))
        if url:
            st.link_button("Open the source", url)


# --- URL state -------------------------------------------------------------------------------

def seed_from_url(key: str, parse: Callable[[str], T | None], default: T, what: str,
                  param: str | None = None) -> None:
    """On a session's first run, set st.session_state[key] from URL parameter `param` (default:
    the key itself), noting junk. A page whose state must not leak into other pages' widgets
    uses its own key with the shared parameter name."""
    if key in st.session_state:
        return
    param = param or key
    raw = st.query_params.get(param)
    value = default
    if raw is not None:
        parsed = parse(raw)
        if parsed is None:
            st.warning(f"Ignored {md_escape(param)}={shown(raw)} in the link: {what}.")
        else:
            value = parsed
    st.session_state[key] = value


def set_url(**values: object) -> None:
    """Write the current filters into the URL, so a copied link reopens this view."""
    for key, value in values.items():
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        if value in (None, ""):
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = str(value)


# --- Shared pickers --------------------------------------------------------------------------

def issue_picker(issues: pd.DataFrame, key: str = "issue") -> str:
    slugs = issues["slug"].tolist()
    titles = dict(zip(issues["slug"], issues["title"], strict=True))
    seed_from_url(key, lambda raw: raw if raw in titles else None, slugs[0], "no such issue")
    if st.session_state[key] not in titles:
        st.session_state[key] = slugs[0]
    return st.selectbox("Issue", slugs, format_func=titles.get, key=key)


def group_options(years: range) -> dict[str, tuple[str, str | None]]:
    """Groups offered in the actor picker: label -> (group code, as-of date)."""
    reg = registry()
    options: dict[str, tuple[str, str | None]] = {
        "Permanent five (P5)": ("P5", None), "G7": ("G7", None), "European Union (today)": ("EU", None)}
    for year in years:
        if len(reg.members("UNSC", f"{year}-07-01")) == 15:
            options[f"Security Council {year}"] = ("UNSC", f"{year}-07-01")
    return options


def actor_picker(actors: pd.DataFrame, key: str = "actors", years: range = range(2006, 2025),
                 label: str = "Actors") -> list[str]:
    """Actors by name, or a whole group at once (P5, G7, EU, the Security Council of a year).

    `actors` has columns code and name: the actors with data in the current view.
    """
    codes = actors["code"].tolist()
    names = dict(zip(actors["code"], actors["name"], strict=True))

    def parse(raw: str) -> list[str] | None:
        wanted = [c.strip().upper() for c in raw.split(",") if c.strip()]
        known = [c for c in wanted if c in names]
        unknown = [c for c in wanted if c not in names]
        if unknown:
            st.warning(f"No data here for {', '.join(shown(c, 20) for c in unknown[:5])}; left out.")
        return known or None

    seed_from_url(key, parse, codes[:DEFAULT_ACTORS], "no known actor codes")
    st.session_state[key] = [c for c in st.session_state[key] if c in names] or codes[:DEFAULT_ACTORS]
    groups = group_options(years)
    group_key = f"{key}_group"

    def apply_group() -> None:
        choice = st.session_state.get(group_key)
        if choice:
            code, on = groups[choice]
            members = set(registry().members(code, on or pd.Timestamp.today().date().isoformat()))
            st.session_state[key] = [c for c in codes if c in members]

    left, right = st.columns([3, 1])
    with right:
        st.selectbox("Add a group", [""] + list(groups), key=group_key, on_change=apply_group,
                     format_func=lambda g: g or "Pick a group…")
    with left:
        return st.multiselect(label, codes, format_func=names.get, key=key)


def year_range_picker(first: int, last: int, key: str = "years") -> tuple[int, int]:
    """A year range; URL parameters `from` and `to`."""
    def parse_year(raw: str) -> int | None:
        year = digits(raw)
        return year if year is not None and first <= year <= last else None

    if key not in st.session_state:
        start = parse_year(st.query_params.get("from", str(first)))
        end = parse_year(st.query_params.get("to", str(last)))
        if start is None or end is None or start > end:
            st.warning(f"Ignored the date range in the link: years must lie within {first}-{last}.")
            start, end = first, last
        st.session_state[key] = (start, end)
    if first == last:
        return (first, last)
    return st.slider("Years", first, last, key=key)
