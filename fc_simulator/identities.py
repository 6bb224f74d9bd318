"""The test persons the simulator offers, as FranceConnect's integration environment does.

They are fictitious; birth places and countries are INSEE codes, as FranceConnect sends them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class TestPerson:
    key: str
    given_name: str
    family_name: str
    preferred_username: str
    birthdate: str
    gender: str
    birthplace: str
    birthcountry: str
    email: str
    description: str

    @property
    def display_name(self):
        usage = f" (nom d'usage {self.preferred_username})" if self.preferred_username else ""
        return f"{self.given_name} {self.family_name}{usage}"

    def claims(self, scopes):
        """The identity claims FranceConnect releases for these scopes (a claim's scope has its name)."""
        every_claim = {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "preferred_username": self.preferred_username,
            "birthdate": self.birthdate,
            "gender": self.gender,
            "birthplace": self.birthplace,
            "birthcountry": self.birthcountry,
            "email": self.email,
        }
        return {name: value for name, value in every_claim.items() if name in scopes}


PEOPLE = [
    TestPerson(
        key="angela-dubois",
        given_name="Angela Claire Louise",
        family_name="DUBOIS",
        preferred_username="",
        birthdate="1962-08-24",
        gender="female",
        birthplace="75107",
        birthcountry="99100",
        email="angela.dubois@example.fr",
        description="née le 24 août 1962 à Paris 7e",
    ),
    TestPerson(
        key="jean-pierre-martin",
        given_name="Jean-Pierre Marcel",
        family_name="MARTIN",
        preferred_username="",
        birthdate="1958-03-12",
        gender="male",
        birthplace="37261",
        birthcountry="99100",
        email="jean-pierre.martin@example.fr",
        description="né le 12 mars 1958 à Tours (Indre-et-Loire)",
    ),
    TestPerson(
        key="marie-therese-lefebvre",
        given_name="Marie-Thérèse Jeanne",
        family_name="LEFEBVRE",
        preferred_username="MOREAU",
        birthdate="1971-11-05",
        gender="female",
        birthplace="37003",
        birthcountry="99100",
        email="mt.moreau@example.fr",
        description="née le 5 novembre 1971 à Amboise (Indre-et-Loire)",
    ),
    TestPerson(
        key="karim-benali",
        given_name="Karim",
        family_name="BENALI",
        preferred_username="",
        birthdate="1985-06-30",
        gender="male",
        birthplace="",
        birthcountry="99352",
        email="karim.benali@example.fr",
        description="né le 30 juin 1985 en Algérie",
    ),
    TestPerson(
        key="marie-martin",
        given_name="Marie",
        family_name="MARTIN",
        preferred_username="",
        birthdate="1975-02-14",
        gender="female",
        birthplace="37072",
        birthcountry="99100",
        email="elu@amil.example",
        description=(
            "née le 14 février 1975 à Chinon ; même adresse mail que le compte de démonstration "
            "elu@amil.example, pour essayer « Lier mon compte à FranceConnect »"
        ),
    ),
]


def find(key):
    return next((person for person in PEOPLE if person.key == key), None)
