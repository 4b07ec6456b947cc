"""What every page shares: the database, cached reads, and filters that live in the URL.

Session-state keys (each also a URL parameter of the same name where a page uses it):
    issue     slug of the chosen issue
    actors    list of actor codes (URL: comma-separated codes, names or aliases)
    years     (first, last) year of the date range (URL: from=YYYY&to=YYYY)
    evidence  "both", "statements" or "votes" (URL: absent for both)
    _url_written  what this session last wrote into the URL, per parameter (see url_changed)

These are one selection shared by the pages: the menu (shared_menu) carries them to the next
page. URL values are checked before use: an unknown or malformed one is ignored with a notice,
and a URL changed outside the page (a link, Back, Forward) is read again.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import re
import sqlite3
import sys
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import sqlite_utils
import streamlit as st

from stance.actors import display_aliases, registry
from stance.charts.footer import DEFAULT_BELOW, cite
from stance.db import DatabaseError, open_db, plain_sqlite_error, read_only_mode, resolve_db_path, unusable
from stance.errors import StanceError
from stance.sample import BuildStatus, build_sample, ensure_database

T = TypeVar("T")
DEFAULT_ACTORS = 6
LONG_SELECTION = 8  # more chosen actors than this are also listed by name under the picker


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

def _written() -> dict[str, str | None]:
    """What this session last wrote into the URL, per parameter."""
    return st.session_state.setdefault("_url_written", {})


def url_changed(param: str) -> bool:
    """True when the URL's `param` is not what this session last wrote there: the URL was opened
    from a link, edited by hand, or moved by the browser's Back and Forward buttons. (Streamlit
    pushes a history entry for every change a page makes to the URL and reruns the page when the
    browser steps through them, with the old URL but the widgets' current values.)"""
    written = _written()
    return param in written and st.query_params.get(param) != written[param]


def seed_from_url(key: str, parse: Callable[[str], T | None], default: T, what: str,
                  param: str | None = None) -> None:
    """Set st.session_state[key] from URL parameter `param` (default: the key itself), noting junk,
    on a session's first run and whenever the URL changed outside the page (Back, Forward, a link).
    A page whose state must not leak into other pages' widgets uses its own key with the shared
    parameter name."""
    param = param or key
    if key in st.session_state and not url_changed(param):
        return
    raw = st.query_params.get(param)
    value = default
    if raw is not None:
        parsed = parse(raw)
        if parsed is None:
            st.warning(f"Ignored {md_escape(param)}={shown(raw)} in the link: {what}.")
        else:
            value = parsed
    st.session_state[key] = value
    _written()[param] = raw  # this URL value has been read: it is ours now


def set_url(**values: object) -> None:
    """Write the current filters into the URL, so a copied link reopens this view. None (or "")
    removes a parameter: pages pass None for a value at its default.

    All in one assignment: Streamlit adds a browser-history entry for every change of the URL, so
    setting parameters one by one left an entry per parameter for the Back button to step through."""
    written = _written()
    params = {key: st.query_params.get_all(key) if len(st.query_params.get_all(key)) > 1 else st.query_params[key]
              for key in st.query_params}
    for key, value in values.items():
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        if value in (None, ""):
            params.pop(key, None)
            written[key] = None
        else:
            params[key] = str(value)
            written[key] = str(value)
    if params != {key: st.query_params[key] for key in st.query_params}:
        st.query_params.from_dict(params)


def unless(value: T, default: T) -> T | None:
    """`value`, or None when it is the default (see set_url)."""
    return None if value == default else value


# --- The shared selection ----------------------------------------------------------------------
#
# The issue, the actors, the years and the kind of evidence are one selection shared by every page
# (as in Our World in Data's grapher): the same session-state keys and URL parameters everywhere.
# Streamlit's own page menu clears the URL on a page change, and the next page writing its
# parameters back added a history entry that the Back button then stepped through without any
# visible change. So the menu is ours: each link carries the selection, the next page opens on it
# and writes nothing new, and Back returns to the previous page as it was.

SHARED = ("issue", "actors", "from", "to", "evidence", "actor", "seat")  # the URL parameters the menu carries


@contextlib.contextmanager
def shared_menu(pages: list) -> Iterator[None]:
    """The sidebar menu, one link per page, each carrying the shared selection as the page left it
    in the URL. Drawn after the page (into a place kept before it), even when the page stops early."""
    box = st.sidebar.container()
    with st.sidebar:
        svg_button()
    try:
        yield
    finally:
        params = {key: st.query_params[key] for key in SHARED if key in st.query_params}
        with box:
            for page in pages:
                st.page_link(page, label=page.title, icon=page.icon, query_params=params, width="stretch")


# --- Shared pickers --------------------------------------------------------------------------

def seat_toggle() -> bool:
    """"Follow the UN seat", on by default (URL seat=0 turns it off), shared by the pages that draw
    a state over time: Russia's line then runs back through the Soviet Union (data/successions.csv)."""
    seed_from_url("seat", lambda raw: {"1": True, "0": False}.get(raw.strip()), True, "expected 1 or 0")
    return st.checkbox("Follow the UN seat", key="seat",
                       help="On: a state's line runs back through the states whose UN seat it continued (Russia "
                            "through the Soviet Union, Germany through West Germany, Serbia through Serbia and "
                            "Montenegro, Yemen through North Yemen), marked where the seat passed on. Off: each "
                            "state is its own line.")


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


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def actor_label(code: str, name: str, max_aliases: int = 2, max_chars: int = 14) -> str:
    """'North Korea (PRK) · DPRK, Pyongyang': the picker's search matches what the label holds, so
    a code or an alias from data/aliases.csv typed in the picker finds the actor."""
    seen = {_squash(code), _squash(name)}
    extra = []
    for alias in sorted(display_aliases().get(code, ()), key=len):
        key = _squash(alias)
        if len(alias) <= max_chars and key not in seen and not any(key in s for s in seen if len(s) > 3):
            seen.add(key)
            extra.append(alias)
    label = f"{name} ({code})"
    return label + (" · " + ", ".join(extra[:max_aliases]) if extra else "")


def default_actors(codes: list[str], n: int = DEFAULT_ACTORS) -> list[str]:
    """The permanent five first (where they have data), then the others in the given order
    (most evidence first), up to n: on a General Assembly issue, where almost every state has
    the same number of votes, the first n by name would be Afghanistan to Angola."""
    p5 = set(registry().members("P5"))
    return ([c for c in codes if c in p5] + [c for c in codes if c not in p5])[:n]


def parse_actor_list(raw: str, known: set[str]) -> tuple[list[str], list[str]]:
    """Comma-separated codes, names or aliases -> (known codes, the parts that are not)."""
    found, unknown = [], []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        code = part.upper() if part.upper() in known else None
        if code is None:
            try:
                code = registry().resolve(part)
            except StanceError:
                code = None
        if code in known:
            found.append(code)
        else:
            unknown.append(part)
    return list(dict.fromkeys(found)), unknown


def actor_picker(actors: pd.DataFrame, key: str = "actors", years: range = range(2006, 2025),
                 label: str = "Actors") -> list[str]:
    """Actors by name, code or alias, or a whole group at once (P5, G7, EU, the Security Council
    of a year), added to the selection.

    `actors` has columns code and name: the actors with data in the current view, most evidence
    first.
    """
    codes = actors["code"].tolist()
    names = dict(zip(actors["code"], actors["name"], strict=True))
    default = default_actors(codes)

    def parse(raw: str) -> list[str] | None:
        known, unknown = parse_actor_list(raw, set(names))
        if unknown:
            st.warning(f"No data here for {', '.join(shown(c, 20) for c in unknown[:5])}; left out.")
        return known or None

    seed_from_url(key, parse, default, "no known actor codes")
    st.session_state[key] = [c for c in st.session_state[key] if c in names] or default
    groups = group_options(years)
    group_key = f"{key}_group"

    def add_group() -> None:
        choice = st.session_state.get(group_key)
        if choice:
            code, on = groups[choice]
            members = set(registry().members(code, on or pd.Timestamp.today().date().isoformat()))
            chosen = st.session_state.get(key, [])
            st.session_state[key] = chosen + [c for c in codes if c in members and c not in chosen]
            st.session_state[group_key] = ""  # ready for the next group

    labels = {c: actor_label(c, names[c]) for c in codes}
    left, right = st.columns([3, 1])
    with right:
        st.selectbox("Add a group", [""] + list(groups), key=group_key, on_change=add_group,
                     format_func=lambda g: g or "Pick a group…", help="Adds the group's members that have data "
                     "here to the actors already chosen.")
    with left:
        chosen = st.multiselect(label, codes, format_func=labels.get, key=key, wrap=True,
                                help="Type a name, a code (DEU) or another name (DPRK, Deutschland).")
    if len(chosen) > LONG_SELECTION:
        st.caption(f"{len(chosen)} {label.lower()}: " + ", ".join(md_escape(names[c]) for c in chosen))
    return chosen


def year_range_picker(first: int, last: int, key: str = "years") -> tuple[int, int]:
    """A year range; URL parameters `from` and `to` (absent: the whole span)."""
    def parse_year(raw: str) -> int | None:
        year = digits(raw)
        return year if year is not None and first <= year <= last else None

    if key not in st.session_state or url_changed("from") or url_changed("to"):
        start = parse_year(st.query_params.get("from", str(first)))
        end = parse_year(st.query_params.get("to", str(last)))
        if start is None or end is None or start > end:
            st.warning(f"Ignored the date range in the link: years must lie within {first}-{last}.")
            start, end = first, last
        st.session_state[key] = (start, end)
        _written().update({"from": st.query_params.get("from"), "to": st.query_params.get("to")})
    low, high = st.session_state[key]  # another page's range may be wider or narrower: keep what fits
    st.session_state[key] = (min(max(low, first), last), max(min(high, last), first))
    if first == last:
        return (first, last)
    return st.slider("Years", first, last, key=key)


EVIDENCE = {"both": "Statements and votes", "statements": "Statements only", "votes": "UN votes only"}
EVIDENCE_RULE = {
    "both": "its latest statement or UN vote up to that date (a statement wins over a vote of the same day, "
            "since it usually explains the vote)",
    "statements": "its latest statement up to that date (votes left out)",
    "votes": "its latest UN vote up to that date (statements left out)",
}


def evidence_picker(key: str = "evidence") -> str:
    """Which evidence makes a position: statements, votes or both. URL parameter `evidence`
    (absent: both), shared by the Timeline, the Map and Compare."""
    seed_from_url(key, lambda raw: raw if raw in EVIDENCE else None, "both", "expected both, statements or votes")
    return st.radio("Evidence", list(EVIDENCE), format_func=EVIDENCE.get, key=key, horizontal=True,
                    help="A UN vote counts as a stance: yes = support of the resolution's side, no = opposition, "
                         "abstention = neutral.")


def position_rule(kinds: str) -> str:
    """How a position at a date is derived, in words, for the page to say."""
    return f"An actor's position at a date is {EVIDENCE_RULE[kinds]}."


def view_link(path: str = "", **params: object) -> str:
    """A relative link to a dashboard view (`path` is the page's url_path, "" for the Timeline),
    its filters in the URL as the pages read them; relative, so it works under any base path."""
    query = {key: ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
             for key, value in params.items() if value not in (None, "")}
    return f"./{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")


# --- Charts: every figure carries its sources; the toolbar offers PNG and SVG ------------------

# plotly.js has one image button, whose format the config sets, and Streamlit's config is JSON (no
# functions for a button of our own). So the camera gives a PNG at twice the screen's resolution,
# and this script puts an "SVG" button beside it that clicks the camera with the format set to SVG.
SVG_BUTTON_JS = """<script>
(() => {
  if (window.__stanceSvgButton) return;
  window.__stanceSvgButton = true;
  const add = (gd) => {
    const camera = gd.querySelector('.modebar .modebar-btn[data-title^="Download plot"]');
    if (!camera || camera.parentNode.querySelector('[data-stance-svg]')) return;
    const svg = document.createElement('button');
    svg.type = 'button';
    svg.className = 'modebar-btn';
    svg.setAttribute('data-stance-svg', '1');
    svg.setAttribute('data-title', 'Download plot as an SVG');
    svg.setAttribute('aria-label', 'Download plot as an SVG');
    svg.setAttribute('rel', 'tooltip');
    svg.textContent = 'SVG';
    svg.style.cssText = 'font: bold 10px sans-serif; color: rgba(68, 68, 68, 0.45); cursor: pointer';
    svg.addEventListener('click', (event) => {
      event.preventDefault();
      const options = gd._context.toImageButtonOptions;
      const was = options.format;
      options.format = 'svg';
      try { camera.click(); } finally { options.format = was; }
    });
    camera.parentNode.insertBefore(svg, camera.nextSibling);
  };
  const all = () => document.querySelectorAll('.js-plotly-plot').forEach(add);
  new MutationObserver(all).observe(document.body, {childList: true, subtree: true});
  all();
})();
</script>"""


def svg_button() -> None:
    """Install the toolbar's SVG button (once per browser tab; drawn in the sidebar, out of the way)."""
    st.html(SVG_BUTTON_JS, unsafe_allow_javascript=True)


def reopen_link() -> str:
    """Where this view opens again: the page's address, and the filters in the page's link.

    Not the link itself: a page writes its filters into the URL after drawing, so the first click
    would redraw a figure whose text changed, and Streamlit drops a selection made on a figure that
    changed (the Positions page lost its first click). The page's address is the same every run."""
    base = (st.context.url or "").split("?", 1)[0]
    return f"{base} with the filters in the page's link" if base else ""


def chart(fig: Any, sources: Sequence[str], key: str, below: int = DEFAULT_BELOW,
          config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """st.plotly_chart with the figure's source line (stance.charts.footer) and the toolbar set
    for papers: PNG at twice the resolution, named after the chart; the SVG button beside it."""
    cite(fig, sources, datetime.datetime.now(datetime.UTC).date().isoformat(), reopen_link() or None, below)
    options = {"toImageButtonOptions": {"format": "png", "filename": f"stance-{key.replace('_', '-')}", "scale": 2},
               "displaylogo": False} | (config or {})
    return st.plotly_chart(fig, key=key, config=options, **kwargs)


def evidence_sources(kinds: str, issues: Sequence[str], body: str | None = None,
                     has_statements: bool | None = None) -> list[str]:
    """The sources a figure of statements and/or votes on these issues rests on: hand-coded
    statements only if it can show some, and the votes' own sources (a Security Council issue
    does not cite the General Assembly record)."""
    keys: list[str] = []
    if kinds in ("both", "statements") and has_statements is not False:
        keys.append("statements")
    if kinds in ("both", "votes"):
        keys += read("provenance.vote_sources_of", tuple(issues), body)
    return keys
# --- Data packages ---------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=4)
def database_digest(path: str, version: tuple[int, int]) -> dict[str, object]:
    """The content digest of the database (stance.package.database_digest), once per change of
    the file: it reads every row (2.5 s on the whole General Assembly record)."""
    from stance.package import database_digest as digest

    db = open_db(path, read_only=True)
    try:
        return digest(db)
    finally:
        db.close()


def page_url() -> str:
    """The link that reopens this view: the app's address (when the browser told it) and the URL's filters."""
    base = (getattr(st.context, "url", None) or "").split("?")[0] or "./"
    if urllib.parse.urlsplit(base).netloc and not urllib.parse.urlsplit(base).path:
        base += "/"  # http://host:8501?issue=... works, http://host:8501/?issue=... reads better
    query = urllib.parse.urlencode({key: st.query_params[key] for key in st.query_params})
    return base + (f"?{query}" if query else "")


Rows = pd.DataFrame | Callable[[sqlite_utils.Database], Iterator[pd.DataFrame]]


def package_button(view: str, tables: dict[str, Rows], evidence: tuple[str, ...], key: str,
                   filters: dict[str, object] | None = None, label: str | None = None,
                   issue: str | None = None) -> None:
    """One download button: the page's rows as a data package (stance.package), built only when
    clicked. `tables` maps a file name to a frame, or to a function of the database that yields
    frames (streamed); `evidence` says what the rows are made of (statements, votes, relations,
    derived) for their licences and sources, narrowed to the votes of `issue` when the rows are of one;
    the filters default to the URL's, which hold the view."""
    from stance.package import Table, describe, package_bytes, safe_name

    filters = dict(filters) if filters is not None else {k: st.query_params[k] for k in st.query_params}
    link = page_url()
    path = db_path()

    def build() -> bytes:
        with database() as db:
            about = describe(db, view, filters, link, evidence, database_digest(str(path), data_version(path)),
                             issue)
            made = [Table(safe_name(name), rows if isinstance(rows, pd.DataFrame) else (lambda r=rows: r(db)),
                          evidence=evidence) for name, rows in tables.items()]
            return package_bytes(made, about)

    rows = sum(len(t) for t in tables.values() if isinstance(t, pd.DataFrame))
    today = pd.Timestamp.today().date().isoformat()
    st.download_button(label or f"Download these {rows:,} rows as a data package (zip)", build,
                       file_name=f"stance-{safe_name(view)}-{today}.zip", mime="application/zip",
                       on_click="ignore", key=key, icon=":material/download:",
                       help="The rows as CSV, a datapackage.json (Frictionless Data Package v2: column meanings, "
                            "licences, sources) and a README with how to cite them and the link back to this view.")
