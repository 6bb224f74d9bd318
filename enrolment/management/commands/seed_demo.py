"""Demo data for `make run`: idempotent, dates relative to today.

Running it again never duplicates anything. Trainings are created once (staff edits are kept); the
dates of the demo sessions are moved relative to today on every run, so that the demo always shows
open sessions, one whose last registration day is tomorrow, one whose registrations are closed and
one that is full.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from accounts.models.user import IdentityMethod
from enrolment.models import ACTIVE_STATES, Dossier, DossierLog, DossierState
from trainings import deadlines
from trainings.models import Modality, Organiser, Session, Theme, Training

DEMO_STAFF_EMAIL = "staff@amil.example"
DEMO_STAFF_PASSWORD = "Demo-Staff-2026!"
DEMO_ELU_EMAIL = "elu@amil.example"
DEMO_ELU_PASSWORD = "Demo-Elu-2026!!"
# Élus whose accepted dossiers fill the "full" session.
DEMO_FULL_SESSION_ELUS = [
    ("Bernard", "Dupuis"),
    ("Catherine", "Lefèvre"),
    ("Jean-Pierre", "Moreau"),
    ("Sylvie", "Garnier"),
    ("Philippe", "Chevalier"),
    ("Nathalie", "Rousseau"),
]
DEMO_ELU_PASSWORD_OTHERS = "Demo-Elus-2026!!"

# Where sessions happen: (venue, postal code, town) in Indre-et-Loire; REMOTE for a virtual classroom.
TOURS = ("Maison des Maires, 34 place de la Préfecture", "37000", "Tours")
AMBOISE = ("Salle des fêtes, 60 quai du Général de Gaulle", "37400", "Amboise")
CHINON = ("Espace Rabelais, 1 rue Jean-Jacques Rousseau", "37500", "Chinon")
LOCHES = ("Salle Agnès Sorel, rue de Tours", "37600", "Loches")
JOUE = ("Espace Malraux, parc des Bretonnières", "37300", "Joué-lès-Tours")
CHATEAU_RENAULT = ("Salle du conseil, mairie, place Jean Jaurès", "37110", "Château-Renault")
BOURGUEIL = ("Salle Bourgueil-Saint-Nicolas, place de l'Église", "37140", "Bourgueil")
REMOTE = ("Classe virtuelle : le lien de connexion est envoyé aux inscrits", "", "")

# Session kinds: ("open", days ahead) | ("closing_tomorrow",) | ("closed",) | ("full",).
CLOSING_TOMORROW = ("closing_tomorrow",)
CLOSED = ("closed",)
FULL = ("full",)

FINANCING = (
    "Formation liée à l'exercice du mandat : elle peut être financée par votre DIFE (droit individuel à la "
    "formation des élus), sur votre compte élu de Mon Compte Formation.\n"
    "Les frais de déplacement et de séjour peuvent être remboursés par votre collectivité (article L. 2123-14 du "
    "code général des collectivités territoriales)."
)
EXPERT = "Formation animée par un intervenant expert dans le domaine des collectivités locales."

TRAININGS = [
    {
        "reference": "AMIL-FIN-02",
        "title": "Budget communal niveau confirmé",
        "theme": "Finances locales",
        "modality": Modality.IN_PERSON,
        "hours": "7",
        "price": "150.00",
        "summary": "Approfondir la préparation, le vote et l'exécution du budget communal, et dialoguer avec le "
        "comptable public et les services de l'État.",
        "strengths": EXPERT + "\nCas pratiques à partir des budgets de communes d'Indre-et-Loire.\n"
        "Supports remis à chaque participant.",
        "objectives": "Maîtriser le cycle budgétaire (débat d'orientation, budget primitif, décisions modificatives, "
        "compte financier unique).\nAnalyser l'équilibre de la section de fonctionnement et la capacité "
        "d'autofinancement.\nPréparer un plan pluriannuel d'investissement.",
        "content": "Matin : rappel des grands principes budgétaires, la nomenclature M57, les ratios d'analyse "
        "financière.\nAprès-midi : atelier sur la construction d'un budget primitif, l'endettement et les "
        "marges de manœuvre, questions des participants.",
        "audience": "Maires, adjoints aux finances, conseillers municipaux ayant déjà voté un budget",
        "prerequisites": "Avoir suivi le niveau découverte ou connaître les bases du budget communal",
        "sessions": [CLOSING_TOMORROW, ("open", 45)],
        "places": [TOURS, TOURS],
        # Made-up MCF identifiers (the demo shows the exact link; the other trainings show what to search for).
        "mcf_training_id": "99999999999999_AMIL-FIN-02",
        "mcf_action_id": "99999999999999_AMIL-FIN-02-TOURS",
    },
    {
        "reference": "AMIL-FIN-01",
        "title": "Les bases du budget communal",
        "theme": "Finances locales",
        "modality": Modality.REMOTE,
        "hours": "3.5",
        "price": "90.00",
        "summary": "Comprendre le budget de sa commune pour participer utilement au débat et au vote en conseil "
        "municipal.",
        "strengths": "Classe virtuelle de trois heures et demie, sans déplacement.\nQuiz de fin de séance.",
        "objectives": "Lire un budget communal et en comprendre la structure.\nConnaître le calendrier et les "
        "règles de vote.",
        "content": "Les deux sections du budget, recettes et dépenses, le rôle du maire et du conseil, le contrôle "
        "budgétaire du préfet.",
        "audience": "Élus nouvellement installés ou sans délégation aux finances",
        "prerequisites": "Aucun. Un ordinateur avec micro et caméra.",
        "sessions": [("open", 21), ("open", 63)],
        "places": [REMOTE, REMOTE],
    },
    {
        "reference": "AMIL-URB-01",
        "title": "Urbanisme : comprendre et faire évoluer le PLU",
        "theme": "Urbanisme et aménagement",
        "modality": Modality.IN_PERSON,
        "hours": "7",
        "price": "180.00",
        "summary": "Le plan local d'urbanisme (PLU ou PLUi) : son contenu, ses procédures d'évolution et la place "
        "de la commune face à l'intercommunalité.",
        "strengths": EXPERT + "\nExemples de modifications et de révisions menées en Touraine.",
        "objectives": "Connaître les pièces du PLU (PADD, OAP, règlement, zonage).\nChoisir la bonne procédure : "
        "modification, modification simplifiée, révision.\nIntégrer l'objectif de zéro artificialisation nette.",
        "content": "Le cadre juridique (code de l'urbanisme, SCoT), la concertation, l'enquête publique, le "
        "contentieux ; atelier de lecture d'un règlement de zone.",
        "audience": "Maires, adjoints à l'urbanisme, conseillers municipaux et communautaires",
        "sessions": [("open", 28), ("open", 70)],
        "places": [AMBOISE, TOURS],
    },
    {
        "reference": "AMIL-URB-02",
        "title": "Instruire les autorisations d'urbanisme : permis de construire et déclarations préalables",
        "theme": "Urbanisme et aménagement",
        "modality": Modality.BLENDED,
        "hours": "7",
        "price": "160.00",
        "summary": "Le rôle du maire dans la délivrance des autorisations d'urbanisme, de la demande à la "
        "décision, et le contrôle des travaux.",
        "strengths": "Une matinée en salle, une après-midi en classe virtuelle.\nModèles d'arrêtés fournis.",
        "objectives": "Connaître les délais d'instruction et les pièces exigibles.\nSécuriser les décisions "
        "(motivation, retrait, recours des tiers).",
        "content": "Permis de construire, d'aménager, de démolir, déclaration préalable, certificat d'urbanisme ; "
        "dématérialisation des demandes ; infractions et procès-verbaux.",
        "sessions": [("open", 35)],
        "places": [CHATEAU_RENAULT],
    },
    {
        "reference": "AMIL-CP-01",
        "title": "Marchés publics : les règles de la commande publique pour les communes",
        "theme": "Commande publique",
        "modality": Modality.IN_PERSON,
        "hours": "7",
        "price": "150.00",
        "summary": "Acheter juste et en sécurité : seuils, procédures adaptées, mise en concurrence et exécution "
        "des marchés.",
        "strengths": EXPERT + "\nFiches pratiques par seuil de procédure.",
        "objectives": "Définir le besoin et choisir la procédure.\nConduire une mise en concurrence et analyser les "
        "offres.\nPrévenir les risques pénaux (favoritisme, prise illégale d'intérêts).",
        "content": "Le code de la commande publique, les seuils en vigueur, les marchés sans publicité ni mise en "
        "concurrence, la commission d'appel d'offres, les avenants.",
        "sessions": [CLOSED, ("open", 50)],
        "places": [CHINON, CHINON],
    },
    {
        "reference": "AMIL-RH-01",
        "title": "Le maire employeur : gérer le personnel communal",
        "theme": "Ressources humaines",
        "modality": Modality.IN_PERSON,
        "hours": "7",
        "price": "150.00",
        "summary": "Recruter, organiser le travail, évaluer et accompagner les agents de la commune : les "
        "responsabilités du maire, autorité territoriale.",
        "strengths": EXPERT + "\nIntervention du centre de gestion d'Indre-et-Loire.",
        "objectives": "Connaître le statut de la fonction publique territoriale.\nConduire l'entretien "
        "professionnel annuel.\nPrévenir les risques professionnels et les conflits.",
        "content": "Titulaires et contractuels, temps de travail, rémunération et RIFSEEP, discipline, "
        "document unique d'évaluation des risques.",
        "sessions": [FULL, ("open", 75)],
        "places": [LOCHES, TOURS],
        "full_seats": len(DEMO_FULL_SESSION_ELUS),
    },
    {
        "reference": "AMIL-POS-01",
        "title": "Prévenir et gérer les conflits",
        "theme": "Posture et efficacité de l'élu",
        "modality": Modality.IN_PERSON,
        "hours": "14",
        "price": "300.00",
        "summary": "Incivilités, tensions avec des administrés ou au sein du conseil municipal : comprendre les "
        "mécanismes du conflit et garder la main.",
        "strengths": "Deux jours de mises en situation avec une formatrice en communication.\n"
        "Petit groupe de douze élus au plus.",
        "objectives": "Identifier les sources de tension.\nDésamorcer une situation d'agressivité.\nConduire une "
        "médiation simple.",
        "content": "Jour 1 : les mécanismes du conflit, l'écoute active, l'assertivité.\nJour 2 : jeux de rôle à "
        "partir de situations vécues, protection fonctionnelle de l'élu.",
        "sessions": [("open", 40)],
        "places": [JOUE],
        "session_days": 2,
        "seats": 12,
    },
    {
        "reference": "AMIL-COM-01",
        "title": "Communiquer efficacement : bulletin municipal, site internet et réseaux sociaux",
        "theme": "Communication",
        "modality": Modality.REMOTE,
        "hours": "3.5",
        "price": "90.00",
        "summary": "Informer les habitants avec des moyens simples, dans le respect des règles de la "
        "communication publique et des périodes préélectorales.",
        "strengths": "Exemples de bulletins et de pages de communes rurales.\nCalendrier éditorial type remis.",
        "objectives": "Choisir les bons supports.\nÉcrire clair et court.\nConnaître les règles de la "
        "communication en période électorale.",
        "content": "Ligne éditoriale, droit à l'image, modération des commentaires, accessibilité des contenus.",
        "sessions": [("open", 30)],
        "places": [REMOTE],
    },
    {
        "reference": "AMIL-POL-01",
        "title": "Les pouvoirs de police du maire",
        "theme": "Institutions et pouvoirs du maire",
        "modality": Modality.IN_PERSON,
        "hours": "7",
        "price": "150.00",
        "summary": "Sécurité, salubrité, tranquillité publiques : ce que le maire peut et doit faire, et comment "
        "rédiger un arrêté solide.",
        "strengths": EXPERT + "\nModèles d'arrêtés de police commentés.",
        "objectives": "Distinguer police administrative et police judiciaire.\nRédiger un arrêté de police "
        "proportionné.\nConnaître la responsabilité du maire.",
        "content": "Circulation et stationnement, bruit, animaux errants, immeubles menaçant ruine, débits de "
        "boissons ; le rappel à l'ordre.",
        "sessions": [("open", 24), ("open", 84)],
        "places": [BOURGUEIL, TOURS],
    },
    {
        "reference": "AMIL-INS-01",
        "title": "Le fonctionnement du conseil municipal",
        "theme": "Institutions et pouvoirs du maire",
        "modality": Modality.REMOTE,
        "hours": "3.5",
        "price": "90.00",
        "summary": "Convocation, quorum, délibérations, droits de l'opposition : sécuriser les séances du "
        "conseil municipal.",
        "strengths": "Classe virtuelle interactive.\nFiche mémo des délais et des règles de quorum.",
        "objectives": "Préparer et conduire une séance.\nRédiger des délibérations exécutoires.",
        "content": "Le règlement intérieur, les questions orales, les pouvoirs, la publicité des actes depuis la "
        "réforme de 2022.",
        "sessions": [("open", 18)],
        "places": [REMOTE],
    },
    {
        # Draft kept unpublished: it shows the staff the admin's hourly-cost warning (700 € for 7 h).
        "reference": "AMIL-ENV-01",
        "title": "Transition écologique : rénover les bâtiments communaux",
        "theme": "Environnement et transition écologique",
        "modality": Modality.IN_PERSON,
        "hours": "7",
        "price": "700.00",
        "summary": "Décret tertiaire, diagnostics énergétiques et financements de la rénovation des bâtiments publics.",
        "objectives": "Établir un plan de rénovation du patrimoine communal.",
        "content": "Obligations réglementaires, aides (fonds vert, certificats d'économies d'énergie), retours "
        "d'expérience.",
        "sessions": [("open", 60)],
        "places": [TOURS],
        "is_published": False,
    },
]


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def working_days_from(day, length):
    """The first day on or after `day` that starts `length` consecutive working days."""
    while not all(deadlines.is_working_day(day + datetime.timedelta(days=i)) for i in range(length)):
        day += datetime.timedelta(days=1)
    return day


def first_day_of(kind, today, length=1):
    """The first day of a demo session of `kind`, relative to `today` (Paris)."""
    if kind == CLOSING_TOMORROW:
        # Exactly: its last registration day must be tomorrow, even if it starts on a Saturday.
        return deadlines.earliest_first_day_closing_on_or_after(today + datetime.timedelta(days=1))
    if kind == CLOSED:
        # Upcoming, but its last registration day has passed (a few days' shift keeps it well inside).
        return working_days_from(today + datetime.timedelta(days=5), length)
    if kind == FULL:
        return working_days_from(today + datetime.timedelta(days=30), length)
    if kind[0] == "open":
        return working_days_from(today + datetime.timedelta(days=kind[1]), length)
    raise ValueError(kind)


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent : peut être relancé sans créer de doublons)."

    @transaction.atomic
    def handle(self, *args, **options):
        staff = self.ensure_users()
        organiser = self.ensure_organiser()
        today = deadlines.paris_today()
        full_session = None
        for spec in TRAININGS:
            training = self.ensure_training(spec, organiser)
            sessions = self.ensure_sessions(training, spec, today)
            for kind, session in zip(spec["sessions"], sessions, strict=True):
                if kind == FULL:
                    full_session = session
        if full_session is not None:
            self.fill_session(full_session, staff)
        call_command("seed_accounts_demo", elu_email=DEMO_ELU_EMAIL, verbosity=options["verbosity"])
        call_command("seed_backoffice_demo", verbosity=options["verbosity"])
        call_command("seed_activity_demo", verbosity=options["verbosity"])
        call_command("seed_funding_demo", verbosity=options["verbosity"])
        call_command("seed_satisfaction_demo", verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"  Équipe : {DEMO_STAFF_EMAIL} / {DEMO_STAFF_PASSWORD} (administration : /admin/)")
        self.stdout.write(f"  Élu : {DEMO_ELU_EMAIL} / {DEMO_ELU_PASSWORD}")

    def ensure_users(self):
        staff = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
        if staff is None:
            staff = User.objects.create_superuser(
                DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, first_names="Équipe", birth_name="AMIL"
            )
        if not User.objects.filter(email=DEMO_ELU_EMAIL).exists():
            User.objects.create_user(
                DEMO_ELU_EMAIL,
                DEMO_ELU_PASSWORD,
                first_names="Marie",
                birth_name="Martin",
                email_confirmed_at=timezone.now(),
                cgu_accepted_at=timezone.now(),
            )
        return staff

    def ensure_organiser(self):
        association = settings.ASSOCIATION
        organiser, _ = Organiser.objects.get_or_create(
            is_default=True,
            defaults={
                "name": association["name"],
                "short_name": association["short_name"],
                "address": f"{association['address']}, {association['postal_code_city']}",
                "phone": association["phone"],
                "email": association["email"],
            },
        )
        return organiser

    def ensure_training(self, spec, organiser):
        theme, _ = Theme.objects.get_or_create(name=spec["theme"], defaults={"slug": slugify(spec["theme"])})
        association = settings.ASSOCIATION
        training, _ = Training.objects.get_or_create(
            reference=spec["reference"],
            defaults={
                "title": spec["title"],
                "organiser": organiser,
                "theme": theme,
                "modality": spec["modality"],
                "duration_hours": Decimal(spec["hours"]),
                "price": Decimal(spec["price"]),
                "summary": spec["summary"],
                "strengths": spec.get("strengths", ""),
                "objectives": spec["objectives"],
                "content": spec["content"],
                "audience": spec.get("audience", "Élus locaux (maires, adjoints, conseillers municipaux)"),
                "prerequisites": spec.get("prerequisites", "Aucun"),
                "financing_aids": FINANCING,
                "contact": f"{association['name']} · {association['phone']} · {association['email']}",
                "place": ""
                if spec["modality"] == Modality.REMOTE
                else "Indiqué pour chaque session ; l'adresse et un lien vers le plan d'accès sont envoyés avec "
                "la convocation.",
                "transport": ""
                if spec["modality"] == Modality.REMOTE
                else "Parking à proximité. Covoiturage possible entre élus : signalez-le à l'inscription.",
                "mcf_training_id": spec.get("mcf_training_id", ""),
                "mcf_action_id": spec.get("mcf_action_id", ""),
                "is_published": spec.get("is_published", True),
            },
        )
        return training

    def ensure_sessions(self, training, spec, today):
        """The demo sessions of `training`, created or moved to their dates relative to today."""
        existing = list(training.sessions.order_by("pk")[: len(spec["sessions"])])
        sessions = []
        for index, (kind, place) in enumerate(zip(spec["sessions"], spec["places"], strict=True)):
            length = spec.get("session_days", 1)
            first_day = first_day_of(kind, today, length)
            last_day = first_day + datetime.timedelta(days=length - 1)
            venue, postal_code, city = place
            half_day = Decimal(spec["hours"]) < 4
            values = {
                "starts_at": at(first_day, 9),
                "ends_at": at(last_day, 12, 30) if half_day else at(last_day, 17),
                "venue": venue,
                "postal_code": postal_code,
                "city": city,
                "seats": spec["full_seats"] if kind == FULL else spec.get("seats", settings.DEFAULT_SESSION_SEATS),
                "status": Session.Status.OPEN,
            }
            if index < len(existing):
                session = existing[index]
                for name, value in values.items():
                    setattr(session, name, value)
                session.save()
            else:
                session = Session.objects.create(training=training, **values)
            sessions.append(session)
        return sessions

    def fill_session(self, session, staff):
        """Give every seat of `session` to a demo élu with an accepted dossier (and its log row)."""
        for index, (first_names, birth_name) in enumerate(DEMO_FULL_SESSION_ELUS, start=1):
            email = f"elu.demo{index}@amil.example"
            elu = User.objects.filter(email=email).first()
            if elu is None:
                elu = User.objects.create_user(
                    email,
                    DEMO_ELU_PASSWORD_OTHERS,
                    first_names=first_names,
                    birth_name=birth_name,
                    email_confirmed_at=timezone.now(),
                    cgu_accepted_at=timezone.now(),
                    identity_method=IdentityMethod.DOCUMENT,
                    identity_verified_at=timezone.now(),
                )
            if Dossier.objects.filter(user=elu, session=session, state__in=ACTIVE_STATES).exists():
                continue
            now = timezone.now()
            dossier = Dossier.objects.create(
                user=elu,
                session=session,
                state=DossierState.ACCEPTED,
                created_by=elu,
                submitted_at=now,
                decided_at=now,
            )
            DossierLog.objects.create(
                dossier=dossier,
                by=staff,
                from_state=DossierState.SUBMITTED,
                to_state=DossierState.ACCEPTED,
                note="Dossier de démonstration.",
            )
