"""Decision-record files: the folder and its numbering, the inputs each record embeds, and
verify, which re-checks recorded decisions against today's rules and prices.

Builds on the core; rendering a record is a view (advisor.views.adr).
"""
