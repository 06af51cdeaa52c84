"""The fallback's logistic-regression weights (generated: do not edit by hand).

Fitted by ``benchmarks/bench_generalise.py --write`` on the 101 tuned documents
of the corpus; the threshold was chosen on its leave-one-batch-out proxy.
"""

WEIGHTS: dict[str, float] = {
    "action_heading": 0.8103,
    "action_heading&bullet_start": 1.1813,
    "artefact": 0.9987,
    "bullet": 0.3776,
    "bullet_start": 0.6830,
    "colon_end": -0.0993,
    "commit_verb": 1.6990,
    "decided": 1.2874,
    "done": -0.3289,
    "first_person": 0.9082,
    "group_subject": 0.6642,
    "group_subject&decided": 0.5581,
    "group_subject&need": 0.7698,
    "hedge": -0.0120,
    "imperative": 0.7486,
    "imperative&action_heading": 0.3455,
    "imperative&bullet_start": 0.6288,
    "imperative_any": 0.6131,
    "irc": -0.9420,
    "len:21-40": -0.4339,
    "len:4-8": -0.3531,
    "len:9-20": -0.1887,
    "len:<4": -1.1349,
    "len:>40": -0.5980,
    "marker": 1.8157,
    "need": 0.8546,
    "negation": -0.5574,
    "nick_parens": 0.5843,
    "past": -1.2447,
    "person_to": 0.3154,
    "person_to&bullet_start": 0.2596,
    "person_will": 0.2759,
    "person_will&bullet_start": 0.0343,
    "question": -0.5554,
    "status": -0.5886,
    "to_verb": 1.0544,
    "url": -0.1546,
    "will": 2.0462,
    "will&past": -0.0621,
}
BIAS = -3.8788
THRESHOLD = 0.95
