"""Streamlit front end of budgetqa: logic importable and testable without a running Streamlit server.

`app.py` only wires pages; every page lives in `webui/pages/` (a module with `render()` that also runs as a
Streamlit page script), and everything that can be tested without Streamlit lives in the other modules.
"""
