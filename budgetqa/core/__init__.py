"""Core of budgetqa: records, settings, errors, the budget vocabulary and the one number/unit reader."""
