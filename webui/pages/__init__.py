"""App pages. Each module has `render()` and also runs as a Streamlit page script (st.Page(path))."""
