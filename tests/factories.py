"""factory_boy factories. All people are invented; PESELs are generated with valid checksums."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from people import pesel as pesel_utils
from people.models import Household, Person
from workflows.models import (
    AuditorScope,
    Municipality,
    Profession,
    Professional,
    Sector,
    Team,
    TeamMember,
)

_serial = itertools.count(1)


def synthetic_pesel(birth: datetime.date, sex: str = "F") -> str:
    return pesel_utils.generate(birth, sex, next(_serial) % 1000)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Gmina Testowo {n}")
    county = "powiat testowy"
    teryt = factory.Sequence(lambda n: f"{1000000 + n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.LazyAttribute(lambda o: f"Zespół Interdyscyplinarny – {o.municipality.name}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Testowa{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    sector = Sector.SOCIAL_ASSISTANCE
    profession = Profession.SOCIAL_WORKER
    institution = "Ośrodek Pomocy Społecznej"
    confidentiality_declared_on = datetime.date(2024, 1, 2)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    professional = factory.SubFactory(ProfessionalFactory)
    role = TeamMember.Role.MEMBER


class AuditorScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditorScope

    user = factory.SubFactory(UserFactory)
    institution = "Urząd Wojewódzki – Wydział Polityki Społecznej"


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    label = "Kowalscy"
    municipality = factory.SubFactory(MunicipalityFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = "Maria"
    last_name = "Kowalska"
    birth_date = datetime.date(1985, 3, 14)
    pesel = factory.LazyAttribute(lambda o: synthetic_pesel(o.birth_date, "F"))
