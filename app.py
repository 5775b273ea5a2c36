"""budgetqa Streamlit app (a checkout's entry point; `budgetqa app` runs the same from an installed package).

    streamlit run app.py                      # full mode: chat, documents, facts, upload, audit
    BUDGETQA_MODE=kiosk streamlit run app.py  # public terminal: chat and documents, read-only
"""
from budgetqa.webui.main import main

main()
