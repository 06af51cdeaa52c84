"""The fallback's logistic-regression weights (generated: do not edit by hand).

Fitted by ``benchmarks/bench_generalise.py --write`` on the 175 tuned documents
of the corpus; the threshold was chosen on its leave-one-batch-out proxy.
"""

WEIGHTS: dict[str, float] = {
    "action_heading": 0.8364,
    "action_heading&bullet_start": 0.9785,
    "artefact": 0.7432,
    "bullet": 0.6095,
    "bullet_start": 0.5631,
    "by_person": 0.1618,
    "colon_end": -0.2086,
    "commit_verb": 1.4826,
    "decided": 1.1749,
    "done": -0.1643,
    "first_person": 0.9119,
    "group_subject": 0.7052,
    "group_subject&decided": 0.6620,
    "group_subject&need": 0.7441,
    "hedge": 0.0373,
    "imperative": 0.6830,
    "imperative&action_heading": 0.3143,
    "imperative&bullet_start": 0.6081,
    "imperative_any": 0.6190,
    "irc": -0.6858,
    "len:21-40": -0.7552,
    "len:4-8": -0.6321,
    "len:9-20": -0.3113,
    "len:<4": -1.2776,
    "len:>40": -0.2058,
    "marker": 1.3756,
    "need": 0.8403,
    "negation": -0.2587,
    "nick_parens": 0.8307,
    "past": -0.9354,
    "person_to": 0.4670,
    "person_to&bullet_start": 0.4845,
    "person_will": 1.5197,
    "person_will&bullet_start": 0.5024,
    "question": -0.6139,
    "status": -0.3393,
    "to_verb": 0.7960,
    "url": -0.1155,
    "will": 1.8713,
    "will&past": -0.1779,
}
BIAS = -3.8868
THRESHOLD = 0.8
#: Whether the nested proxy showed the fallback adding right items; off, it adds nothing.
ACCEPTED = False
#: The rescue: the threshold for a document the rules would reject, and whether
#: its nested proxy accepted it (off, a document with nothing found is rejected).
RESCUE_THRESHOLD = 0.7
RESCUE_ACCEPTED = True
