"""Stance dashboard. Run with: streamlit run dashboard.py"""

import streamlit as st

from stance.views import timeline
from stance.views.common import ensure_ready

st.set_page_config(page_title="Stance", page_icon="🗳️", layout="wide")
ensure_ready()
page = st.navigation([st.Page(timeline.render, title="Timeline", url_path="timeline", default=True)])
page.run()
