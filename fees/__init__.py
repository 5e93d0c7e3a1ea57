"""Consular fees: a service's `fees:` table in YAML (dated schedules), checked and computed in minor units.

Public API:
    from fees.spec import FeeTable                     # the typed `fees:` key of a service (forms.spec hooks it in)
    from fees.compute import assess, schedule_for      # the itemized fee of a request on a day, in a currency
    from fees.checks import check_fees                 # cross-reference checks, called by forms.checks
    from fees import money                             # minor units, rounding, display in the reader's locale

fees.spec builds on the spec's base (forms/specbase.py: Text, Condition); forms.spec imports it like any module.
"""
