"""The decision core: everything that decides, and nothing that presents.

profile -> facts (latency, prices, cost, capacity) -> rules -> engine -> assessment, with
the what-if search and the decision map on top. Nothing here imports the records, the
views or the command line, and nothing here imports Jinja2.
"""
