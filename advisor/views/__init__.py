"""Words and numbers for people: the text summary, JSON, Markdown, the decision record,
the review report, the rule-set reference and the one formatting module they share.

Views read an Assessment (and the rule set that made it); none of them decides anything.
"""
