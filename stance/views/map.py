"""Map page (being built)."""

import streamlit as st


def render() -> None:
    st.title("Map")
    st.info("This page is being built.")
