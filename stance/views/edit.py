"""Edit page (being built)."""

import streamlit as st


def render() -> None:
    st.title("Edit")
    st.info("This page is being built.")
