"""The fallback's logistic-regression weights (generated: do not edit by hand).

Fitted by ``benchmarks/bench_generalise.py --write`` on the 189 tuned documents
of the corpus; the threshold was chosen on its leave-one-batch-out proxy.
"""

WEIGHTS: dict[str, float] = {
    "action_heading": 0.8405,
    "action_heading&bullet_start": 0.9591,
    "artefact": 0.7412,
    "bullet": 0.6262,
    "bullet_start": 0.5726,
    "by_person": 0.1538,
    "colon_end": -0.2106,
    "commit_verb": 1.4646,
    "decided": 1.1183,
    "done": -0.1427,
    "first_person": 0.8755,
    "group_subject": 0.6777,
    "group_subject&decided": 0.6438,
    "group_subject&need": 0.7549,
    "hedge": 0.0124,
    "imperative": 0.6571,
    "imperative&action_heading": 0.3117,
    "imperative&bullet_start": 0.5906,
    "imperative_any": 0.6104,
    "irc": -0.7152,
    "len:21-40": -0.7231,
    "len:4-8": -0.6680,
    "len:9-20": -0.3475,
    "len:<4": -1.2995,
    "len:>40": -0.2008,
    "marker": 1.3172,
    "need": 0.7877,
    "negation": -0.2497,
    "nick_parens": 0.7974,
    "past": -0.9373,
    "person_to": 0.3987,
    "person_to&bullet_start": 0.4619,
    "person_will": 1.4576,
    "person_will&bullet_start": 0.4540,
    "question": -0.5836,
    "status": -0.3037,
    "to_verb": 0.7740,
    "url": -0.1239,
    "will": 1.8992,
    "will&past": -0.1835,
}
BIAS = -3.8964
THRESHOLD = 0.8
#: Whether the nested proxy showed the fallback adding right items; off, it adds nothing.
ACCEPTED = False
#: The rescue: the threshold for a document the rules would reject, and whether
#: its nested proxy accepted it (off, a document with nothing found is rejected).
RESCUE_THRESHOLD = 0.7
RESCUE_ACCEPTED = True
