"""App pages: each module has `render()`; app.py registers the files with st.Page(path), and a page file run
as a script calls its own module's `render()`."""
