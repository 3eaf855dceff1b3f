"""Demo identities are synthetic: valid RPPS keys, fiction phone ranges, example.org addresses."""

import random

import phonenumbers
from stdnum import luhn

from crisis_app.core.demo import fake


def test_generated_people_cannot_reach_anyone_real():
    rng = random.Random(7)
    people = [fake.person(rng, i) for i in range(300)]
    for p in people:
        assert len(p.rpps) == 11 and luhn.is_valid(p.rpps)
        number = phonenumbers.parse(p.mobile)
        assert fake.is_fiction_number(number) and phonenumbers.is_possible_number(number)
        # phonenumbers knows the range is reserved: no real line answers there
        assert not phonenumbers.is_valid_number(number)
        assert p.email.endswith("@example.org")
    assert len({p.email for p in people}) == len(people)
