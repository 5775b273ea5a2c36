"""App pages: each module has `render()` and runs it when Streamlit executes the file as a page script
(registered by path in budgetqa.webui.main)."""
