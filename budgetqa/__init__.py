"""budgetqa: conversational QA over Chinese government budget disclosures, with exact cited figures."""
__version__ = "0.1.0"
