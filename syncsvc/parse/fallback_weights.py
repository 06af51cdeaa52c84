"""The fallback's logistic-regression weights (generated: do not edit by hand).

Fitted by ``benchmarks/bench_generalise.py --write`` on the 101 tuned documents
of the corpus; the threshold was chosen on its leave-one-batch-out proxy.
"""

WEIGHTS: dict[str, float] = {
    "action_heading": 0.7893,
    "action_heading&bullet_start": 1.1251,
    "artefact": 1.0434,
    "bullet": 0.3895,
    "bullet_start": 0.6750,
    "by_person": 0.2512,
    "colon_end": -0.0739,
    "commit_verb": 1.6996,
    "decided": 1.1603,
    "done": -0.3590,
    "first_person": 0.9971,
    "group_subject": 0.7806,
    "group_subject&decided": 0.4925,
    "group_subject&need": 0.8870,
    "hedge": 0.0122,
    "imperative": 0.7547,
    "imperative&action_heading": 0.3558,
    "imperative&bullet_start": 0.6338,
    "imperative_any": 0.6265,
    "irc": -0.9172,
    "len:21-40": -0.5369,
    "len:4-8": -0.3552,
    "len:9-20": -0.2067,
    "len:<4": -1.1252,
    "len:>40": -0.5033,
    "marker": 1.8555,
    "need": 0.6935,
    "negation": -0.5541,
    "nick_parens": 0.5805,
    "past": -1.1982,
    "person_to": 0.3066,
    "person_to&bullet_start": 0.2627,
    "person_will": 1.5947,
    "person_will&bullet_start": 0.1599,
    "question": -0.5654,
    "status": -0.5742,
    "to_verb": 0.9797,
    "url": -0.1299,
    "will": 1.8339,
    "will&past": -0.0463,
}
BIAS = -3.9063
THRESHOLD = 0.9
#: Whether the nested proxy showed the fallback adding right items; off, it adds nothing.
ACCEPTED = False
