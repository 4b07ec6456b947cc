"""Stance dashboard. Run with: streamlit run dashboard.py

Pages render; stance.queries and stance.charts compute. Nothing else belongs here.
"""

import streamlit as st

from stance.db import read_only_mode
from stance.views import alignment, compare, data, edit, explore, map, positions, profile, relations, review, timeline
from stance.views.common import ensure_ready, shared_menu
from stance.views.team import pages as team_pages

st.set_page_config(page_title="Stance", page_icon="🗳️", layout="wide")
ensure_ready()

pages = [
    st.Page(timeline.render, title="Timeline", icon=":material/timeline:", default=True),
    st.Page(compare.render, title="Compare", icon=":material/grid_on:", url_path="compare"),
    st.Page(alignment.render, title="Alignment", icon=":material/handshake:", url_path="alignment"),
    st.Page(positions.render, title="Positions", icon=":material/linear_scale:", url_path="positions"),
    st.Page(map.render, title="Map", icon=":material/public:", url_path="map"),
    st.Page(profile.render, title="Actor profile", icon=":material/person:", url_path="actor"),
    st.Page(explore.render, title="Explore", icon=":material/search:", url_path="explore"),
    st.Page(relations.render, title="Relations", icon=":material/compare_arrows:", url_path="relations"),
]
if not read_only_mode():
    pages.append(st.Page(edit.render, title="Add statement", icon=":material/edit_note:", url_path="add"))
    pages.append(st.Page(review.render, title="Review", icon=":material/fact_check:", url_path="review"))
    pages += team_pages()
pages.append(st.Page(data.render, title="Data", icon=":material/database:", url_path="data"))
current = st.navigation(pages, position="hidden")
with shared_menu(pages):  # our own menu: its links carry the shared selection to the next page
    current.run()
