"""Profile page (being built)."""

import streamlit as st


def render() -> None:
    st.title("Profile")
    st.info("This page is being built.")
