"""Alignment page (being built)."""

import streamlit as st


def render() -> None:
    st.title("Alignment")
    st.info("This page is being built.")
